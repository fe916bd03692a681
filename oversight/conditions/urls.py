"""The pages of proper reasons and assigned work (in the "oversight" namespace)."""

from django.urls import path

from oversight.conditions import views

urlpatterns = [
    path(
        "members/<int:pk>/proper-reasons/new/",
        views.ExemptionNewView.as_view(),
        name="exemption_new",
    ),
    path(
        "proper-reasons/<int:pk>/revoke/",
        views.ExemptionRevokeView.as_view(),
        name="exemption_revoke",
    ),
    path("members/<int:pk>/work/new/", views.WorkNewView.as_view(), name="work_new"),
    path("work/<int:pk>/done/", views.WorkDoneView.as_view(), name="work_done"),
    path("work/<int:pk>/void/", views.WorkVoidView.as_view(), name="work_void"),
]
