from django.urls import path

from education.evaluation import views

urlpatterns = [
    path("evaluations/<int:pk>/", views.evaluations, name="evaluations"),
    path(
        "evaluations/member/<int:pk>/<int:year>/",
        views.EvaluateView.as_view(),
        name="evaluate",
    ),
    path(
        "evaluations/member/<int:pk>/<int:year>/inflow/",
        views.InflowOpinionView.as_view(),
        name="inflow_opinion",
    ),
]
