"""Pages of standing decisions: propose (the branch), the decision's page, approve or reject (the
superior committee), withdraw (the branch), and the decisions awaiting an answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from core.scoping import Action
from core.types import AuthedRequest
from core.views import ScopedActionFormView, ScopedMixin
from members import access
from members.models import DecisionStatus, StandingDecision
from members.pages import MemberActionView
from members.standing import actions as acts
from members.standing.forms import AnswerDecisionForm, ProposeDecisionForm
from organizations.scope import user_scope

#: How many decisions awaiting an answer the list shows (they are few: each is a meeting's).
PENDING_SHOWN = 100


def decision_queryset(queryset: QuerySet[StandingDecision]) -> QuerySet[StandingDecision]:
    return queryset.select_related("member__home_org", "committee", "proposed_by", "decided_by")


class ProposeDecisionView(MemberActionView):
    """The home branch proposes a decision on the member's party standing."""

    scope_action = Action.CHANGE
    template_name = "members/standing/propose.html"
    success_message = gettext_lazy("Sent to the superior committee for approval.")

    def get_form(self, data: Any = None) -> ProposeDecisionForm:
        # The lists' buttons ask for a kind (?kind=suspend); an unknown one selects nothing.
        kind = self.request.GET.get("kind", "")
        return ProposeDecisionForm(data, member=self.object, initial={"kind": kind})

    def perform(self, form: ProposeDecisionForm) -> None:
        self.decision = acts.do_propose_standing_decision(
            actor=self.actor, member=self.object, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("members:standing_decision", args=[self.decision.pk])


class DecisionMixin(ScopedMixin):
    model = StandingDecision
    context_object_name: str | None = "decision"

    def get_queryset(self) -> Any:
        return decision_queryset(super().get_queryset())


class DecisionDetailView(DecisionMixin, DetailView[Any]):
    """One decision: what was proposed, on what grounds, and the committee's answer."""

    template_name = "members/standing/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        decision: StandingDecision = self.object
        pending = decision.status == DecisionStatus.PROPOSED
        context["can_answer"] = pending and access.may_answer_decision(self.actor, decision)
        context["can_withdraw"] = access.may_withdraw_decision(self.actor, decision)
        context["member"] = decision.member
        if context["can_answer"]:
            context["form"] = AnswerDecisionForm()
        return context


class DecisionFormView(DecisionMixin, ScopedActionFormView):
    scope_action = Action.CHANGE

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(member=self.object.member, **kwargs)

    def get_success_url(self) -> str:
        return reverse("members:standing_decision", args=[self.object.pk])


class AnswerDecisionView(DecisionFormView):
    """The superior committee approves (`approve = True`) or rejects the decision."""

    template_name = "members/standing/answer.html"
    approve = True

    def check_object_action(self, obj: Model) -> None:
        super().check_object_action(obj)
        assert isinstance(obj, StandingDecision)
        if not access.may_answer_decision(self.actor, obj):
            raise PermissionDenied

    def get_form(self, data: Any = None) -> AnswerDecisionForm:
        return AnswerDecisionForm(data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(approve=self.approve, **kwargs)

    def perform(self, form: AnswerDecisionForm) -> None:
        act = (
            acts.do_approve_standing_decision if self.approve else acts.do_reject_standing_decision
        )
        act(actor=self.actor, decision=self.object, **form.cleaned_data)

    def get_success_message(self) -> str:
        if self.approve:
            return str(gettext_lazy("Approved: the member's party standing has changed."))
        return str(gettext_lazy("Not approved: the branch has been told why."))


class WithdrawDecisionView(DecisionFormView):
    """The branch takes back its proposal before the committee answers."""

    template_name = "members/standing/withdraw.html"
    success_message = gettext_lazy("Proposal withdrawn.")

    def get_form(self, data: Any = None) -> forms.Form:
        return forms.Form(data)

    def perform(self, form: forms.Form) -> None:
        acts.do_withdraw_standing_decision(actor=self.actor, decision=self.object)


@login_required
def pending_decisions(request: AuthedRequest) -> HttpResponse:
    """Decisions awaiting an answer that the user's committees give: the committee's inbox."""
    scope = user_scope(request.user)
    pending = StandingDecision.objects.pending().visible_to(request.user, Action.CHANGE)
    if not scope.is_superuser:
        pending = pending.filter(scope.q("committee__path", Action.CHANGE))
    decisions = list(decision_queryset(pending).order_by("created_at", "id")[:PENDING_SHOWN])
    return render(request, "members/standing/pending.html", {"decisions": decisions})
