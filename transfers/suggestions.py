"""Members who should have their organizational relationship transferred (转接建议).

The rule is article 25 of the 2019 education-management regulations (《中国共产党党员教育管理工作
条例》): a member away six months or more at a relatively fixed place should have the
relationship transferred there, whether or not the employer has a party organization; without
one, to the community, park or talent-centre organization of the place. A member who settled
elsewhere and moved their household registration should be urged to transfer as well. All are
read from the member's *current absence* (an episode registered or checked in; a member lost
while away is not "at a fixed place"):

- ``fixed_employer``: the absence began on or before ``today`` minus six calendar months (the
  same day of the month, or the month's last day when it has none: 31 August → 28/29 February),
  it names an employer, and that employer has a party organization;
- ``fixed_place``: the same six months, at a relatively fixed place (the absence names an
  employer or an address there, or the member checked in with an organization there), the
  employer without a party organization. The suggestion names the place's community, park or
  talent-centre organization when one works in the system (`suggested_org_name`): the one the
  member checked in with if it is such an organization, else one in the destination county whose
  place (its name without "党支部"...) the address there mentions; the page says which kind of
  organization to look for when none is known;
- ``household_moved``: the member's household registration names the destination
  county/district *together with* its city or its province (the province's "省" may be left
  out: "广东深圳宝安区" matches 广东省/深圳市/宝安区). A county name alone is not enough: the same
  district name exists in several cities (鼓楼区, 朝阳区). Nor is a registration in the home
  county: a member away within it (the county committee above the home organization is named
  after the destination county, 中共青山县委 → 青山县) is registered there without having moved
  (`home_county_name`; the nightly rule `transfer_due` reads it the same way).

When several hold, ``fixed_employer`` wins, then ``fixed_place`` (they name where to transfer
to). Members with an open transfer (draft to expired) and archived members are never suggested.

Everything is one set-based query over a member queryset, so a list, the member's page and the
nightly rules reuse it with whatever scope the caller passes in:

    transfer_suggestions(Member.objects.visible_to(user, Action.CHANGE), today)
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import (
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, Replace, StrIndex
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lookups import PathStartsWith
from core.months import months_before
from members.mobility.routing import ORG_NAME_SUFFIXES
from members.models import OPEN_STATUSES as EPISODE_OPEN_STATUSES
from members.models import Member, MemberQuerySet
from organizations.models import Organization, OrgKind, Sector, relationship_kinds
from transfers.models import OPEN_STATUSES, Transfer

#: How long a member is away at a fixed employer before the transfer is due.
AWAY_MONTHS = 6


class SuggestionReason(models.TextChoices):
    FIXED_EMPLOYER = (
        "fixed_employer",
        _("Away six months or more at an employer with a party organization"),
    )
    FIXED_PLACE = (
        "fixed_place",
        _(
            "Away six months or more at a relatively fixed place, the employer without a party "
            "organization: to the place's community, park or talent-centre organization"
        ),
    )
    HOUSEHOLD_MOVED = "household_moved", _("Settled elsewhere: household registration moved")


#: Where a member at a place without a party organization at the employer is transferred to
#: (article 25): the community, park or talent-centre organization of the place.
PLACE_SECTORS = (Sector.COMMUNITY, Sector.PARK, Sector.TALENT_CENTRE)


def away_cutoff(today: dt.date) -> dt.date:
    """An absence that began on or before this day has lasted six months by `today`."""
    return months_before(today, AWAY_MONTHS)


def _rules(today: dt.date) -> tuple[Q, Q, Q]:
    """The three rules, as conditions on the annotations `_with_current_absence` adds."""
    six_months = Q(away_since__lte=away_cutoff(today))
    fixed_employer = six_months & Q(suggested_employer__gt="") & Q(_employer_has_party_org=True)
    fixed_place = six_months & (
        Q(suggested_employer__gt="") | Q(_destination_address__gt="") | Q(_inflow_org__isnull=False)
    )
    household_moved = (
        Q(suggested_destination_county__gt="")
        & Q(_own_county=0)
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
    return fixed_employer, fixed_place, household_moved


def _place_organization() -> Coalesce:
    """The name of the place's community, park or talent-centre organization in the system, for
    a member at a fixed place (a correlated subquery on `_with_current_absence`'s annotations):
    the organization the member checked in with if it is one, else one in the destination
    county whose place the address there mentions (the way routing's `lives_in` reads it)."""
    candidates = Organization.objects.filter(
        is_active=True, kind__in=relationship_kinds(), sector__in=PLACE_SECTORS
    ).order_by("path")
    checked_in_with = candidates.filter(pk=OuterRef("_inflow_org"))
    # "幸福社区党支部" → "幸福社区": the place an organization is named after.
    first, *others = ORG_NAME_SUFFIXES
    place = Replace(F("name"), Value(first), Value(""))
    for suffix in others:
        place = Replace(place, Value(suffix), Value(""))
    named_in_address = (
        candidates.filter(address__contains=OuterRef("suggested_destination_county"))
        .alias(
            place=place,
            # Typed, so that a lookup can take it as its left-hand side.
            address_there=ExpressionWrapper(
                OuterRef("_destination_address"), output_field=CharField()
            ),
        )
        .alias(place_length=Length("place"))
        .filter(address_there__contains=F("place"), place_length__gte=2)
    )
    return Coalesce(
        Subquery(checked_in_with.values("name")[:1]),
        Subquery(named_in_address.values("name")[:1]),
    )


def home_county_name(home_path: str = "home_org__path") -> Subquery:
    """The name of the county committee above the organization whose path the outer query names
    `home_path` (a correlated subquery; NULL above none): it names the home county."""
    return Subquery(
        Organization.objects.filter(kind=OrgKind.COUNTY_COMMITTEE)
        .filter(PathStartsWith(OuterRef(home_path), F("path")))
        .order_by("-depth")
        .values("name")[:1],
        output_field=CharField(),
    )


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
        _destination_address=F("current__destination_address"),
        _inflow_org=F("current__inflow_org"),
        # "广东省" is often written "广东" in a registration address.
        _destination_province=Replace(F("current__destination_province"), Value("省"), Value("")),
        # 0 unless the destination county is the home county (its committee's name names it).
        _own_county=StrIndex(
            Coalesce(home_county_name(), Value(""), output_field=CharField()),
            F("current__destination_county"),
        ),
    )


def transfer_suggestions(members: MemberQuerySet, today: dt.date | None = None) -> MemberQuerySet:
    """The members of `members` who should be transferred as of `today`, annotated with
    `suggestion_reason` (a `SuggestionReason` value), `suggestion_episode_id`, `away_since`,
    `suggested_employer`, `suggested_destination_county` and, for ``fixed_place``,
    `suggested_org_name` (or None). One SQL query; unordered (add the list's order)."""
    today = today or timezone.localdate()
    fixed_employer, fixed_place, household_moved = _rules(today)
    open_transfer = Transfer.objects.filter(member=OuterRef("pk"), status__in=OPEN_STATUSES)
    return (
        _with_current_absence(members)
        .filter(
            fixed_employer | fixed_place | household_moved,
            ~Exists(open_transfer),
            archived_at__isnull=True,
        )
        .annotate(
            suggestion_reason=Case(
                When(fixed_employer, then=Value(SuggestionReason.FIXED_EMPLOYER.value)),
                When(fixed_place, then=Value(SuggestionReason.FIXED_PLACE.value)),
                default=Value(SuggestionReason.HOUSEHOLD_MOVED.value),
                output_field=CharField(),
            ),
            suggested_org_name=Case(
                When(fixed_employer, then=Value(None)),
                When(fixed_place, then=_place_organization()),
                default=Value(None),
                output_field=CharField(),
            ),
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
