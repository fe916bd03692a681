"""A member's organizational life, read from attendance: the reads the member page, the
certificate's departure part and the nightly six-month rule share (issue 10, item 3). Nothing
here is stored: every answer is computed from the attendance rows, set-based (one query for any
number of members), never a flag on the member.

What counts as organizational life: a row whose status is in `TAKING_PART` (present, online, or
at another organization) at a meeting that was not voided, wherever it was held (the home
branch, an inflow organization or station, a party group, a temporary branch). On leave and
absent do not count; whether a leave was for a proper reason is for the branch to judge when it
reviews a flagged member, not for the query.

The six-month condition (the party constitution, article 38: a member who without proper reason
takes no part in organizational life for six consecutive months is regarded as having left the
party; the branch decides, a superior approves) is `without_life(members, as_of=D)`: the members
the nightly rule flags. The system only flags.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import ExtractYear
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.months import months_before
from education.models import TAKING_PART, Attendance, AttendanceStatus, Meeting, MeetingKind
from education.models.meetings import AttendanceQuerySet
from members.models import Member, MobilityEpisode
from organizations.models import Organization

_Q = TypeVar("_Q", bound=QuerySet[Any])

#: The timeline's order, newest first: the keyset page's keys (the last one is unique; a date
#: travels in a cursor as core.pagination writes it).
TIMELINE_KEYS = ("-meeting__held_on", "-id")


# --- the date of the last participation --------------------------------------------------------


def last_life_subquery(as_of: dt.date | None = None) -> Subquery:
    """The date of the member's (OuterRef("pk")) last organizational life, on or before
    `as_of`: a correlated subquery read through the (member, meeting) index."""
    rows = Attendance.objects.filter(
        member_id=OuterRef("pk"),
        status__in=TAKING_PART,
        meeting__voided_at__isnull=True,
    )
    if as_of is not None:
        rows = rows.filter(meeting__held_on__lte=as_of)
    return Subquery(
        rows.order_by("-meeting__held_on").values("meeting__held_on")[:1],
        output_field=DateField(),
    )


def with_last_life(members: _Q, as_of: dt.date | None = None) -> _Q:
    """`members` annotated with `last_life_on` (None: never took part)."""
    annotated: _Q = members.annotate(last_life_on=last_life_subquery(as_of))
    return annotated


# --- six months without organizational life (constitution, article 38) ------------------------


def without_life(members: _Q, *, as_of: dt.date, months: int | None = None) -> _Q:
    """The members of `members` who took no part in organizational life in the `months`
    (default `LIFE_ALERT_MONTHS`, 6: the party constitution's six consecutive months, article
    38) up to `as_of`: the set the nightly six-month rule flags, in one query.

    A member's clock starts at their last participation; a member with no participation at
    all counts from the later of the day they joined the party and **the start of the records**
    (the first meeting recorded in the system, voided ones aside): a deployment that began
    recording three months ago flags nobody for six months of silence, and a member admitted
    last month is not six months silent. So a member is in the set when their last
    participation, their joining date and the first recorded meeting all lie on or before
    `as_of` minus `months` calendar months. Meetings after `as_of` are ignored, so a rule run
    for an earlier day answers as it would have then.

    `members` is the caller's population (the nightly rule: `Member.objects.active()` in good
    standing; a page: the members in scope); this only narrows it. Leave and absence do not
    count as taking part; whether a leave had a proper reason is the branch's review."""
    months = settings.LIFE_ALERT_MONTHS if months is None else months
    cutoff = months_before(as_of, months)
    recent = Attendance.objects.filter(
        member_id=OuterRef("pk"),
        status__in=TAKING_PART,
        meeting__voided_at__isnull=True,
        meeting__held_on__gt=cutoff,
        meeting__held_on__lte=as_of,
    )
    records_started = Meeting.objects.held().filter(held_on__lte=cutoff)
    narrowed: _Q = members.filter(Exists(records_started), ~Exists(recent), joined_on__lte=cutoff)
    return narrowed


