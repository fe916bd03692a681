"""Members who should have their organizational relationship transferred (转接建议).

The rule ("Rules the system must check" in the mission): a member away six months or more at a
fixed place and employer whose unit has a party organization should be transferred there; a
member who settled elsewhere and moved their household registration should be urged to transfer
as well. Both are read from the member's *current absence* (an episode registered or checked in;
a member lost while away is not "at a fixed place"):

- ``fixed_employer``: the absence began on or before ``today`` minus six calendar months (the
  same day of the month, or the month's last day when it has none: 31 August → 28/29 February),
  it names an employer, and that employer has a party organization;
- ``household_moved``: the member's household registration names the destination
  county/district *together with* its city or its province (the province's "省" may be left
  out: "广东深圳宝安区" matches 广东省/深圳市/宝安区). A county name alone is not enough: the same
  district name exists in several cities (鼓楼区, 朝阳区). The absence itself says the destination
  is not the home place.

When both hold, ``fixed_employer`` wins (it names where to transfer to). Members with an open
transfer (draft to expired) and archived members are never suggested.

Everything is one set-based query over a member queryset, so a list, the member's page and the
nightly rules reuse it with whatever scope the caller passes in:

    transfer_suggestions(Member.objects.visible_to(user, Action.CHANGE), today)
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import models
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import OPEN_STATUSES as EPISODE_OPEN_STATUSES
from members.models import Member, MemberQuerySet
from transfers.models import OPEN_STATUSES, Transfer

#: How long a member is away at a fixed employer before the transfer is due.
AWAY_MONTHS = 6


class SuggestionReason(models.TextChoices):
    FIXED_EMPLOYER = (
        "fixed_employer",
        _("Away six months or more at an employer with a party organization"),
    )
    HOUSEHOLD_MOVED = "household_moved", _("Settled elsewhere: household registration moved")


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def away_cutoff(today: dt.date) -> dt.date:
    """An absence that began on or before this day has lasted six months by `today`."""
    return months_before(today, AWAY_MONTHS)


def _rules(today: dt.date) -> tuple[Q, Q]:
    """The two rules, as conditions on the annotations `_with_current_absence` adds."""
    fixed_employer = (
        Q(away_since__lte=away_cutoff(today))
        & Q(suggested_employer__gt="")
        & Q(_employer_has_party_org=True)
    )
    household_moved = (
        Q(suggested_destination_county__gt="")
        & Q(household_registration__contains=F("suggested_destination_county"))
        & (
            (
                Q(_destination_city__gt="")
                & Q(household_registration__contains=F("_destination_city"))
            )
            | (
                Q(_destination_province__gt="")
                & Q(household_registration__contains=F("_destination_province"))
            )
        )
    )
    return fixed_employer, household_moved


def _with_current_absence(members: MemberQuerySet) -> MemberQuerySet:
    """Each member joined (once: at most one absence is current) to their open absence, its
    fields as annotations, so the rules below all read the same join."""
    return members.annotate(
        current=FilteredRelation(
            "episodes", condition=Q(episodes__status__in=EPISODE_OPEN_STATUSES)
        )
    ).annotate(
        suggestion_episode_id=F("current__id"),
        away_since=F("current__out_date"),
        suggested_employer=F("current__employer"),
        suggested_destination_county=F("current__destination_county"),
        _employer_has_party_org=F("current__employer_has_party_org"),
        _destination_city=F("current__destination_city"),
        # "广东省" is often written "广东" in a registration address.
        _destination_province=Replace(F("current__destination_province"), Value("省"), Value("")),
    )


def transfer_suggestions(members: MemberQuerySet, today: dt.date | None = None) -> MemberQuerySet:
    """The members of `members` who should be transferred as of `today`, annotated with
    `suggestion_reason` (a `SuggestionReason` value), `suggestion_episode_id`, `away_since`,
    `suggested_employer` and `suggested_destination_county`. One SQL query; unordered (add the
    list's order)."""
    today = today or timezone.localdate()
    fixed_employer, household_moved = _rules(today)
    open_transfer = Transfer.objects.filter(member=OuterRef("pk"), status__in=OPEN_STATUSES)
    return (
        _with_current_absence(members)
        .filter(
            fixed_employer | household_moved,
            ~Exists(open_transfer),
            archived_at__isnull=True,
        )
        .annotate(
            suggestion_reason=Case(
                When(fixed_employer, then=Value(SuggestionReason.FIXED_EMPLOYER.value)),
                default=Value(SuggestionReason.HOUSEHOLD_MOVED.value),
                output_field=CharField(),
            )
        )
    )


def suggestion_for(member: Member, today: dt.date | None = None) -> SuggestionReason | None:
    """Why `member` should be transferred, or None (one query; for the member's page)."""
    reason = (
        transfer_suggestions(Member.objects.filter(pk=member.pk), today)
        # django-stubs cannot see annotations through a function's return type.
        .values_list("suggestion_reason", flat=True)  # type: ignore[misc]
        .first()
    )
    return SuggestionReason(reason) if reason else None
