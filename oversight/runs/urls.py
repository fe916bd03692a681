"""The runs pages' URLs (in the "oversight" namespace)."""

from django.urls import URLPattern, path

from oversight.runs import views

urlpatterns: list[URLPattern] = [
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/run-now/", views.run_now, name="run_now"),
]
