""" "Dues paid up to" (党费交至) for the papers that print it: the transfer letter and the activity
certificate's departure part (issue 11, item 3). Taken from the dues records when the member
has them; a member without records (none kept for them yet) has it typed."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from members.models import DuesStandard, Member
from members.models.dues import add_months


def recorded_paid_until(member: Member, as_of: dt.date | None = None) -> dt.date | None:
    """The month `member`'s dues are paid up to by the records as of `as_of` (today), in one
    query; None when the member has no dues records (no standard). A member whose first month
    is not due yet and who paid nothing owes nothing: paid up to the month before it."""
    as_of = as_of or timezone.localdate()
    first = DuesStandard.objects.filter(member=OuterRef("pk")).order_by("effective_from")
    row = (
        Member.objects.with_dues(as_of)
        .annotate(first_standard=Subquery(first.values("effective_from")[:1]))
        .only("pk")
        .get(pk=member.pk)
    )
    starts: dt.date | None = row.first_standard  # type: ignore[attr-defined]
    if starts is None:
        return None
    return row.dues.paid_until or add_months(starts, -1)
