"""The alerts and inactivity ledger (预警及失联台账): the alerts the alerts list shows with its
filter (live ones unless another status is chosen), one line each: the rule, whom it concerns
(the member, with their ID-card number, masked unless the export asked for full numbers and the
user is the member's home side), the responsible organization, the severity, the day found, the
figures in words as the list says them, the status, and how it was handled (the handling card's
lines answering it, and the reason it was closed with).

The rows are the list's query (`queries.alert_list` with `AlertFilterForm`'s filters), read
in one statement: organizations by id (`OrgIndex`), the handlings as an array per alert in the
same statement. One difference from the page: an organization outside the user's scope, which
the page answers with a 404 (a forged request), is ignored here like any invalid filter, and
the scope's alerts are written: an export never widens, and never fails on a stale link.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import ValidationError
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.types import AnyUser
from ledgers.registry import IdNumbers, LedgerSource, OrgIndex, Selection
from ledgers.writer import Column, Ledger
from organizations.models import Organization
from oversight import rules
from oversight.alerts import queries
from oversight.alerts.forms import AlertFilterForm
from oversight.alerts.words import describe
from oversight.models import AlertStatus, Severity
from oversight.models.records import Handling, HandlingKind

#: What a line reads of an alert and its member.
ALERT_FIELDS = (
    "rule",
    "organization_id",
    "member__name",
    "member__id_number",
    "member__home_org_id",
    "subject_org_id",
    "subject_key",
    "severity",
    "opened_on",
    "detail",
    "status",
    "closed_on",
    "close_reason",
)
#: A handling in the array of its alert's: its date and kind ("2026-05-01|talk"), by date.
HANDLING_SEPARATOR = "|"


class LedgerAlertFilterForm(AlertFilterForm):
    """The list's filter form, with a forged organization an invalid value instead of a 404:
    the export writes the scope's alerts, as for any filter it cannot apply."""

    def clean_org(self) -> Organization | None:
        try:
            return super().clean_org()
        except Http404:
            raise ValidationError(
                _("Choose an organization from the list."), code="invalid"
            ) from None


def handlings() -> Subquery:
    """Each alert's handlings as "day|kind" texts, oldest first: a subquery per alert row of
    the export's one statement (the handlings' alert column is a foreign key, so indexed)."""
    rows = (
        Handling.objects.filter(alert=OuterRef("pk"))
        .order_by()
        .values("alert")
        .annotate(
            found=ArrayAgg(
                Concat(
                    Cast("handled_on", CharField()),
                    Value(HANDLING_SEPARATOR),
                    F("kind"),
                    output_field=CharField(),
                ),
                order_by=("handled_on", "id"),
            )
        )
        .values("found")
    )
    return Subquery(rows)


class Words:
    """How a line's values are said: the choices' labels and the rules' titles, each worked
    out once per export, not once per line."""

    def __init__(self, orgs: OrgIndex, ids: IdNumbers, today: dt.date) -> None:
        self.orgs = orgs
        self.ids = ids
        self.today = today
        self.severities = {value: str(label) for value, label in Severity.choices}
        self.statuses = {value: str(label) for value, label in AlertStatus.choices}
        self.kinds = {value: str(label) for value, label in HandlingKind.choices}
        self._titles: dict[str, str] = {}

    def title(self, row: dict[str, Any]) -> str:
        code = row["rule"]
        if code not in self._titles:
            self._titles[code] = rules.title_of(code)
        return self._titles[code]

    def concerning(self, row: dict[str, Any]) -> str:
        """The member's name; for an alert about no member, the organization or the thing it
        is about (an employer, a letter), as on the list."""
        if row["member__name"]:
            return str(row["member__name"])
        if row["subject_org_id"] is not None:
            return self.orgs.name(row["subject_org_id"])
        return str(row["subject_key"] or "")

    def id_number(self, row: dict[str, Any]) -> str:
        if not row["member__id_number"]:
            return ""
        return self.ids.show(row["member__id_number"], self.orgs.path(row["member__home_org_id"]))

    def figures(self, row: dict[str, Any]) -> str:
        """The figures as the list says them: a resolved alert's as of the night it closed,
        the others' as of today."""
        resolved = row["status"] == AlertStatus.RESOLVED and row["closed_on"]
        return "，".join(describe(row["detail"], row["closed_on"] if resolved else self.today))

    def handling(self, row: dict[str, Any]) -> str:
        """The handlings answering the alert ("2026-05-01 谈心谈话"), then the reason it was
        resolved or dismissed with, if a person gave one."""
        said = []
        for text in row["handled"] or ():
            day, _sep, kind = text.partition(HANDLING_SEPARATOR)
            said.append(f"{day} {self.kinds.get(kind, kind)}")
        if row["close_reason"]:
            said.append(str(row["close_reason"]))
        return "；".join(said)


