"""Dues: the arrears pages."""

from django.urls import URLPattern, path

from members.dues.arrears import views

urlpatterns: list[URLPattern] = [
    path("dues/arrears/", views.arrears_page, name="dues_arrears"),
    path("dues/anomalies/", views.anomalies_page, name="dues_anomalies"),
]
