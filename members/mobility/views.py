"""Mobility pages: the outflow report, inflow check-in, the end of an absence, lost contact,
finding attempts, contacts and regular reports. Each step is a `ScopedActionFormView` whose POST
runs one action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from core.actions import run_action
from core.forms import prefill
from core.models import User
from core.scoping import Action
from core.types import AuthedRequest
from core.views import ScopedActionFormView
from members import access
from members.mobility.actions import (
    do_check_in_member,
    do_end_episode,
    do_mark_member_lost,
    do_record_contact,
    do_record_finding_attempt,
    do_record_outside_check_in,
    do_record_report,
    do_register_outflow,
    do_update_episode,
)
from members.mobility.forms import (
    CheckInForm,
    ContactForm,
    EndEpisodeForm,
    EpisodeUpdateForm,
    FindingAttemptForm,
    MarkLostForm,
    OutflowForm,
    OutsideCheckInForm,
    ReportForm,
)
from members.mobility.routing import found_step
from members.models import EpisodeStatus, MobilityEpisode
from members.models.records import LogRecord
from members.pages import MemberActionView
from organizations.scope import require_check_in_point


class OutflowRegisterView(MemberActionView):
    """The outflow report (外出流动报告登记), filled in by the home side before leaving."""

    scope_action = Action.CHANGE
    template_name = "members/mobility/episode_form.html"
    success_message = gettext_lazy("Outflow of %(name)s registered.")

    def get_form(self, data: Any = None) -> OutflowForm:
        return OutflowForm(data, member=self.object)

    def perform(self, form: OutflowForm) -> None:
        do_register_outflow(actor=self.actor, member=self.object, **form.outflow_fields())


class MarkLostView(MemberActionView):
    """Put a member on the whereabouts-unknown list (失联): the home side decides."""

    scope_action = Action.CHANGE
    template_name = "members/mobility/member_lost.html"
    success_message = gettext_lazy("Marked as lost contact.")

    def get_form(self, data: Any = None) -> MarkLostForm:
        initial = {
            "since": timezone.localdate(),
            "last_known_place": self.object.mobile_destination,
        }
        return MarkLostForm(data, initial=initial)

    def perform(self, form: MarkLostForm) -> None:
        do_mark_member_lost(actor=self.actor, member=self.object, **form.cleaned_data)


class RecordCreateView(MemberActionView):
    """A line of one of the member's logs, dated today unless said otherwise: `record` is the
    action that writes it, `form_class` its form, `heading` the page's title."""

    template_name = "members/mobility/record_form.html"
    form_class: type[forms.ModelForm[Any]]
    record: Callable[..., LogRecord]
    heading: StrOrPromise

    def get_form(self, data: Any = None) -> forms.ModelForm[Any]:
        model: type[LogRecord] = self.form_class._meta.model
        return self.form_class(data, initial={model.DATE_FIELD: timezone.localdate()})

    def perform(self, form: forms.ModelForm[Any]) -> None:
        type(self).record(actor=self.actor, member=self.object, **form.cleaned_data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(heading=self.heading, **kwargs)


class ContactCreateView(RecordCreateView):
    """Record a contact on the pairing card (结对联心卡): the home side or the inflow side."""

    scope_action = Action.RECORD
    form_class = ContactForm
    record = staticmethod(do_record_contact)
    heading = gettext_lazy("Record a contact")
    success_message = gettext_lazy("Contact recorded.")


class FindingAttemptCreateView(RecordCreateView):
    """Record an attempt to find a lost member (双找); the home or the inflow side."""

    scope_action = Action.RECORD
    form_class = FindingAttemptForm
    record = staticmethod(do_record_finding_attempt)
    heading = gettext_lazy("Record a finding attempt")
    success_message = gettext_lazy("Finding attempt recorded.")


class ReportCreateView(RecordCreateView):
    """Record a regular report received from the member (定期汇报): the home side."""

    scope_action = Action.CHANGE
    form_class = ReportForm
    record = staticmethod(do_record_report)
    heading = gettext_lazy("Record a report")
    success_message = gettext_lazy("Report recorded.")


class EpisodeActionView(ScopedActionFormView):
    """A form about one absence of the member in the URL whose POST runs an action (`require`
    says who may, as the action does: the home side, or for updates the inflow side too), back
    to the member's page."""

    model = MobilityEpisode
    scope_action = Action.CHANGE
    pk_url_kwarg = "episode_pk"
    context_object_name = "episode"
    #: The rule of `members.access` the page asks before showing its form.
    require: Callable[[User, MobilityEpisode], None]

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .filter(member_id=self.kwargs["pk"])
            .select_related("member", "home_org", "inflow_org", "contact_person")
        )

    def check_object_action(self, obj: Any) -> None:
        super().check_object_action(obj)
        # Changing an episode includes the inflow side (it records life on it); each step
        # says who of them may take it.
        type(self).require(self.actor, obj)

    def get_success_url(self) -> str:
        return reverse("members:detail", args=[self.object.member_id])