def life_status(last_life_on: dt.date | None, *, since: dt.date, today: dt.date) -> str:
    """The colour of a member's organizational life: "alert" (red: `LIFE_ALERT_MONTHS` or more
    without it), "warning" (amber: `LIFE_WARNING_MONTHS` or more), or "" (fine). `since` is
    when the clock starts for a member with no participation (their joining date). Unlike
    `without_life`, a page does not wait for the records to span the months: a member with
    nothing recorded shows red once they joined six months ago, which tells a branch new to
    the system to enter its meetings."""
    start = last_life_on or since
    if start <= months_before(today, settings.LIFE_ALERT_MONTHS):
        return "alert"
    if start <= months_before(today, settings.LIFE_WARNING_MONTHS):
        return "warning"
    return ""


def months_since(day: dt.date, today: dt.date) -> int:
    """Whole calendar months from `day` to `today` (0 within the first month)."""
    months = (today.year - day.year) * 12 + today.month - day.month
    if today.day < day.day and months > 0:
        months -= 1
    return max(months, 0)


# --- counts by kind and year -------------------------------------------------------------------


@dataclass
class LifeCounts:
    """One member's organizational life counted by year and kind, and the last participation."""

    by_year: dict[int, dict[str, int]] = field(default_factory=dict)
    last_life_on: dt.date | None = None

    def year(self, year: int) -> list[tuple[str, int]]:
        """(kind label, count) of `year`, in the kinds' order; the kinds held only."""
        counts = self.by_year.get(year, {})
        return [(str(kind.label), counts[kind]) for kind in MeetingKind if counts.get(kind)]

    def total(self, year: int) -> int:
        return sum(self.by_year.get(year, {}).values())


def count_rows(
    member_ids: Iterable[int] | QuerySet[Any], *, years: Iterable[int] | None = None
) -> QuerySet[Any]:
    """(member_id, year, kind, count, last) of the organizational life of the members
    `member_ids` (ids, or a values queryset used as a subquery), by year and kind: one grouped
    query, for a page, a ledger or a rule."""
    rows = Attendance.objects.taking_part().filter(member_id__in=member_ids)
    if years is not None:
        rows = rows.filter(meeting__held_on__year__in=list(years))
    return (
        rows.order_by()
        .values("member_id", year=ExtractYear("meeting__held_on"), kind=F("meeting__kind"))
        .annotate(count=Count("id"), last=Max("meeting__held_on"))
    )


def life_counts(member_ids: Iterable[int] | QuerySet[Any]) -> dict[int, LifeCounts]:
    """Every year's counts by kind and the last participation, per member (those with none are
    missing): `count_rows` read in one query."""
    found: dict[int, LifeCounts] = defaultdict(LifeCounts)
    for row in count_rows(member_ids):
        counts = found[row["member_id"]]
        counts.by_year.setdefault(row["year"], {})[row["kind"]] = row["count"]
        if counts.last_life_on is None or row["last"] > counts.last_life_on:
            counts.last_life_on = row["last"]
    return dict(found)


# --- the timeline ------------------------------------------------------------------------------


def timeline(member: Member) -> AttendanceQuerySet:
    """The member's organizational life, newest first (`TIMELINE_KEYS`): every meeting they
    were recorded at (taking part, on leave or absent), wherever it was held, voided meetings
    aside, with the meeting and its organization in the same query; `at_inflow` says whether
    the meeting's organization is one the member checked in with while away."""
    checked_in_there = MobilityEpisode.objects.filter(
        member_id=member.pk, inflow_org_id=OuterRef("meeting__organization_id")
    )
    return (
        Attendance.objects.filter(member=member, meeting__voided_at__isnull=True)
        .select_related("meeting__organization")
        .annotate(at_inflow=Exists(checked_in_there))
        .order_by(*TIMELINE_KEYS)
    )


def place_badge(row: Attendance, member: Member) -> str:
    """Where the row's meeting was: "inflow" (an organization the member checked in with while
    away), "other" (another organization outside the home branch: a temporary branch, an
    organization elsewhere), or "" (the home branch or a party group inside it)."""
    organization = row.meeting.organization
    if organization.path.startswith(member.home_org.path):
        return ""
    return "inflow" if getattr(row, "at_inflow", False) else "other"


