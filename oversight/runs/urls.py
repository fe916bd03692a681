"""The runs pages' URLs (in the "oversight" namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
