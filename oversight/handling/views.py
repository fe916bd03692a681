"""Pages of the education and handling card: record a handling (from the member's page or from
an alert), start the six-month rule procedure, and the procedure's page with its next step.

Who may: the member's home side (`members.access.may_change`); an organization the member is
shared with, or an inspector, sees the procedure but is refused (403) its forms; a member or
procedure out of scope is not found (404)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from core.scoping import Action
from core.views import ScopedActionFormView, ScopedMixin
from members.access import may_change
from members.models import DecisionStatus
from members.pages import MemberActionView
from oversight.handling import actions as acts
from oversight.handling.forms import (
    HandlingForm,
    InformedForm,
    ProcedureDecisionForm,
    StartProcedureForm,
)
from oversight.handling.steps import STEP_LABELS, procedure_step
from oversight.models import Alert, Handling, HandlingKind
from oversight.rules import RULES


def rule_title(alert: Alert) -> str:
    """The alert's rule as people read it (its code, for a rule no longer registered)."""
    found = RULES.get(alert.rule)
    return str(found.title) if found else alert.rule


class FromAlertMixin(MemberActionView):
    """A handling of the member, maybe answering the alert named by `?alert=<id>`: an alert about
    this member that the user sees. Any other id (forged, another member's, out of scope, not a
    number) is not found (404): the page never links a handling to an alert it should not."""

    scope_action = Action.CHANGE
    alert: Alert | None = None

    def get_object(self, queryset: QuerySet[Any] | None = None) -> Any:
        member = super().get_object(queryset)
        self.alert = self.find_alert(member.pk)
        return member

    def find_alert(self, member_id: int) -> Alert | None:
        value = self.request.GET.get("alert", "")
        if not value:
            return None
        # Only ASCII digits: int() would also read full-width ones.
        if not (value.isascii() and value.isdigit() and len(value) < 19):
            raise Http404
        found: Alert | None = (
            Alert.objects.visible_to(self.actor).filter(pk=int(value), member_id=member_id).first()
        )
        if found is None:
            raise Http404
        return found

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        alert = self.alert
        return super().get_context_data(
            alert=alert, alert_title=rule_title(alert) if alert else "", **kwargs
        )


class HandlingNewView(FromAlertMixin):
    """A talk, criticism and education, a deadline or persuasion to withdraw."""

    template_name = "oversight/handling/new.html"
    success_message = gettext_lazy("Handling of %(name)s recorded on the card.")

    def get_form(self, data: Any = None) -> HandlingForm:
        return HandlingForm(data)

    def perform(self, form: HandlingForm) -> None:
        acts.do_record_handling(
            actor=self.actor, member=self.object, alert=self.alert, **form.cleaned_data
        )


class ProcedureNewView(FromAlertMixin):
    """The six-month rule procedure's first step: the facts checked, the member told."""

    template_name = "oversight/handling/procedure_new.html"
    success_message = gettext_lazy("The six-month rule procedure for %(name)s has started.")

    def get_form(self, data: Any = None) -> StartProcedureForm:
        return StartProcedureForm(data)

    def perform(self, form: StartProcedureForm) -> None:
        self.procedure = acts.do_start_procedure(
            actor=self.actor, member=self.object, alert=self.alert, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("oversight:procedure", args=[self.procedure.pk])


def procedure_queryset(queryset: QuerySet[Handling]) -> QuerySet[Handling]:
    return queryset.filter(kind=HandlingKind.PROCEDURE).select_related(
        "member__home_org", "organization", "decision__committee", "alert", "recorded_by"
    )


class ProcedureMixin(ScopedMixin):
    model = Handling
    context_object_name: str | None = "procedure"

    def get_queryset(self) -> Any:
        return procedure_queryset(super().get_queryset())


class ProcedureView(ProcedureMixin, DetailView[Any]):
    """One procedure: its steps, what was found and decided, the committee's answer (a link to
    the decision's page, where the committee approves), and the next step's form for the home
    side."""

    template_name = "oversight/handling/procedure.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        procedure: Handling = self.object
        decision = procedure.decision
        can_act = may_change(self.actor, procedure.member) and not procedure.member.is_archived
        needs_decision = decision is None or decision.status == DecisionStatus.WITHDRAWN
        context.update(
            member=procedure.member,
            step=procedure_step(procedure),
            step_label=STEP_LABELS[procedure_step(procedure)],
            alert_title=rule_title(procedure.alert) if procedure.alert else "",
            informed_form=InformedForm() if can_act and procedure.informed_on is None else None,
            decision_form=ProcedureDecisionForm()
            if can_act and procedure.informed_on is not None and needs_decision
            else None,
        )
        return context


class ProcedureStepView(ProcedureMixin, ScopedActionFormView):
    """A step of the procedure (POST from its page; GET shows the form alone)."""

    scope_action = Action.CHANGE

    def check_object_action(self, obj: Model) -> None:
        super().check_object_action(obj)
        assert isinstance(obj, Handling)
        if not may_change(self.actor, obj.member):
            raise PermissionDenied

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(member=self.object.member, **kwargs)

    def get_success_url(self) -> str:
        return reverse("oversight:procedure", args=[self.object.pk])


class ProcedureInformedView(ProcedureStepView):
    template_name = "oversight/handling/procedure_informed.html"
    success_message = gettext_lazy("Recorded: the member was told the findings.")

    def get_form(self, data: Any = None) -> forms.Form:
        return InformedForm(data)

    def perform(self, form: forms.Form) -> None:
        acts.do_record_member_informed(actor=self.actor, procedure=self.object, **form.cleaned_data)


class ProcedureDecisionView(ProcedureStepView):
    template_name = "oversight/handling/procedure_decision.html"
    success_message = gettext_lazy(
        "Sent to the superior committee for approval: the member is unchanged until it approves."
    )

    def get_form(self, data: Any = None) -> forms.Form:
        return ProcedureDecisionForm(data)

    def perform(self, form: forms.Form) -> None:
        acts.do_procedure_decision(actor=self.actor, procedure=self.object, **form.cleaned_data)
