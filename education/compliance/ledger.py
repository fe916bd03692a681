"""The meetings ledger (三会一课台账): for each organization the compliance table lists, one line
per month of the last twelve (the months of the table's grid, up to its as-of day) with how many
meetings of each kind it held, the month's total, and the totals row.

The organizations are the table's own (`table_for`: those that must hold meetings, under the
organization chosen or the whole scope, grouped by their township), read with the table's
filter (`ComplianceTableForm`: an organization outside the scope is a field error and the whole
scope is written, as on the page). Meetings count as on the table: not voided, held by the
organization itself (a party group's for the group) on or before the as-of day. Three queries
whatever the number of organizations: the table's two and the counts, grouped by organization,
month and kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from core.types import AnyUser
from education.compliance.forms import ComplianceTableForm
from education.compliance.queries import (
    month_index,
    month_start,
    required_org_kinds,
    table_for,
    table_prefixes,
    under,
)
from education.meetings.actions import kinds_of
from education.models import Meeting, MeetingKind
from ledgers.registry import IdNumbers, LedgerSource, Selection
from ledgers.writer import Column, Ledger
from organizations.models import Organization

#: The months a ledger covers: the as-of day's and the eleven before it.
MONTHS = 12

#: Each kind's header: the names the official ledger uses (支部委员会 for 支委会...).
KIND_HEADERS: dict[str, StrOrPromise] = {
    MeetingKind.GENERAL_MEETING: pgettext_lazy("meetings ledger", "Branch general meeting"),
    MeetingKind.COMMITTEE: pgettext_lazy("meetings ledger", "Branch committee meeting"),
    MeetingKind.PARTY_GROUP: pgettext_lazy("meetings ledger", "Party group meeting"),
    MeetingKind.LECTURE: pgettext_lazy("meetings ledger", "Party lecture"),
    MeetingKind.THEME_DAY: pgettext_lazy("meetings ledger", "Theme party day"),
    MeetingKind.LIFE_MEETING: pgettext_lazy("meetings ledger", "Organizational-life meeting"),
    MeetingKind.DEMOCRATIC_LIFE: pgettext_lazy("meetings ledger", "Democratic life meeting"),
    MeetingKind.TALK: pgettext_lazy("meetings ledger", "Heart-to-heart talk"),
    MeetingKind.OTHER: pgettext_lazy("meetings ledger", "Other activity"),
}


def ledger_kinds() -> tuple[str, ...]:
    """The kinds the organizations of the table hold (a branch's, a party group's: not a
    committee's democratic life meeting), in MeetingKind's order: the ledger's columns."""
    held = {kind for org_kind in required_org_kinds() for kind in kinds_of(org_kind)}
    return tuple(kind for kind in MeetingKind.values if kind in held)


def ledger_months(as_of: dt.date) -> list[dt.date]:
    """The first days of the ledger's months, oldest first, the as-of day's last."""
    current = month_index(as_of)
    return [month_start(current - back) for back in range(MONTHS - 1, -1, -1)]


@dataclass(frozen=True, slots=True)
class Place:
    """An organization of the table, with the township it is grouped under."""

    pk: int
    name: str
    path: str
    group_name: str
    group_path: str


def places(prefixes: Sequence[str], as_of: dt.date) -> list[Place]:
    """The table's organizations in its order (by township, then the tree): two queries."""
    found: dict[int, Place] = {}
    for row in table_for(prefixes, as_of) if prefixes else []:
        if row.organization_id not in found:
            found[row.organization_id] = Place(
                pk=row.organization_id,
                name=row.organization_name,
                path=row.organization_path,
                group_name=row.group_name,
                group_path=row.group_path,
            )
    return sorted(found.values(), key=lambda p: (p.group_path, p.path))


def month_counts(
    prefixes: Sequence[str], first: dt.date, as_of: dt.date
) -> dict[tuple[int, dt.date], dict[str, int]]:
    """{(organization id, month): {kind: meetings held}} for the meetings not voided of the
    organizations under `prefixes` from `first` to `as_of`: one grouped query."""
    rows = (
        Meeting.objects.held()
        .filter(under(prefixes, "organization__path"))
        .filter(held_on__gte=first, held_on__lte=as_of)
        .order_by()
        .annotate(month=TruncMonth("held_on"))
        .values_list("organization_id", "month", "kind")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[int, dt.date], dict[str, int]] = {}
    for org_id, month, kind, n in rows:
        counts.setdefault((org_id, month), {})[kind] = n
    return counts


class MeetingLines:
    """The ledger's lines, worked out once when first read (the export counts them, then
    writes them)."""

    def __init__(self, prefixes: Sequence[str], as_of: dt.date) -> None:
        self.prefixes = prefixes
        self.as_of = as_of
        self.months = ledger_months(as_of)

    @cached_property
    def _places(self) -> list[Place]:
        return places(self.prefixes, self.as_of)

    @cached_property
    def _counts(self) -> dict[tuple[int, dt.date], dict[str, int]]:
        if not self._places:
            return {}
        return month_counts(self.prefixes, self.months[0], self.as_of)

    def count(self) -> int:
        return len(self._places) * len(self.months)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        empty: dict[str, int] = {}
        for place in self._places:
            for month in self.months:
                held = self._counts.get((place.pk, month), empty)
                yield {
                    "group": place.group_name,
                    "organization": place.name,
                    "month": f"{month:%Y-%m}",
                    "held": held,
                    "total": sum(held.values()),
                }


def _held(kind: str) -> Any:
    """How many meetings of `kind` the line's organization held that month (0: none)."""
    return lambda row: row["held"].get(kind, 0)


def meetings_ledger(first: dt.date, last: dt.date) -> Ledger:
    return Ledger(
        title=_("Three meetings and one lesson ledger, %(first)s to %(last)s")
        % {"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"},
        sheet=pgettext_lazy("meetings ledger", "Three meetings and one lesson"),
        columns=(
            Column(pgettext_lazy("meetings ledger", "Township or street"), "group", width=14),
            Column(pgettext_lazy("meetings ledger", "Organization"), "organization", width=22),
            Column(pgettext_lazy("meetings ledger", "Month"), "month", width=9),
            *(
                Column(KIND_HEADERS[kind], _held(kind), width=8, kind="int", total=True)
                for kind in ledger_kinds()
            ),
            Column(
                pgettext_lazy("meetings ledger", "Total"), "total", width=7, kind="int", total=True
            ),
        ),
    )


class MeetingsSource(LedgerSource):
    key = "meetings"
    title = pgettext_lazy("meetings ledger", "Three meetings and one lesson ledger")
    list_url = "education:compliance"
    has_id_numbers = False

    def select(self, user: AnyUser, data: QueryDict, ids: IdNumbers) -> Selection:
        form = ComplianceTableForm(data or None, user=user)
        as_of = form.as_of_day
        chosen: Organization | None = form.value("org")
        prefixes = table_prefixes(user, chosen)
        words = []
        if chosen is not None:
            words.append(f"{form['org'].label}：{chosen.name}")
        if form.value("as_of") is not None:
            words.append(f"{form['as_of'].label}：{as_of.isoformat()}")
        lines = MeetingLines(prefixes, as_of)
        return Selection(
            ledger=meetings_ledger(lines.months[0], lines.months[-1]),
            rows=lambda: iter(lines),
            count=lines.count,
            words=words,
            organization=chosen,
        )


LEDGERS = (MeetingsSource(),)