def alerts_ledger(words: Words) -> Ledger:
    return Ledger(
        title=pgettext_lazy("alerts ledger", "Alerts and lost contact ledger"),
        sheet=pgettext_lazy("alerts ledger", "Alerts"),
        columns=(
            Column(pgettext_lazy("alerts ledger", "Rule"), words.title, width=20),
            Column(pgettext_lazy("alerts ledger", "Concerning"), words.concerning, width=12),
            Column(
                pgettext_lazy("alerts ledger", "Citizen ID number"),
                words.id_number,
                width=21,
                kind="idcard",
            ),
            Column(
                pgettext_lazy("alerts ledger", "Responsible organization"),
                lambda r: words.orgs.name(r["organization_id"]),
                width=20,
            ),
            Column(
                pgettext_lazy("alerts ledger", "Severity"),
                lambda r: words.severities.get(r["severity"], r["severity"]),
                width=8,
            ),
            Column(pgettext_lazy("alerts ledger", "Found on"), "opened_on", width=11, kind="date"),
            Column(pgettext_lazy("alerts ledger", "Figures"), words.figures, width=36),
            Column(
                pgettext_lazy("alerts ledger", "Status"),
                lambda r: words.statuses.get(r["status"], r["status"]),
                width=8,
            ),
            Column(pgettext_lazy("alerts ledger", "Closed on"), "closed_on", width=11, kind="date"),
            Column(pgettext_lazy("alerts ledger", "Handling"), words.handling, width=36),
        ),
    )


def alert_filter_words(form: AlertFilterForm) -> list[str]:
    """The filters the list applied, in words: each valid one given, by its field's label
    and its choice's label (the organization by name)."""
    if not form.is_bound:
        return []
    found: list[str] = []
    for name, field in form.fields.items():
        if name in form.errors:
            continue
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, Organization):
            shown = value.name
        else:
            choices = {str(k): v for k, v in getattr(field, "choices", ())}
            shown = str(choices.get(str(value), value))
        found.append(f"{field.label}：{shown}")
    return found


class AlertsSource(LedgerSource):
    key = "alerts"
    title = pgettext_lazy("alerts ledger", "Alerts and lost contact ledger")
    list_url = "oversight:alerts"

    def select(self, user: AnyUser, data: QueryDict, ids: IdNumbers) -> Selection:
        form = LedgerAlertFilterForm(data or None, user=user)
        if form.is_bound:
            form.is_valid()
        filters = form.filters()
        today = timezone.localdate()
        alerts = queries.alert_list(user, filters, today).order_by()
        rows = (
            alerts.annotate(handled=handlings())
            .order_by("organization__path", "opened_on", "id")
            .values(*ALERT_FIELDS, "handled")
        )
        words = Words(OrgIndex(), ids, today)
        return Selection(
            ledger=alerts_ledger(words),
            rows=lambda: rows.iterator(chunk_size=2_000),
            count=alerts.count,
            words=alert_filter_words(form),
            organization=filters.organization,
        )


LEDGERS = (AlertsSource(),)
