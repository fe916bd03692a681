"""The reports pages' URLs (in the "oversight" namespace)."""

from django.urls import URLPattern, path

from oversight.reports import views

urlpatterns: list[URLPattern] = [
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
]
