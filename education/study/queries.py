"""Study hours, read set-based: every member's hours for a year (study records plus the study
hours of the meetings they attended in person or online) against the requirement, and which
members a column item applies to (the mirror of `ColumnItem.objects.for_member`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from education.models import (
    Attendance,
    AttendanceStatus,
    Audience,
    BranchPost,
    ColumnItem,
    StudyRecord,
)
from members.models import CURRENT_STATUSES, GOOD_STANDINGS, Member, MobilityEpisode
from members.models.choices import OccupationCategory
from members.models.member import MemberQuerySet
from organizations.models import Sector

#: Attendance that earns a meeting's study hours: present in person or online. "Attended at
#: another organization" counts as organizational life, but not as this meeting's study.
STUDY_ATTENDANCE = (AttendanceStatus.PRESENT, AttendanceStatus.ONLINE)

_HOURS: DecimalField[Decimal, Decimal] = DecimalField(max_digits=8, decimal_places=1)


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def record_hours_subquery(year: int) -> Coalesce:
    """The member's (OuterRef("pk")) study records' hours in `year`, 0 when none."""
    start, end = _year_bounds(year)
    rows = (
        StudyRecord.objects.filter(
            member_id=OuterRef("pk"), studied_on__gte=start, studied_on__lt=end
        )
        .order_by()
        .values("member_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=_HOURS), Value(Decimal(0)), output_field=_HOURS)


def meeting_hours_subquery(year: int) -> Coalesce:
    """The study hours of the meetings held in `year` (not voided, worth hours) the member
    attended in person or online, 0 when none: counted, never copied."""
    start, end = _year_bounds(year)
    rows = (
        Attendance.objects.filter(
            member_id=OuterRef("pk"),
            status__in=STUDY_ATTENDANCE,
            meeting__voided_at__isnull=True,
            meeting__study_hours__gt=0,
            meeting__held_on__gte=start,
            meeting__held_on__lt=end,
        )
        .order_by()
        .values("member_id")
        .annotate(total=Sum("meeting__study_hours"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=_HOURS), Value(Decimal(0)), output_field=_HOURS)


def cadre_in(year: int) -> Exists:
    """Whether the member held a branch post at some time in `year`."""
    return Exists(BranchPost.objects.held_in(year).filter(member_id=OuterRef("pk")))


def with_study_hours(members: QuerySet[Member], year: int) -> QuerySet[Any]:
    """`members` annotated, in the one query, with `record_hours`, `meeting_hours`,
    `study_hours` (their sum), `is_cadre`, `required_hours` (settings.STUDY_HOURS_CADRE for a
    member who held a branch post that year, settings.STUDY_HOURS_MEMBER otherwise) and
    `is_short`. Filter on `is_short` for the list of who is short."""
    annotated: QuerySet[Any] = members.annotate(
        record_hours=record_hours_subquery(year),
        meeting_hours=meeting_hours_subquery(year),
        is_cadre=cadre_in(year),
    ).annotate(
        study_hours=ExpressionWrapper(F("record_hours") + F("meeting_hours"), output_field=_HOURS),
        required_hours=Case(
            When(is_cadre=True, then=Value(Decimal(settings.STUDY_HOURS_CADRE))),
            default=Value(Decimal(settings.STUDY_HOURS_MEMBER)),
            output_field=_HOURS,
        ),
    )
    short: QuerySet[Any] = annotated.annotate(
        is_short=ExpressionWrapper(
            Q(study_hours__lt=F("required_hours")), output_field=BooleanField()
        )
    )
    return short


class _PerMember(Func):
    """A correlated subquery about the member in a query grouped by member: computed on the
    grouped rows, not grouped by (Django would add it to the GROUP BY, and PostgreSQL would
    then run it for every joined attendance row)."""

    template = "%(expressions)s"

    def get_group_by_cols(self) -> list[Any]:
        return []


def study_hours_by_member(members: QuerySet[Member], year: int) -> QuerySet[Any]:
    """`members` annotated like `with_study_hours` (`record_hours`, `meeting_hours`,
    `study_hours`, `is_cadre`, `required_hours`, `is_short`), the meeting hours read by one
    grouped join of the members with their attendance rather than a subquery per member: the
    shape for a whole province at once (the nightly rule `study_hours_short`). A correlated
    subquery is computed again wherever the query names it (the filter on `is_short` and the
    alert's figures); an aggregate of a join is computed once per member and read by both
    (docs/benchmarks.md, "Oversight rules"). The study records and branch posts stay
    subqueries (joined too they would multiply the attendance rows): two index probes per
    member. Filter on `is_short` afterwards (a HAVING clause)."""
    start, end = _year_bounds(year)
    counted = Q(
        studied__meeting__voided_at__isnull=True,
        studied__meeting__study_hours__gt=0,
        studied__meeting__held_on__gte=start,
        studied__meeting__held_on__lt=end,
    )
    studied = FilteredRelation("attendance", condition=Q(attendance__status__in=STUDY_ATTENDANCE))
    annotated: QuerySet[Any] = (
        members.annotate(studied=studied)
        .annotate(
            record_hours=_PerMember(record_hours_subquery(year), output_field=_HOURS),
            meeting_hours=Coalesce(
                Sum("studied__meeting__study_hours", filter=counted),
                Value(Decimal(0)),
                output_field=_HOURS,
            ),
            is_cadre=_PerMember(cadre_in(year), output_field=BooleanField()),
        )
        .annotate(
            study_hours=ExpressionWrapper(
                F("record_hours") + F("meeting_hours"), output_field=_HOURS
            ),
            required_hours=_PerMember(
                Case(
                    When(is_cadre=True, then=Value(Decimal(settings.STUDY_HOURS_CADRE))),
                    default=Value(Decimal(settings.STUDY_HOURS_MEMBER)),
                ),
                output_field=_HOURS,
            ),
        )
    )
    short: QuerySet[Any] = annotated.annotate(
        is_short=ExpressionWrapper(
            Q(study_hours__lt=F("required_hours")), output_field=BooleanField()
        )
    )
    return short


def applicable_members(item: ColumnItem) -> MemberQuerySet:
    """The members (not archived, in good standing) `item` applies to: the rule of
    `ColumnItem.objects.for_member`, from the item's side (the "read by" page's candidates)."""
    current = MobilityEpisode.objects.filter(member_id=OuterRef("pk"), status__in=CURRENT_STATUSES)
    publisher = item.organization.path
    members = Member.objects.active().filter(standing__in=GOOD_STANDINGS)
    if item.audience == Audience.CHOSEN:
        paths = list(item.organizations.values_list("path", flat=True))
        if not paths:
            return members.none()
        home = Q(pk__in=[])
        inflow = Q(pk__in=[])
        for path in paths:
            home |= Q(home_org__path__startswith=path)
            inflow |= Q(inflow_org__path__startswith=path)
        return members.filter(home | Exists(current.filter(inflow)))
    reach = Q(home_org__path__startswith=publisher) | Exists(
        current.filter(inflow_org__path__startswith=publisher)
    )
    if item.audience == Audience.MIGRANT:
        return members.filter(
            reach, Exists(current.filter(occupation=OccupationCategory.MIGRANT_WORKER))
        )
    if item.audience == Audience.NON_PUBLIC:
        return members.filter(
            reach,
            Exists(
                current.filter(
                    Q(employer_sector=Sector.NON_PUBLIC_ENTERPRISE)
                    | Q(occupation=OccupationCategory.NON_PUBLIC_EMPLOYEE)
                )
            ),
        )
    return members.filter(reach)


def readers(item: ColumnItem) -> QuerySet[Any]:
    """The ids of the members whose reading of `item` is recorded."""
    return StudyRecord.objects.filter(column_item=item).values("member_id")
