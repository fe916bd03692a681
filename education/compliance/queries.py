"""Per-branch meeting compliance, red-amber-green (issue 10, item 4).

The rule, as data
-----------------
How often each kind of meeting must be held is `settings.MEETING_FREQUENCIES` ("month",
"quarter", "year"; "" is no rule). Its defaults are the 2018 branch work regulations
(《中国共产党支部工作条例（试行）》, article 14 and following): 支部党员大会 quarterly, 支委会
monthly, 党小组会 monthly, 党课 at least quarterly, 主题党日 monthly, 组织生活会 at least yearly,
谈心谈话 at least yearly. Other activities and the committees' democratic life meeting have no
rule here.

Who must hold which kinds (`required_kinds`):

- **branch-level organizations that hold relationships or organizational life**: branches,
  general branches, mobile-member branches, joint branches and temporary branches, the kinds
  they hold (`education.meetings.actions.kinds_for`) that have a frequency;
- **check-in stations only where they hold members** (`settings.STATIONS_HOLD_MEMBERS`,
  `organizations.models.relationship_kinds`). Elsewhere a station serves arriving members, who
  may take part in its meetings (and those count for them at home), but it has no members of
  its own and no branch life to run, so nothing is required of it;
- **party groups**: only the party-group meeting (党小组会); their talks and other activities
  are welcome but not required;
- **committee meetings** only where there is a committee: an organization with at least
  `settings.BRANCH_COMMITTEE_MIN_MEMBERS` members on the register (not archived). A general
  branch counts the members of its whole subtree (its committee serves them all); a temporary
  branch counts its current group members (its members' relationships stay at home). The rule
  reads the register as it is now, not as it was on the as-of date;
- committees (township, county) and closed organizations: nothing.

What counts: a meeting not voided (`Meeting.objects.held()`) of the organization itself, held on
or before the as-of date D. A party group's meetings count for the group, not for its branch.

Red, amber, green
-----------------
For each required (organization, kind) as of D, the *current period* is the month, quarter or
year containing D (up to D), the *previous period* the complete one before it:

- green (已开展): held in the current period;
- amber (待开展): not yet held in the current period, but held in the previous one, or the
  previous one was not owed: there is still time;
- red (逾期未开展): held in neither, and the previous period was owed: a period was missed. It
  stays red until the kind is held in the current period.

So as of 2026-03-31 a quarterly kind last held in 2025-12 is amber (the first quarter is still
open) and as of 2026-04-01 it is red (the first quarter was missed); a monthly kind held on
2026-03-31 is green on the 31st and amber on 1 April.

**A period is owed only if the organization existed on its first day.** An organization exists
from the earlier of the day it was entered in the system (`Organization.created_at`) and its
first recorded meeting of a required kind: meetings are often entered after the fact, and a
branch entered when the system was set up existed long before. So a new branch is amber, never
red, through the period it was set up in.

**The last 12 months** (`ComplianceRow.periods`): the current period and those before it, 12
months, 4 quarters, or this year and last for a yearly kind, each held, missed, open (the current
one, not yet held) or not owed (before the organization existed). "Held N of M"
(`held`, `due`): M counts the complete periods owed, plus the current one once it is held; N the
periods held among them. That is the figure for the year-end assessment (考核).

Set-based
---------
`compliance_table(root, as_of)` answers every cell of `root`'s subtree in two queries, however
many organizations: the organizations (with "has a committee" as an `EXISTS ... OFFSET n-1` on
the active-members index: at most n index entries per branch, never a count of a province's
million members), and the meetings grouped by (organization, kind) with the last and first day
held and a bit mask of the months held in the last 24 (`months`: bit i is the month i months
before D's). `BARE_SQL` is the same two statements written by hand, for the benchmark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.contrib.postgres.aggregates import BitOr
from django.core import checks
from django.db import models
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.lookups import PathStartsWith
from core.scoping import Action
from core.types import AnyUser
from education.meetings.actions import kinds_for
from education.models import GroupMembership, Meeting, MeetingKind, Period
from members.models import Member
from organizations.models import COMMITTEE_KINDS, Organization, OrgKind, relationship_kinds
from organizations.scope import user_scope


class Light(models.TextChoices):
    """A cell's colour, always shown with its words (never colour alone)."""

    GREEN = "green", gettext_lazy("Held")
    AMBER = "amber", gettext_lazy("Not yet held")
    RED = "red", gettext_lazy("Overdue")


class PeriodState(models.TextChoices):
    """One period of the last 12 months' grid."""

    HELD = "held", gettext_lazy("Held")
    MISSED = "missed", gettext_lazy("Not held")
    OPEN = "open", gettext_lazy("Not yet held")
    NOT_OWED = "not_owed", gettext_lazy("Not yet set up")


