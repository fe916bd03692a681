"""Pages where the home branch records proper reasons (正当理由) and assigned work (分配的工作)
for the six-month rule. Each runs one action on one member or record in the user's change scope:
anonymous → login, out of scope → 404, seen but not changeable (an inspector, the inflow side)
→ 403."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.scoping import Action
from core.views import ScopedActionFormView
from members.pages import MemberActionView
from oversight.conditions import actions as acts
from oversight.conditions.forms import (
    ExemptionForm,
    RevokeExemptionForm,
    VoidWorkForm,
    WorkDoneForm,
    WorkForm,
)
from oversight.models import Exemption, WorkAssignment


class ExemptionNewView(MemberActionView):
    """The branch records a proper reason for a period."""

    scope_action = Action.CHANGE
    template_name = "oversight/conditions/exemption_form.html"
    success_message = gettext_lazy("Proper reason recorded for %(name)s.")

    def get_form(self, data: Any = None) -> ExemptionForm:
        return ExemptionForm(data)

    def perform(self, form: ExemptionForm) -> None:
        acts.do_record_exemption(actor=self.actor, member=self.object, **form.cleaned_data)


class WorkNewView(MemberActionView):
    """The branch assigns the member work."""

    scope_action = Action.CHANGE
    template_name = "oversight/conditions/work_form.html"
    success_message = gettext_lazy("Work assigned to %(name)s.")

    def get_form(self, data: Any = None) -> WorkForm:
        return WorkForm(data)

    def perform(self, form: WorkForm) -> None:
        acts.do_assign_work(actor=self.actor, member=self.object, **form.cleaned_data)


class RecordActionView(ScopedActionFormView):
    """One action on a proper reason or an assigned work of a member, by the home side; back
    to the member's page."""

    scope_action = Action.CHANGE
    context_object_name = "record"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("member__home_org")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(member=self.object.member, **kwargs)

    def get_success_url(self) -> str:
        return reverse("members:detail", args=[self.object.member_id])


class ExemptionRevokeView(RecordActionView):
    model = Exemption
    template_name = "oversight/conditions/exemption_revoke.html"
    success_message = gettext_lazy("Proper reason revoked.")

    def get_form(self, data: Any = None) -> RevokeExemptionForm:
        return RevokeExemptionForm(data)

    def perform(self, form: RevokeExemptionForm) -> None:
        acts.do_revoke_exemption(
            actor=self.actor, exemption=self.object, reason=form.cleaned_data["revoke_reason"]
        )


class WorkDoneView(RecordActionView):
    model = WorkAssignment
    template_name = "oversight/conditions/work_done.html"
    success_message = gettext_lazy("Work recorded as done.")

    def get_form(self, data: Any = None) -> WorkDoneForm:
        return WorkDoneForm(data)

    def perform(self, form: WorkDoneForm) -> None:
        acts.do_record_work_done(actor=self.actor, work=self.object, **form.cleaned_data)


class WorkVoidView(RecordActionView):
    model = WorkAssignment
    template_name = "oversight/conditions/work_void.html"
    success_message = gettext_lazy("Work voided.")

    def get_form(self, data: Any = None) -> VoidWorkForm:
        return VoidWorkForm(data)

    def perform(self, form: VoidWorkForm) -> None:
        acts.do_void_work(
            actor=self.actor, work=self.object, reason=form.cleaned_data["void_reason"]
        )
