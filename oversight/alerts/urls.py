"""The alerts pages' URLs (in the "oversight" namespace)."""

from django.urls import URLPattern, path

from oversight.alerts import views

urlpatterns: list[URLPattern] = [
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/resolve/", views.resolve, name="alert_resolve"),
    path("alerts/<int:pk>/dismiss/", views.dismiss, name="alert_dismiss"),
]