#: Months in a period of each frequency, and periods on the last 12 months' grid.
PERIOD_MONTHS: dict[str, int] = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}
GRID_PERIODS: dict[str, int] = {Period.MONTH: 12, Period.QUARTER: 4, Period.YEAR: 2}
#: Months in the mask the meetings query answers: the longest grid (this year and last).
WINDOW_MONTHS = 24


def frequency(kind: str) -> str:
    """How often `kind` must be held ("" when it need not be): settings.MEETING_FREQUENCIES."""
    value = settings.MEETING_FREQUENCIES.get(kind, "")
    if value and value not in PERIOD_MONTHS:
        raise ValueError(f"MEETING_FREQUENCIES[{kind!r}] = {value!r}: month, quarter, year or ''")
    return str(value)


def check_meeting_frequencies(**kwargs: Any) -> list[checks.CheckMessage]:
    """A deployment's MEETING_FREQUENCIES must name known kinds and known periods (a system
    check, so a typo stops the deploy instead of failing the compliance pages)."""
    errors: list[checks.CheckMessage] = []
    for kind, value in settings.MEETING_FREQUENCIES.items():
        if kind not in MeetingKind.values or (value and value not in PERIOD_MONTHS):
            errors.append(
                checks.Error(
                    f"MEETING_FREQUENCIES[{kind!r}] = {value!r}: the kinds are "
                    f"{', '.join(MeetingKind.values)}; the periods month, quarter, year or ''",
                    id="education.E001",
                )
            )
    return errors


def required_org_kinds() -> frozenset[str]:
    """The kinds of organization that must hold meetings (see the module's docstring)."""
    kinds = {
        OrgKind.BRANCH,
        OrgKind.GENERAL_BRANCH,
        OrgKind.MOBILE_BRANCH,
        OrgKind.JOINT_BRANCH,
        OrgKind.TEMPORARY_BRANCH,
        OrgKind.PARTY_GROUP,
    }
    if OrgKind.STATION in relationship_kinds():
        kinds.add(OrgKind.STATION)
    return frozenset(kinds)


@cache
def _held_kinds(org_kind: str) -> frozenset[str]:
    # kinds_for reads the organization's kind only: an unsaved instance is enough.
    return kinds_for(Organization(kind=org_kind))


def required_kinds(org_kind: str, *, has_committee: bool) -> tuple[str, ...]:
    """The kinds an organization of `org_kind` must hold, in MeetingKind's order."""
    if org_kind not in required_org_kinds():
        return ()
    if org_kind == OrgKind.PARTY_GROUP:
        held = frozenset({MeetingKind.PARTY_GROUP.value})
    else:
        held = _held_kinds(org_kind)
    return tuple(
        kind
        for kind in MeetingKind.values
        if kind in held and frequency(kind) and (has_committee or kind != MeetingKind.COMMITTEE)
    )


def all_required_kinds() -> tuple[str, ...]:
    """Every kind some organization may have to hold (the meetings query reads these)."""
    kinds = {
        k for org_kind in required_org_kinds() for k in required_kinds(org_kind, has_committee=True)
    }
    return tuple(kind for kind in MeetingKind.values if kind in kinds)


# --- Periods -------------------------------------------------------------------------------


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def period_start(day: dt.date, freq: str) -> dt.date:
    """The first day of the month, quarter or year containing `day`."""
    index = month_index(day)
    return month_start(index - index % PERIOD_MONTHS[freq])


def _period_label(start: dt.date, freq: str) -> tuple[str, str]:
    """(label, short label) of the period starting on `start`."""
    if freq == Period.MONTH:
        return f"{start:%Y-%m}", _("M%(month)d") % {"month": start.month}
    if freq == Period.QUARTER:
        quarter = (start.month - 1) // 3 + 1
        return (
            _("%(year)d Q%(quarter)d") % {"year": start.year, "quarter": quarter},
            _("Q%(quarter)d") % {"quarter": quarter},
        )
    label = _("Year %(year)d") % {"year": start.year}
    return label, label


@dataclass(frozen=True, slots=True)
class PeriodCell:
    """One period of a cell's last 12 months."""

    start: dt.date
    label: str
    short: str
    state: str

    @property
    def state_label(self) -> str:
        return str(PeriodState(self.state).label)


