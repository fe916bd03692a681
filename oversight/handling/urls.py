"""The handling pages' URLs (in the "oversight" namespace)."""

from django.urls import URLPattern, path

from oversight.handling import views

urlpatterns: list[URLPattern] = [
    path("members/<int:pk>/handling/new/", views.HandlingNewView.as_view(), name="handling_new"),
    path(
        "members/<int:pk>/procedure/new/",
        views.ProcedureNewView.as_view(),
        name="procedure_new",
    ),
    path("procedures/<int:pk>/", views.ProcedureView.as_view(), name="procedure"),
    path(
        "procedures/<int:pk>/informed/",
        views.ProcedureInformedView.as_view(),
        name="procedure_informed",
    ),
    path(
        "procedures/<int:pk>/decision/",
        views.ProcedureDecisionView.as_view(),
        name="procedure_decision",
    ),
]
