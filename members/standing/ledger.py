"""The suspension and strike-off lists (停止党籍及除名名单): every decision to suspend a member's
party membership (停止党籍) or to strike a member off as having left the party (除名) that the
user sees, whatever its status, with its grounds, the branch general meeting's date, the
approving committee and the day it decided.

The standing pages list only the decisions awaiting the user's committees' answer (the
committee's inbox, `views.pending_decisions`), which is no ledger: the ledger is every such
decision in the user's scope (a decision is seen exactly as its member is, archived members
included: a struck-off member leaves the register, not the list), narrowed by the export's
query string (`StandingLedgerForm`: organization, kind, status). An organization outside the
scope is an invalid value there, ignored as the register's filter ignores one: a query string
never widens the list. One query for the rows, streamed; organizations by id (`OrgIndex`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.types import AnyUser
from ledgers.registry import IdNumbers, LedgerSource, OrgIndex, Selection, filter_words
from ledgers.writer import Column, Ledger
from members.models import DecisionKind, DecisionStatus, StandingDecision
from organizations.models import Organization

#: The decisions the lists hold, with the short names the official lists use.
KIND_NAMES = {
    DecisionKind.SUSPEND: pgettext_lazy("standing ledger", "Suspension"),
    DecisionKind.STRIKE_OFF: pgettext_lazy("standing ledger", "Strike-off"),
}
#: What a line reads of a decision and its member.
DECISION_FIELDS = (
    "member__name",
    "member__id_number",
    "member__home_org_id",
    "kind",
    "status",
    "grounds",
    "meeting_on",
    "committee_id",
    "created_at",
    "decided_on",
    "answer",
)


class StandingLedgerForm(forms.Form):
    """The lists' filter: an organization in the user's scope (its subtree's members), the
    kind of decision, its status. Each invalid value is ignored, the others applied."""

    org = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("Decision"), required=False, choices=())
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *DecisionStatus.choices],
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org: Any = self.fields["org"]
        org.queryset = Organization.objects.visible_to(user)
        kind: Any = self.fields["kind"]
        kind.choices = [("", _("All")), *((k, label) for k, label in KIND_NAMES.items())]

    def value(self, name: str) -> Any:
        """A field's valid value, or None (an invalid one is ignored)."""
        if not self.is_bound or name in self.errors:
            return None
        return self.cleaned_data.get(name) or None


class ValidFields:
    """`StandingLedgerForm` as `ledgers.registry.filter_words` reads a filterset: its valid
    fields only (Django keeps an invalid field out of `cleaned_data`), so the heading says
    the filters applied even when another was ignored."""

    def __init__(self, form: StandingLedgerForm) -> None:
        self.form = form
        self.is_bound = form.is_bound
        if form.is_bound:
            form.full_clean()

    def is_valid(self) -> bool:
        return True


def _proposed_on(row: dict[str, Any]) -> Any:
    """The day the branch proposed it, in the local time zone (a UTC date is a day early
    before 8 in the morning)."""
    return timezone.localdate(row["created_at"])


def standing_ledger(ids: IdNumbers, orgs: OrgIndex) -> Ledger:
    statuses = {value: str(label) for value, label in DecisionStatus.choices}
    kinds = {value: str(label) for value, label in KIND_NAMES.items()}
    return Ledger(
        title=pgettext_lazy("standing ledger", "Lists of suspended and struck-off members"),
        sheet=pgettext_lazy("standing ledger", "Suspensions and strike-offs"),
        columns=(
            # A column's path steps through "__": the values' "member__name" is read by key.
            Column(pgettext_lazy("standing ledger", "Name"), lambda r: r["member__name"], width=10),
            Column(
                pgettext_lazy("standing ledger", "Citizen ID number"),
                lambda r: ids.show(r["member__id_number"], orgs.path(r["member__home_org_id"])),
                width=21,
                kind="idcard",
            ),
            Column(
                pgettext_lazy("standing ledger", "Branch"),
                lambda r: orgs.name(r["member__home_org_id"]),
                width=20,
            ),
            Column(
                pgettext_lazy("standing ledger", "Decision"),
                lambda r: kinds.get(r["kind"], r["kind"]),
                width=9,
            ),
            Column(
                pgettext_lazy("standing ledger", "Status"),
                lambda r: statuses.get(r["status"], r["status"]),
                width=8,
            ),
            Column(pgettext_lazy("standing ledger", "Grounds"), "grounds", width=40),
            Column(
                pgettext_lazy("standing ledger", "Branch general meeting on"),
                "meeting_on",
                width=11,
                kind="date",
            ),
            Column(
                pgettext_lazy("standing ledger", "Proposed on"), _proposed_on, width=11, kind="date"
            ),
            Column(
                pgettext_lazy("standing ledger", "Approving committee"),
                lambda r: orgs.name(r["committee_id"]),
                width=16,
            ),
            Column(
                pgettext_lazy("standing ledger", "Decided on"), "decided_on", width=11, kind="date"
            ),
            Column(pgettext_lazy("standing ledger", "Committee's answer"), "answer", width=24),
        ),
    )


class StandingSource(LedgerSource):
    key = "standing"
    title = pgettext_lazy("standing ledger", "Lists of suspended and struck-off members")
    list_url = "members:standing_pending"

    def select(self, user: AnyUser, data: QueryDict, ids: IdNumbers) -> Selection:
        form = StandingLedgerForm(data or None, user=user)
        decisions = StandingDecision.objects.visible_to(user).filter(kind__in=list(KIND_NAMES))
        organization: Organization | None = form.value("org")
        if organization is not None:
            decisions = decisions.filter(member__home_org__path__startswith=organization.path)
        if kind := form.value("kind"):
            decisions = decisions.filter(kind=kind)
        if status := form.value("status"):
            decisions = decisions.filter(status=status)
        orgs = OrgIndex()
        rows = decisions.order_by(
            "member__home_org__path", "member__name_pinyin", "member_id", "created_at", "id"
        ).values(*DECISION_FIELDS)
        return Selection(
            ledger=standing_ledger(ids, orgs),
            rows=lambda: rows.iterator(chunk_size=2_000),
            count=decisions.order_by().count,
            words=filter_words(ValidFields(form)),
            organization=organization,
        )


LEDGERS = (StandingSource(),)