@dataclass(frozen=True, slots=True)
class ComplianceRow:
    """One required (organization, kind) as of a day: its colour, the last day it was held, and
    the last 12 months. Plain values only, so a bare-SQL version can build the same rows."""

    organization_id: int
    organization_name: str
    organization_path: str
    organization_kind: str
    #: The nearest committee above the organization inside the table's root (its township,
    #: or the county for a branch directly under it); 0 and "" when there is none.
    group_id: int
    group_name: str
    group_path: str
    kind: str
    frequency: str
    light: str
    last_held: dt.date | None
    #: The grid, oldest period first; the last is the current period.
    periods: tuple[PeriodCell, ...]
    #: "Held N of M periods" in the grid (see the module's docstring).
    held: int
    due: int

    @property
    def light_label(self) -> str:
        return str(Light(self.light).label)


@dataclass(frozen=True, slots=True)
class _Slot:
    """One period of the grid, the same for every cell of a frequency on a day: its first day,
    the months' bits it covers in a mask (future months left out), and its cell per state."""

    start: dt.date
    span: int
    cells: dict[str, PeriodCell]


@lru_cache(maxsize=64)
def _slots(freq: str, as_of: dt.date, language: str | None) -> tuple[_Slot, ...]:
    """The grid's periods of `freq` as of `as_of`, oldest first (worked out once per table and
    language, not once per cell: a county's table has thousands of cells)."""
    del language  # part of the cache's key: the labels are in it
    length = PERIOD_MONTHS[freq]
    current = month_index(as_of)
    first = current - current % length  # the current period's first month
    slots = []
    for back in range(GRID_PERIODS[freq] - 1, -1, -1):
        start_index = first - back * length
        # Offsets (months before as_of's) of the period's months, future months left out.
        newest = max(current - (start_index + length - 1), 0)
        oldest = current - start_index
        start = month_start(start_index)
        label, short = _period_label(start, freq)
        slots.append(
            _Slot(
                start=start,
                span=((1 << (oldest - newest + 1)) - 1) << newest,
                cells={
                    state: PeriodCell(start, label, short, state) for state in PeriodState.values
                },
            )
        )
    return tuple(slots)


_HELD, _MISSED, _OPEN, _NOT_OWED = (
    PeriodState.HELD.value,
    PeriodState.MISSED.value,
    PeriodState.OPEN.value,
    PeriodState.NOT_OWED.value,
)


def judge(
    *,
    freq: str,
    as_of: dt.date,
    months: int,
    exists_since: dt.date,
    language: str | None = None,
) -> tuple[str, tuple[PeriodCell, ...], int, int]:
    """(colour, grid, held, due) of one cell: `months` is the mask of months held (bit i: the
    month i months before `as_of`'s), `exists_since` the day the organization existed from.
    `language` is the labels' (the active one unless given: a table passes it once)."""
    slots = _slots(freq, as_of, get_language() if language is None else language)
    cells: list[PeriodCell] = []
    held = due = 0
    last = len(slots) - 1
    for position, slot in enumerate(slots):
        if months & slot.span:
            state = _HELD
            held += 1
            due += 1
        elif position == last:
            state = _OPEN
        elif exists_since <= slot.start:
            state = _MISSED
            due += 1
        else:
            state = _NOT_OWED
        cells.append(slot.cells[state])
    now, before = cells[-1].state, cells[-2].state
    if now == _HELD:
        light = Light.GREEN
    elif before == _MISSED:
        light = Light.RED
    else:
        light = Light.AMBER
    return light.value, tuple(cells), held, due


def _judge_key(freq: str, as_of: dt.date, exists_since: dt.date, language: str | None) -> dt.date:
    """`exists_since` as far as the grid can tell: only its place among the periods' first
    days matters, so every day before the first period is the same day to `judge`, and a
    table's cells share their answers (a province: 29,000 cells, a few hundred answers)."""
    first = _slots(freq, as_of, language)[0].start
    return max(exists_since, first)


# --- The queries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Org:
    pk: int
    path: str
    name: str
    kind: str
    created_at: dt.datetime
    is_active: bool
    has_committee: bool


def _at_least(queryset: models.QuerySet[Any], n: int) -> Exists | Value:
    """Whether `queryset` has at least `n` rows, reading at most `n` (OFFSET n-1 LIMIT 1)."""
    if n <= 0:
        return Value(True)
    return Exists(queryset[n - 1 : n])


def under(prefixes: Sequence[str], path_field: str) -> Q:
    """`path_field` starts with one of `prefixes` (the tree is a materialized path)."""
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(**{f"{path_field}__startswith": prefix})
    return condition


