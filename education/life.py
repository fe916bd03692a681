"""A member's organizational life, read from attendance: the reads the member page, the
certificate's departure part and the nightly six-month rule share (issue 10, item 3). Nothing
here is stored: every answer is computed from the attendance rows."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db.models import DateField, OuterRef, QuerySet, Subquery

from education.models import TAKING_PART, Attendance

_Q = TypeVar("_Q", bound=QuerySet[Any])


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
    from django.db.models import FilteredRelation, Max, Q  # (appended to this module)

    held = Q(life__meeting__voided_at__isnull=True)
    if as_of is not None:
        held &= Q(life__meeting__held_on__lte=as_of)
    annotated: _Q = members.annotate(
        life=FilteredRelation("attendance", condition=Q(attendance__status__in=LIFE_STATUSES))
    ).annotate(last_life_on=Max("life__meeting__held_on", filter=held))
    return annotated
