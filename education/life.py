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
