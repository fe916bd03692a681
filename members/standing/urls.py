from django.urls import path

from members.standing import views

urlpatterns = [
    path("<int:pk>/standing/new/", views.ProposeDecisionView.as_view(), name="standing_propose"),
    path("standing/", views.pending_decisions, name="standing_pending"),
    path("standing/<int:pk>/", views.DecisionDetailView.as_view(), name="standing_decision"),
    path(
        "standing/<int:pk>/approve/",
        views.AnswerDecisionView.as_view(approve=True),
        name="standing_approve",
    ),
    path(
        "standing/<int:pk>/reject/",
        views.AnswerDecisionView.as_view(approve=False),
        name="standing_reject",
    ),
    path(
        "standing/<int:pk>/withdraw/",
        views.WithdrawDecisionView.as_view(),
        name="standing_withdraw",
    ),
]
