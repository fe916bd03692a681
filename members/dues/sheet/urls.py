"""Dues: the sheet pages."""

from django.urls import URLPattern, path

from members.dues.sheet import views

urlpatterns: list[URLPattern] = [
    path("dues/sheet/", views.dues_sheet, name="dues_sheet"),
]
