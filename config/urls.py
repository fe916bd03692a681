from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.views import healthz, home
from organizations import views as org_views
from organizations.forms import PasswordChangeForm

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        org_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organizations/", include("organizations.urls")),
    path("members/", include("members.urls")),
    path("staff/", include("organizations.staff_urls")),
    path("transfers/", include("transfers.urls")),
    path("education/", include("education.urls")),
    path("oversight/", include("oversight.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("audit/", org_views.audit_list, name="audit"),
    path("notices/", org_views.notice_list, name="notices"),
    path("notices/<int:pk>/open/", org_views.notice_open, name="notice_open"),
    path("admin/", admin.site.urls),
]
