from django.urls import path

from organizations import views

app_name = "staff"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("lockouts/", views.staff_lockouts, name="lockouts"),
    path("<int:pk>/lockouts/lift/", views.staff_lift_lockout, name="lift_lockout"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/roles/<int:role_pk>/revoke/", views.staff_revoke_role, name="revoke_role"),
    path("<int:pk>/active/", views.staff_set_active, name="set_active"),
]