def has_committee() -> Case:
    """Whether the organization of the query has a committee (see the module's docstring), as
    an expression on an Organization queryset: `organization_rows` and the nightly meeting
    frequency rule (oversight.rules.organizations) read it."""
    n = settings.BRANCH_COMMITTEE_MIN_MEMBERS
    members = Member.objects.active()
    return Case(
        When(
            kind=OrgKind.GENERAL_BRANCH,
            then=_at_least(
                members.filter(PathStartsWith(F("home_org__path"), OuterRef("path"))), n
            ),
        ),
        When(
            kind=OrgKind.TEMPORARY_BRANCH,
            then=_at_least(
                GroupMembership.objects.current().filter(organization=OuterRef("pk")), n
            ),
        ),
        When(
            kind__in=required_org_kinds() - {OrgKind.PARTY_GROUP},
            then=_at_least(members.filter(home_org=OuterRef("pk")), n),
        ),
        default=Value(False),
        output_field=models.BooleanField(),
    )


def organization_rows(prefixes: Sequence[str]) -> list[_Org]:
    """The organizations under `prefixes` the table needs, in tree order: those that must hold
    meetings (each with `has_committee`) and the committees they are grouped under. One
    query."""
    rows = (
        Organization.objects.filter(under(prefixes, "path"))
        .filter(Q(kind__in=required_org_kinds(), is_active=True) | Q(kind__in=COMMITTEE_KINDS))
        .annotate(has_committee=has_committee())
        .order_by("path")
        .values_list("pk", "path", "name", "kind", "created_at", "is_active", "has_committee")
    )
    return [_Org(*values) for values in rows]


def meeting_totals(
    prefixes: Sequence[str], kinds: Iterable[str], as_of: dt.date
) -> models.QuerySet[Meeting, tuple[int, str, dt.date, dt.date, int]]:
    """(organization id, kind, last held, first held, months held) of the meetings held (not
    voided) of `kinds` by the organizations under `prefixes` on or before `as_of`, grouped by
    organization and kind. One query; `months` has bit i set when held in the month i months
    before `as_of`'s (the last WINDOW_MONTHS months)."""
    current = month_index(as_of)
    held_month = (
        Cast(ExtractYear("held_on"), IntegerField()) * 12
        + Cast(ExtractMonth("held_on"), IntegerField())
        - 1
    )
    return (
        Meeting.objects.held()
        .filter(under(prefixes, "organization__path"))
        .filter(kind__in=list(kinds), held_on__lte=as_of)
        .order_by()
        .values_list("organization_id", "kind")
        .annotate(
            last=Max("held_on"),
            first=Min("held_on"),
            months=BitOr(
                Func(
                    Value(1),
                    Value(current) - held_month,
                    template="(%(expressions)s)",
                    arg_joiner=" << ",
                    output_field=IntegerField(),
                ),
                filter=Q(held_on__gte=month_start(current - WINDOW_MONTHS + 1)),
                default=Value(0),
            ),
        )
    )


def _group_of(path: str, committees: dict[str, _Org], steplen: int) -> _Org | None:
    """The nearest committee above `path` among `committees` (by path)."""
    for end in range(len(path) - steplen, 0, -steplen):
        found = committees.get(path[:end])
        if found is not None:
            return found
    return None


def table_for(prefixes: Sequence[str], as_of: dt.date) -> list[ComplianceRow]:
    """Every required cell of the organizations under `prefixes` as of `as_of`, in tree order
    then MeetingKind's order: two queries."""
    orgs = organization_rows(prefixes)
    committees = {o.path: o for o in orgs if o.kind in COMMITTEE_KINDS}
    required = {o.pk: o for o in orgs if o.kind not in COMMITTEE_KINDS}
    if not required:
        return []
    totals: dict[tuple[int, str], tuple[dt.date | None, int]] = {}
    first_held: dict[int, dt.date] = {}
    last: dt.date | None
    for org_id, kind, last, first, months in meeting_totals(prefixes, all_required_kinds(), as_of):
        if org_id not in required:
            continue  # a committee's lecture or theme day: not a branch's rule
        totals[org_id, kind] = (last, months)
        first_held[org_id] = min(first, first_held.get(org_id, first))
    steplen = Organization.steplen
    language = get_language()
    zone = timezone.get_current_timezone()
    frequencies = {kind: frequency(kind) for kind in MeetingKind.values}
    kinds_of: dict[tuple[str, bool], tuple[str, ...]] = {}
    judged: dict[tuple[str, int, dt.date], tuple[str, tuple[PeriodCell, ...], int, int]] = {}
    rows: list[ComplianceRow] = []
    for org in required.values():
        kinds_key = (org.kind, org.has_committee)
        if kinds_key not in kinds_of:
            kinds_of[kinds_key] = required_kinds(org.kind, has_committee=org.has_committee)
        kinds = kinds_of[kinds_key]
        if not kinds:
            continue
        group = _group_of(org.path, committees, steplen)
        exists_since = org.created_at.astimezone(zone).date()
        if org.pk in first_held:
            exists_since = min(exists_since, first_held[org.pk])
        for kind in kinds:
            last, months = totals.get((org.pk, kind), (None, 0))
            freq = frequencies[kind]
            key = (freq, months, _judge_key(freq, as_of, exists_since, language))
            if key not in judged:
                judged[key] = judge(
                    freq=freq, as_of=as_of, months=months, exists_since=key[2], language=language
                )
            light, periods, held, due = judged[key]
            rows.append(
                ComplianceRow(
                    organization_id=org.pk,
                    organization_name=org.name,
                    organization_path=org.path,
                    organization_kind=org.kind,
                    group_id=group.pk if group else 0,
                    group_name=group.name if group else "",
                    group_path=group.path if group else "",
                    kind=kind,
                    frequency=freq,
                    light=light,
                    last_held=last,
                    periods=periods,
                    held=held,
                    due=due,
                )
            )
    return rows


