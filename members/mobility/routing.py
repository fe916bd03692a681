"""Which organization takes an arriving member: the four management modes (管理模式).

- self-managed (自我管理): the employer is a "two new" organization with a mobile-member branch;
- sector-based (归口式): the employer's trade is managed by that trade department's organization;
- integrated (融入式): the community organization where the member lives;
- affiliated (挂靠式): nothing else fits (often: no party organization at the employer), so the
  local check-in station takes them.

They are tried in this order, from the most specific fact (the employer's own branch) to the
catch-all (the station). `suggest_route` is a pure function over the organizations the user may
check members in at, so it is cheap to unit-test and the check-in and found pages share it; the
user may choose another organization with a reason (stored on the episode).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import User
from core.validators import normalize_id_number
from members.models import (
    CURRENT_STATUSES,
    Member,
    MobilityEpisode,
)
from organizations.models import BRANCH_KINDS, ManagementMode, Organization, OrgKind, Sector
from organizations.scope import require_change

#: Name endings dropped to get the place a community organization is named after
#: ("幸福社区党支部" → "幸福社区"); longest first.
ORG_NAME_SUFFIXES = ("党总支部", "党总支", "党支部", "党委", "总支部", "支部")


#: Company-form endings dropped from an employer's name before matching it.
EMPLOYER_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")


class Route(NamedTuple):
    #: A `ManagementMode` value, or "" when no organization in scope fits.
    mode: str
    organization: Organization | None
    explanation: str

    @property
    def mode_label(self) -> str:
        return str(ManagementMode(self.mode).label) if self.mode else ""


def mode_of(org: Organization) -> str:
    """The management mode under which `org` takes members in (a station without one set is
    affiliated by nature)."""
    if org.management_mode:
        return str(org.management_mode)
    if org.kind == OrgKind.STATION:
        return ManagementMode.AFFILIATED.value
    return ""


def routing_candidates(organizations: Any) -> list[Organization]:
    """Of `organizations`, those that can be suggested at all (one query): the ones with a
    management mode, and stations."""
    return list(organizations.filter(~Q(management_mode="") | Q(kind=OrgKind.STATION)))


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
) -> Route:
    """The organization the management mode suggests for an arriving member, among
    `organizations` (those the user may check members in at), with the reason in words."""
    orgs = list(organizations)

    if employer:
        for org in orgs:
            if (
                org.kind == OrgKind.MOBILE_BRANCH
                and org.management_mode == ManagementMode.SELF_MANAGED
                and works_for(org, employer)
            ):
                return Route(
                    ManagementMode.SELF_MANAGED.value,
                    org,
                    _(
                        "%(employer)s has its own mobile-member branch: the member is managed "
                        "there (self-managed)."
                    )
                    % {"employer": employer},
                )

    if employer_sector:
        for org in orgs:
            if org.management_mode == ManagementMode.SECTOR_BASED and org.sector == employer_sector:
                return Route(
                    ManagementMode.SECTOR_BASED.value,
                    org,
                    _(
                        "Members employed in the sector “%(sector)s” are managed by that "
                        "sector's organization (sector-based)."
                    )
                    % {"sector": Sector(employer_sector).label},
                )

    if residence:
        for org in orgs:
            if (
                org.sector == Sector.COMMUNITY
                and org.management_mode == ManagementMode.INTEGRATED
                and lives_in(org, residence)
            ):
                return Route(
                    ManagementMode.INTEGRATED.value,
                    org,
                    _(
                        "The member lives in the area of %(org)s: the community organization "
                        "manages them (integrated)."
                    )
                    % {"org": org.name},
                )

    stations = [org for org in orgs if mode_of(org) == ManagementMode.AFFILIATED]
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


def find_member_for_check_in(*, id_number: str, name: str) -> Member | None:
    """The member with exactly this ID-card number and name, or None.

    The inflow side finds arriving members only this way, never by browsing other counties'
    registers; a wrong name answers like an unknown number, so the lookup reveals nothing.
    """
    member = (
        Member.objects.filter(id_number=normalize_id_number(id_number), archived_at__isnull=True)
        .select_related("home_org")
        .first()
    )
    if member is None or member.name != name.strip():
        return None
    return member


def check_inflow_org(actor: User, inflow_org: Organization) -> None:
    require_change(actor, inflow_org)
    if inflow_org.kind not in BRANCH_KINDS or not inflow_org.is_active:
        raise ValidationError(
            _("Members check in with an active branch or check-in station, not a committee.")
        )


def routing_fields(
    actor: User, inflow_org: Organization, suggested_org: Organization | None, reason: str
) -> dict[str, Any]:
    """The episode's routing fields; taking the member in elsewhere than suggested needs a
    reason. The stored mode is the one the member is actually managed under (the taking
    organization's); the suggestion is kept beside it."""
    reason = reason.strip()
    if suggested_org is not None:
        require_change(actor, suggested_org)
    overridden = suggested_org is not None and suggested_org.pk != inflow_org.pk
    if overridden and not reason:
        assert suggested_org is not None
        raise ValidationError(
            {
                "routing_override_reason": _(
                    "The management mode suggests %(org)s: give the reason for choosing "
                    "another organization."
                )
                % {"org": suggested_org.name}
            }
        )
    return {
        "routing_mode": mode_of(inflow_org),
        "suggested_org": suggested_org,
        "routing_override_reason": reason if overridden else "",
    }


def found_step(id_number: str, name: str, inflow_org: Organization | None = None) -> str:
    """After a refused check-in, which deliberate next step the page offers: "found" (the
    member is in the system, away from home, with no current absence), "arrival" (no such
    member), or ""."""
    member = find_member_for_check_in(id_number=id_number, name=name)
    if member is None:
        return "arrival"
    if inflow_org is not None and member.home_org_id == inflow_org.pk:
        return ""
    away = MobilityEpisode.objects.filter(member=member, status__in=CURRENT_STATUSES).exists()
    return "" if away else "found"