# --- the activity certificate's departure part -------------------------------------------------


def _month(day: dt.date) -> str:
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def _day(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def life_summary_at(
    member_id: int, organization: Organization, start: dt.date, end: dt.date
) -> str:
    """The organizational life of the member at `organization` (its subtree: the inflow
    organization's own meetings and those of its groups) from `start` to `end`, in words, for
    the activity certificate's departure part (the 2007 format: at departure the inflow side
    records the holder's organizational life there). One grouped query."""
    rows = (
        Attendance.objects.filter(
            member_id=member_id,
            meeting__voided_at__isnull=True,
            meeting__organization__path__startswith=organization.path,
            meeting__held_on__gte=start,
            meeting__held_on__lte=end,
        )
        .order_by()
        .values("status", kind=F("meeting__kind"))
        .annotate(count=Count("id"), last=Max("meeting__held_on"))
    )
    by_kind: dict[str, int] = {}
    leave = 0
    last: dt.date | None = None
    for row in rows:
        if row["status"] in TAKING_PART:
            by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["count"]
            last = row["last"] if last is None else max(last, row["last"])
        elif row["status"] == AttendanceStatus.LEAVE:
            leave += row["count"]
    period = {"start": _month(start), "end": _month(end)}
    if not by_kind:
        text = _("From %(start)s to %(end)s took no part in organizational life here") % period
    else:
        order = list(MeetingKind)
        kinds = sorted(
            by_kind.items(), key=lambda item: (-item[1], order.index(MeetingKind(item[0])))
        )
        text = _(
            "From %(start)s to %(end)s took part in organizational life here %(count)d times "
            "(%(kinds)s), the last on %(last)s"
        ) % {
            **period,
            "count": sum(by_kind.values()),
            "kinds": pgettext("list separator", ", ").join(
                _("%(kind)s %(count)d") % {"kind": MeetingKind(kind).label, "count": count}
                for kind, count in kinds
            ),
            "last": _day(last) if last else "",
        }
    if leave:
        text += _("; on leave %(count)d times") % {"count": leave}
    return text + pgettext("end of sentence", ".")


def certificate_life_summary(
    *, member_id: int, organization: Organization, arrived_on: dt.date, left_on: dt.date
) -> str:
    """The departure part's text (registered as members' `life_summary` hook in
    `EducationConfig.ready`: members does not import education)."""
    return life_summary_at(member_id, organization, arrived_on, left_on)


#: TAKING_PART in a fixed order: the same SQL on every run, and the predicate of the partial
#: index `attendance_life_idx` (education/models/meetings.py).
LIFE_STATUSES = sorted(TAKING_PART)


def last_life_by_member(members: _Q, as_of: dt.date | None = None) -> _Q:
    """`members` annotated with `last_life_on` like `with_last_life`, computed by one grouped
    join of the members with their organizational life rather than a subquery per member: the
    shape for reading a whole scope at once (the nightly rule over a county or the province;
    docs/benchmarks.md, "Organizational life"). The join reads the attendance rows that count
    through the partial index `attendance_life_idx`. Filter on `last_life_on` afterwards (a
    HAVING clause); read it with `values_list("pk", "last_life_on")`."""
    held = Q(life__meeting__voided_at__isnull=True)
    if as_of is not None:
        held &= Q(life__meeting__held_on__lte=as_of)
    annotated: _Q = members.annotate(
        life=FilteredRelation("attendance", condition=Q(attendance__status__in=LIFE_STATUSES))
    ).annotate(last_life_on=Max("life__meeting__held_on", filter=held))
    return annotated


__all__ = [
    "LIFE_STATUSES",
    "TIMELINE_KEYS",
    "LifeCounts",
    "certificate_life_summary",
    "count_rows",
    "last_life_by_member",
    "last_life_subquery",
    "life_counts",
    "life_status",
    "life_summary_at",
    "months_since",
    "place_badge",
    "timeline",
    "with_last_life",
    "without_life",
]
