"""Routing by management mode: which organization takes an arriving member."""

from __future__ import annotations

import pytest
from django.utils import translation

from members.mobility.routing import lives_in, routing_candidates, suggest_route, works_for
from organizations.models import ManagementMode, Organization, OrgKind, Sector
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.shared_world


def org(name: str, kind: str = OrgKind.BRANCH, **fields: str) -> Organization:
    """An unsaved organization: the routing rule is a pure function and needs no database."""
    return Organization(name=name, kind=kind, **fields)


COMMUNITY = org(
    "幸福社区党支部",
    sector=Sector.COMMUNITY,
    management_mode=ManagementMode.INTEGRATED,
    address="乙县城关镇幸福路8号",
)
OTHER_COMMUNITY = org(
    "和平社区党支部", sector=Sector.COMMUNITY, management_mode=ManagementMode.INTEGRATED
)
FACTORY_BRANCH = org(
    "乙县电子厂流动党员党支部",
    kind=OrgKind.MOBILE_BRANCH,
    sector=Sector.NON_PUBLIC_ENTERPRISE,
    management_mode=ManagementMode.SELF_MANAGED,
)
TRADE = org(
    "县交通运输行业党委",
    kind=OrgKind.GENERAL_BRANCH,
    sector=Sector.INDUSTRY_DEPARTMENT,
    management_mode=ManagementMode.SECTOR_BASED,
)
STATION = org("乙镇流动党员服务站", kind=OrgKind.STATION)
PLAIN = org("乙一支部")
ALL = [PLAIN, COMMUNITY, OTHER_COMMUNITY, FACTORY_BRANCH, TRADE, STATION]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_integrated_the_community_where_they_live():
    route = suggest_route(ALL, residence="乙县城关镇幸福社区5栋")
    assert route.mode == ManagementMode.INTEGRATED
    assert route.organization is COMMUNITY
    assert "幸福社区党支部" in route.explanation
    # The community's address works as well as its name.
    assert suggest_route(ALL, residence="幸福路8号").organization is COMMUNITY


def test_self_managed_the_employers_mobile_member_branch():
    route = suggest_route(
        ALL, residence="幸福社区", employer="乙县电子厂", employer_has_party_org=True
    )
    assert route.mode == ManagementMode.SELF_MANAGED
    assert route.organization is FACTORY_BRANCH
    # The company form is dropped before matching the branch's name.
    assert suggest_route(ALL, employer="乙县电子厂有限公司").organization is FACTORY_BRANCH


def test_sector_based_the_sectors_organization():
    route = suggest_route(ALL, employer="顺达物流", employer_sector=Sector.INDUSTRY_DEPARTMENT)
    assert route.mode == ManagementMode.SECTOR_BASED
    assert route.organization is TRADE


def test_affiliated_the_station_when_nothing_else_fits():
    route = suggest_route(ALL, residence="外县某村", employer="小饭馆")
    assert route.mode == ManagementMode.AFFILIATED
    assert route.organization is STATION
    assert "has no party organization" in route.explanation
    route = suggest_route(ALL)
    assert route.organization is STATION
    assert "No community, employer or sector organization fits" in route.explanation


def test_the_station_where_they_live_among_several():
    second = org("甲镇流动党员服务站", kind=OrgKind.STATION, address="甲镇人民路1号")
    assert suggest_route([STATION, second], residence="甲镇人民路1号").organization is second
    assert suggest_route([STATION, second], residence="别处").organization is STATION


def test_nothing_fits_no_suggestion():
    route = suggest_route([PLAIN, OTHER_COMMUNITY], residence="幸福社区", employer="乙县电子厂")
    assert route.mode == ""
    assert route.organization is None
    assert "choose the organization" in route.explanation


def test_only_the_right_mode_counts():
    # A community organization that is not integrated, or a mobile branch that is not
    # self-managed, is not suggested for that mode.
    community = org("幸福社区党支部", sector=Sector.COMMUNITY)
    branch = org("乙县电子厂流动党员党支部", kind=OrgKind.MOBILE_BRANCH)
    route = suggest_route([community, branch], residence="幸福社区", employer="乙县电子厂")
    assert route.organization is None
    # A sector-based organization of another sector is not suggested.
    assert suggest_route([TRADE], employer_sector=Sector.PARK).organization is None


def test_matching_words():
    assert lives_in(COMMUNITY, "城关镇幸福社区")
    assert not lives_in(COMMUNITY, "和平社区")
    assert not lives_in(COMMUNITY, "幸")  # too short to mean anything
    assert works_for(FACTORY_BRANCH, "乙县电子厂")
    assert not works_for(FACTORY_BRANCH, "甲县电子厂")
    assert STATION.taking_mode == ManagementMode.AFFILIATED
    assert PLAIN.taking_mode == ""
    assert COMMUNITY.taking_mode == ManagementMode.INTEGRATED


@pytest.mark.django_db
def test_candidates_are_the_active_branches_in_change_scope(tree, town, station, inspector):
    community = OrganizationFactory.create(
        parent=tree.town_a,
        name="幸福社区党支部",
        kind=OrgKind.BRANCH,
        sector=Sector.COMMUNITY,
        management_mode=ManagementMode.INTEGRATED,
    )
    closed = OrganizationFactory.create(
        parent=tree.town_a, name="旧站", kind=OrgKind.STATION, is_active=False
    )
    orgs = list(Organization.objects.check_in_points(town))
    assert orgs == [tree.a1, tree.a2, community]
    assert closed not in orgs
    # Plain branches without a management mode are never suggested.
    assert routing_candidates(Organization.objects.check_in_points(town)) == [community]
    assert routing_candidates(Organization.objects.check_in_points(station)) == [tree.bs]
    # Read-only inspectors check nobody in.
    assert not Organization.objects.check_in_points(inspector).exists()
