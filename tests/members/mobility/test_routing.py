"""Routing by management mode: which organization takes an arriving member."""

from __future__ import annotations

import pytest
from django.utils import translation

from members.mobility.routing import (
    SERVED_TRADES,
    lives_in,
    routing_candidates,
    serves,
    suggest_route,
    works_for,
)
from organizations.models import ManagementMode, Organization, OrgKind, Sector, Trade
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


# Sector-based management by trade (归口管理): the 2019 regulations on the education and
# management of members and the organization department's guidance on management modes have
# mobile members managed by the organization of their trade (issue 9, item 11).
COURIER = Trade(pk=1, code="courier", name="快递")
CONSTRUCTION = Trade(pk=2, code="construction", name="建筑")


def serving(name: str, *trades: Trade, mode: str = ManagementMode.SECTOR_BASED) -> Organization:
    """An unsaved organization serving `trades`, as `routing_candidates` reads it."""
    found = org(name, sector=Sector.SOCIAL_ORGANIZATION, management_mode=mode)
    setattr(found, SERVED_TRADES, [trade.pk for trade in trades])
    return found


COURIERS = serving("县快递行业党委", COURIER)


def test_sector_based_by_trade_before_the_sector_text():
    """Issue 9, item 11 (2019 regulations; 归口管理 by trade): the organization serving the
    member's trade is suggested before the organization matched by the employer's sector."""
    route = suggest_route(
        [*ALL, COURIERS],
        employer="顺达物流",
        employer_sector=Sector.INDUSTRY_DEPARTMENT,
        trade=COURIER,
    )
    assert route.mode == ManagementMode.SECTOR_BASED
    assert route.organization is COURIERS
    assert "快递" in route.explanation
    assert "县快递行业党委" in route.explanation


def test_a_trade_nobody_serves_falls_back_to_the_sector_text():
    """Issue 9, item 11 (归口管理 by trade): no organization serves the trade → today's sector
    match decides; with no sector either, the station takes the member."""
    route = suggest_route(
        [*ALL, COURIERS], employer_sector=Sector.INDUSTRY_DEPARTMENT, trade=CONSTRUCTION
    )
    assert route.organization is TRADE
    assert suggest_route([*ALL, COURIERS], trade=CONSTRUCTION).organization is STATION


def test_the_trade_rule_keeps_its_place_among_the_modes():
    """Issue 9, item 11 (归口管理 by trade): the employer's own mobile-member branch still comes
    first (self-managed); the trade comes before the community where the member lives; an
    organization serving the trade under another mode is not suggested for it."""
    assert (
        suggest_route([*ALL, COURIERS], employer="乙县电子厂", trade=COURIER).organization
        is FACTORY_BRANCH
    )
    assert (
        suggest_route([*ALL, COURIERS], residence="幸福社区", trade=COURIER).organization
        is COURIERS
    )
    integrated = serving("幸福社区快递党支部", COURIER, mode=ManagementMode.INTEGRATED)
    assert suggest_route([integrated], trade=COURIER).organization is None
    assert not serves(org("未读行业的组织"), COURIER)


@pytest.mark.django_db
def test_candidates_carry_the_trades_they_serve_in_one_query(tree, town, django_assert_num_queries):
    """Issue 9, item 11: the trades each candidate serves are read with it (one query)."""
    courier, _ = Trade.objects.get_or_create(code="courier", defaults={"name": "快递"})
    couriers = OrganizationFactory.create(
        parent=tree.town_a,
        name="甲镇快递行业党支部",
        kind=OrgKind.BRANCH,
        management_mode=ManagementMode.SECTOR_BASED,
        trades=[courier],
    )
    points = Organization.objects.check_in_points(town)  # the user's scope is read here
    with django_assert_num_queries(1):
        candidates = routing_candidates(points)
    assert candidates == [couriers]
    assert serves(candidates[0], courier)
    assert suggest_route(candidates, trade=courier).organization == couriers