class EpisodeEndView(EpisodeActionView):
    """Record that the member returned (回流) or lost contact: home side only."""

    template_name = "members/mobility/episode_end.html"
    require = staticmethod(access.require_end_episode)

    def get_form(self, data: Any = None) -> EndEpisodeForm:
        return EndEpisodeForm(data, lost=self.object.status == EpisodeStatus.LOST)

    def perform(self, form: EndEpisodeForm) -> None:
        data = form.cleaned_data
        if data["status"] == EpisodeStatus.LOST:
            do_mark_member_lost(
                actor=self.actor,
                member=self.object.member,
                since=data["ended_on"],
                last_known_place=data["note"] or self.object.destination,
            )
            messages.success(self.request, _("Marked as lost contact."))
            return
        do_end_episode(
            actor=self.actor,
            episode=self.object,
            status=data["status"],
            ended_on=data["ended_on"],
            note=data["note"],
        )
        messages.success(self.request, _("The absence is recorded as ended."))


class OutsideCheckInView(EpisodeActionView):
    """Record where the member checked in outside the system (Issue 9, item 5): the member
    reports it to the home branch, which confirms it with the organization there."""

    template_name = "members/mobility/outside_check_in.html"
    require = staticmethod(access.require_record_outside_check_in)
    success_message = gettext_lazy("The check-in outside the system is recorded.")

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("outside_check_in")

    def get_form(self, data: Any = None) -> OutsideCheckInForm:
        # Recorded again when the member moves on: the form opens with what is on record.
        recorded = self.object.outside
        if recorded is None:
            return OutsideCheckInForm(data, initial={"checked_in_on": timezone.localdate()})
        return OutsideCheckInForm(data, instance=recorded)

    def perform(self, form: OutsideCheckInForm) -> None:
        do_record_outside_check_in(actor=self.actor, episode=self.object, **form.cleaned_data)


class EpisodeUpdateView(EpisodeActionView):
    """Record a change the member reports while away (Issue 9, item 4): the home side changes
    the place, employer, phone, address and designated contact; the inflow organization the
    member is checked in with what it learns locally (`access.episode_update_fields`)."""

    template_name = "members/mobility/episode_update.html"
    success_message = gettext_lazy("The change is recorded on the mobility information card.")

    require = staticmethod(access.require_update_episode)

    def get_form(self, data: Any = None) -> EpisodeUpdateForm:
        fields = access.episode_update_fields(self.actor, self.object)
        return EpisodeUpdateForm(data, episode=self.object, fields=fields)

    def perform(self, form: EpisodeUpdateForm) -> None:
        do_update_episode(actor=self.actor, episode=self.object, **form.update_kwargs())


@login_required
def check_in(request: AuthedRequest) -> HttpResponse:
    """Inflow check-in (流入报到): an arriving member reports to a branch or station in scope.

    The management mode suggests the organization (`members.routing`); "Suggest" (step=suggest)
    shows the suggestion for what was typed without acting. When the check-in is refused for
    want of an outflow record, the page offers the deliberate next step: register the member as
    found, or record a found person outside the system.
    """
    require_check_in_point(request.user)
    if request.method == "POST" and request.POST.get("step") == "suggest":
        initial = prefill(request.POST, CheckInForm.base_fields, drop=("inflow_org",))
        form = CheckInForm(initial=initial, actor=request.user)
    else:
        form = CheckInForm(request.POST or None, actor=request.user)
    offer = ""
    if form.is_bound and form.is_valid():
        typed = dict(form.cleaned_data)
        episode = run_action(
            form, lambda: do_check_in_member(actor=request.user, **form.check_in_kwargs())
        )
        if episode is not None:
            messages.success(
                request,
                _("%(name)s checked in at %(org)s.")
                % {"name": episode.member.name, "org": episode.inflow_org},
            )
            return redirect("members:detail", pk=episode.member_id)
        offer = found_step(typed["id_number"], typed["name"], typed["inflow_org"])
    return render(request, "members/mobility/check_in.html", {"form": form, "offer": offer})
