"""Which organization takes an arriving member: the four management modes (管理模式).

- self-managed (自我管理): the employer is a "two new" organization with a mobile-member branch;
- sector-based (归口式): the member's trade (transport, construction, couriers...: a list kept as
  data, `organizations.Trade`) is managed by the organization serving it (a trade department's
  or a trade association's); failing that, the organization of the employer's sector;
- integrated (融入式): the community organization where the member lives;
- affiliated (挂靠式): nothing else fits (often: no party organization at the employer), so the
  local check-in station takes them.

They are tried in this order, from the most specific fact (the employer's own branch) to the
catch-all (the station). `suggest_route` is a pure function over the organizations the user may
check members in at, so it is cheap to unit-test and the check-in and found pages share it; the
user may choose another organization with a reason (stored on the episode).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q
from django.utils.translation import gettext as _

from members.models import (
    CURRENT_STATUSES,
    Member,
    MobilityEpisode,
)
from organizations.models import ManagementMode, Organization, OrgKind, Sector, Trade

#: Name endings dropped to get the place a community organization is named after
#: ("幸福社区党支部" → "幸福社区"); longest first.
ORG_NAME_SUFFIXES = ("党总支部", "党总支", "党支部", "党委", "总支部", "支部")


#: Company-form endings dropped from an employer's name before matching it.
EMPLOYER_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")


Fits = Callable[[Organization], bool]
Explain = Callable[[Organization], str]


class Route(NamedTuple):
    #: A `ManagementMode` value, or "" when no organization in scope fits.
    mode: str
    organization: Organization | None
    explanation: str

    @property
    def mode_label(self) -> str:
        return str(ManagementMode(self.mode).label) if self.mode else ""


#: The attribute `routing_candidates` sets on each organization: the ids of the trades it
#: serves (`Organization.trades`), read in the same query.
SERVED_TRADES = "served_trade_ids"


def routing_candidates(organizations: Any) -> list[Organization]:
    """Of `organizations`, those that can be suggested at all (one query): the ones with a
    management mode, and stations; each with the ids of the trades it serves."""
    served = Organization.trades.through.objects.filter(organization_id=OuterRef("pk")).values(
        "trade_id"
    )
    return list(
        organizations.filter(~Q(management_mode="") | Q(kind=OrgKind.STATION)).annotate(
            **{SERVED_TRADES: ArraySubquery(served)}
        )
    )


def serves(org: Organization, trade: Trade) -> bool:
    """Whether `org` serves `trade` (the ids `routing_candidates` read with it)."""
    return trade.pk in (getattr(org, SERVED_TRADES, None) or ())


def _clean(text: str) -> str:
    return "".join(text.split())


def _strip_suffix(text: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


def lives_in(org: Organization, residence: str) -> bool:
    """Whether the residence names the place of `org`: its address, or the place it is named
    after, appears in what the member said (or the other way round for a short answer)."""
    residence = _clean(residence)
    if len(residence) < 2:
        return False
    places = [_clean(org.address), _strip_suffix(_clean(org.name), ORG_NAME_SUFFIXES)]
    return any(len(place) >= 2 and (place in residence or residence in place) for place in places)


def works_for(org: Organization, employer: str) -> bool:
    """Whether `org` is named after the employer (the employer's name, with or without its
    company form, is contained in the organization's name)."""
    employer = _clean(employer)
    if len(employer) < 2:
        return False
    name = _clean(org.name)
    return employer in name or _strip_suffix(employer, EMPLOYER_SUFFIXES) in name


def suggest_route(
    organizations: Iterable[Organization],
    *,
    residence: str = "",
    employer: str = "",
    employer_sector: str = "",
    employer_has_party_org: bool = False,
    trade: Trade | None = None,
) -> Route:
    """The organization the management mode suggests for an arriving member, among
    `organizations` (those the user may check members in at), with the reason in words.

    Sector-based management (归口管理) goes by the member's trade first: the organization
    serving it takes the member, before the employer's sector is matched (issue 9, item 11)."""
    orgs = list(organizations)
    # (mode, whether what is known of the member can decide it, which organization of that
    # mode fits, why in words), from the most specific fact to the most general.
    rules: tuple[tuple[ManagementMode, bool, Fits, Explain], ...] = (
        (
            ManagementMode.SELF_MANAGED,
            bool(employer),
            lambda org: org.kind == OrgKind.MOBILE_BRANCH and works_for(org, employer),
            lambda org: (
                _(
                    "%(employer)s has its own mobile-member branch: the member is managed "
                    "there (self-managed)."
                )
                % {"employer": employer}
            ),
        ),
        (
            ManagementMode.SECTOR_BASED,
            trade is not None,
            lambda org: trade is not None and serves(org, trade),
            lambda org: (
                _(
                    "Members working in the trade “%(trade)s” are managed by %(org)s, which "
                    "serves it (sector-based)."
                )
                % {"trade": trade, "org": org.name}
            ),
        ),
        (
            ManagementMode.SECTOR_BASED,
            bool(employer_sector),
            lambda org: org.sector == employer_sector,
            lambda org: (
                _(
                    "Members employed in the sector “%(sector)s” are managed by that "
                    "sector's organization (sector-based)."
                )
                % {"sector": Sector(employer_sector).label}
            ),
        ),
        (
            ManagementMode.INTEGRATED,
            bool(residence),
            lambda org: org.sector == Sector.COMMUNITY and lives_in(org, residence),
            lambda org: (
                _(
                    "The member lives in the area of %(org)s: the community organization "
                    "manages them (integrated)."
                )
                % {"org": org.name}
            ),
        ),
    )
    for mode, known, fits, explain in rules:
        found = known and next(
            (org for org in orgs if org.management_mode == mode and fits(org)), None
        )
        if found:
            return Route(mode.value, found, explain(found))

    stations = [org for org in orgs if org.taking_mode == ManagementMode.AFFILIATED]
    if stations:
        # Several stations: the one where the member lives, else the first in the tree.
        station = next((org for org in stations if lives_in(org, residence)), stations[0])
        if employer and not employer_has_party_org:
            why = _(
                "%(employer)s has no party organization: the local station %(org)s takes the "
                "member (affiliated)."
            ) % {"employer": employer, "org": station.name}
        else:
            why = _(
                "No community, employer or sector organization fits: the local station "
                "%(org)s takes the member (affiliated)."
            ) % {"org": station.name}
        return Route(ManagementMode.AFFILIATED.value, station, why)

    return Route(
        "",
        None,
        _(
            "No organization you work for fits a management mode for this member: choose "
            "the organization that takes them."
        ),
    )


def found_step(id_number: str, name: str, inflow_org: Organization | None = None) -> str:
    """After a refused check-in, which deliberate next step the page offers: "found" (the
    member is in the system, away from home, with no current absence), "arrival" (no such
    member), or ""."""
    member = Member.objects.arriving(id_number=id_number, name=name)
    if member is None:
        return "arrival"
    if inflow_org is not None and member.home_org_id == inflow_org.pk:
        return ""
    away = MobilityEpisode.objects.filter(member=member, status__in=CURRENT_STATUSES).exists()
    return "" if away else "found"