def compliance_table(root: Organization, as_of: dt.date) -> list[ComplianceRow]:
    """Every required (organization, kind) cell of `root`'s subtree (root itself if it must
    hold meetings) as of `as_of`: two queries, whatever the subtree's size."""
    return table_for([root.path], as_of)


# --- The same, by hand (for the benchmark) ------------------------------------------------

#: The two statements of `table_for` for one root, as one would write them: run with
#: `bare_params(root, as_of)`.
BARE_SQL = {
    "organizations": """
        SELECT o.id, o.path, o.name, o.kind, o.created_at, o.is_active,
          CASE
            WHEN o.kind = 'general_branch' THEN EXISTS (
              SELECT 1 FROM members_member m
              JOIN organizations_organization mo ON mo.id = m.home_org_id
              WHERE mo.path LIKE o.path || '%%' AND m.archived_at IS NULL
              OFFSET %(offset)s LIMIT 1)
            WHEN o.kind = 'temporary_branch' THEN EXISTS (
              SELECT 1 FROM education_groupmembership g
              WHERE g.organization_id = o.id AND g.left_on IS NULL
              OFFSET %(offset)s LIMIT 1)
            WHEN o.kind = ANY(%(member_kinds)s) THEN EXISTS (
              SELECT 1 FROM members_member m
              WHERE m.home_org_id = o.id AND m.archived_at IS NULL
              OFFSET %(offset)s LIMIT 1)
            ELSE false
          END AS has_committee
        FROM organizations_organization o
        WHERE o.path LIKE %(prefix)s
          AND ((o.kind = ANY(%(org_kinds)s) AND o.is_active) OR o.kind = ANY(%(committees)s))
        ORDER BY o.path
    """,
    "meetings": """
        SELECT m.organization_id, m.kind, max(m.held_on), min(m.held_on),
          coalesce(bit_or(1 << (%(month)s - (extract(year FROM m.held_on)::int * 12
                                              + extract(month FROM m.held_on)::int - 1)))
                   FILTER (WHERE m.held_on >= %(window)s), 0)
        FROM education_meeting m
        JOIN organizations_organization o ON o.id = m.organization_id
        WHERE o.path LIKE %(prefix)s AND m.voided_at IS NULL
          AND m.kind = ANY(%(kinds)s) AND m.held_on <= %(as_of)s
        GROUP BY m.organization_id, m.kind
    """,
}


def bare_params(root: Organization, as_of: dt.date) -> dict[str, Any]:
    """The parameters of BARE_SQL."""
    current = month_index(as_of)
    org_kinds = sorted(required_org_kinds())
    return {
        "prefix": root.path + "%",
        "offset": max(settings.BRANCH_COMMITTEE_MIN_MEMBERS - 1, 0),
        "member_kinds": [k for k in org_kinds if k != OrgKind.PARTY_GROUP],
        "org_kinds": org_kinds,
        "committees": sorted(COMMITTEE_KINDS),
        "month": current,
        "window": month_start(current - WINDOW_MONTHS + 1),
        "kinds": list(all_required_kinds()),
        "as_of": as_of,
    }


def table_prefixes(user: AnyUser, chosen: Organization | None) -> list[str]:
    """The tree paths the compliance table (and its ledger) covers: the organization chosen, or
    the user's view scope (every path for a superuser)."""
    if chosen is not None:
        return [chosen.path]
    scope = user_scope(user)
    if scope.is_superuser:
        return [""]
    return list(scope.paths_for(Action.VIEW))
