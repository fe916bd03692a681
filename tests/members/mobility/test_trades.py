"""Trades (行业) for sector-based management (归口管理): a list kept as data, organizations that
serve trades, absences that record the member's trade, and check-in routing by it (the 2019
regulations on the education and management of members, and the organization department's
guidance on management modes: mobile members are managed by trade; issue 9, item 11)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from members.builders import away
from members.models import MobilityEpisode
from organizations.models import ManagementMode, Organization, OrgKind, Sector, Trade
from organizations.trades import STARTING_TRADES
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

OUTFLOW_POST = {
    "out_date": "2026-03-01",
    "destination_province": "浙江省",
    "destination_county": "乙县",
    "occupation": "migrant",
    "reason": "送快递",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def login(login, settings):
    def _login(user):
        client = login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _login


def trade(code: str, name: str) -> Trade:
    """A trade of the list (the migration seeds it; a flushed test database may lack it)."""
    found, _ = Trade.objects.get_or_create(code=code, defaults={"name": name})
    return found


@pytest.fixture
def courier() -> Trade:
    return trade("courier", "快递")


@pytest.fixture
def couriers_org(tree, courier) -> Organization:
    """In 甲镇 (the `town` login's scope): the couriers' association's branch, serving the
    courier trade."""
    return OrganizationFactory.create(
        parent=tree.town_a,
        name="甲镇快递行业党支部",
        kind=OrgKind.BRANCH,
        sector=Sector.SOCIAL_ORGANIZATION,
        management_mode=ManagementMode.SECTOR_BASED,
        trades=[courier],
    )


@pytest.fixture
def industry_org(tree) -> Organization:
    """In 甲镇: a trade department's branch matched only by the employer's sector text."""
    return OrganizationFactory.create(
        parent=tree.town_a,
        name="甲镇工业办党支部",
        kind=OrgKind.BRANCH,
        sector=Sector.INDUSTRY_DEPARTMENT,
        management_mode=ManagementMode.SECTOR_BASED,
    )


def test_the_migration_seeds_the_trades():
    """Issue 9, item 11: the trades are data seeded by a migration, among them transport,
    construction, couriers, food delivery, domestic service and manufacturing."""
    Trade.objects.filter(code="courier").delete()
    migration = importlib.import_module("organizations.migrations.0003_trades")
    migration.seed(apps, SimpleNamespace(connection=connection))
    codes = set(Trade.objects.values_list("code", flat=True))
    assert {code for code, _ in STARTING_TRADES} <= codes
    assert {
        "transport",
        "construction",
        "courier",
        "food_delivery",
        "domestic_service",
        "manufacturing",
    } <= codes


def test_superusers_edit_the_trades_in_the_admin(superuser, secretary, login):
    """Issue 9, item 11: the list is edited in the admin, by superusers only."""
    model_admin = admin.site._registry[Trade]
    request = RequestFactory().get("/")
    request.user = secretary
    assert not model_admin.has_module_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    response = login(superuser).post(
        reverse("admin:organizations_trade_add"),
        {"code": "sanitation", "name": "环卫", "order": "200", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Trade.objects.get(code="sanitation").name == "环卫"


def test_an_organization_serves_trades_set_on_its_form(tree, town, courier, login):
    """Issue 9, item 11: an organization may serve one or more trades, set by the officers who
    manage it, shown on its page; a retired trade is not offered."""
    food = trade("food_delivery", "外卖配送")
    retired = trade("pager", "寻呼")
    Trade.objects.filter(pk=retired.pk).update(is_active=False)
    client = login(town)
    url = reverse("organizations:edit", args=[tree.a1.pk])
    offered = list(client.get(url).context["form"].fields["trades"].queryset)
    assert courier in offered
    assert retired not in offered
    response = client.post(
        url,
        {
            "name": tree.a1.name,
            "sector": Sector.SOCIAL_ORGANIZATION,
            "management_mode": ManagementMode.SECTOR_BASED,
            "county_code": tree.a1.county_code,
            "trades": [courier.pk, food.pk],
        },
    )
    assert response.status_code == 302
    assert set(tree.a1.trades.all()) == {courier, food}
    page = client.get(reverse("organizations:detail", args=[tree.a1.pk])).content.decode()
    assert "快递" in page
    assert "外卖配送" in page


def test_the_outflow_form_records_the_trade(members, secretary, courier, login):
    """Issue 9, item 11: the absence records the member's trade, chosen on the outflow form,
    and the member's page shows it."""
    member = members["a1"]
    client = login(secretary)
    response = client.post(
        reverse("members:outflow", args=[member.pk]),
        {**OUTFLOW_POST, "trade": courier.pk},
    )
    assert response.status_code == 302
    assert MobilityEpisode.objects.get(member=member).trade == courier
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert '<dd class="episode-trade">快递</dd>' in page


def test_check_in_suggests_the_organization_serving_the_trade(
    tree, members, secretary2, town, courier, couriers_org, industry_org, login
):
    """Issue 9, item 11 (归口管理 by trade): the organization serving the member's trade where
    they arrive is suggested before the sector text match, and the check-in records the trade
    the outflow left empty."""
    member = members["b1"]
    away(member, actor=secretary2)
    client = login(town)
    typed = {
        "id_number": member.id_number,
        "name": member.name,
        "checked_in_on": "2026-11-20",
        "employer": "顺丰速运",
        "employer_sector": Sector.INDUSTRY_DEPARTMENT,
        "trade": courier.pk,
    }
    response = client.post(reverse("members:check_in"), {**typed, "step": "suggest"})
    route = response.context["form"].route
    assert route.organization == couriers_org
    assert route.mode == ManagementMode.SECTOR_BASED
    assert "快递" in route.explanation
    # Without the trade, the sector text still decides.
    response = client.post(reverse("members:check_in"), {**typed, "trade": "", "step": "suggest"})
    assert response.context["form"].route.organization == industry_org

    response = client.post(
        reverse("members:check_in"), {**typed, "inflow_org": couriers_org.pk, "step": "check_in"}
    )
    assert response.status_code == 302
    episode = MobilityEpisode.objects.get(member=member)
    assert episode.inflow_org == couriers_org
    assert episode.suggested_org == couriers_org
    assert episode.trade == courier


def test_check_in_keeps_the_trade_the_outflow_recorded(
    members, secretary2, town, courier, couriers_org, login
):
    """Issue 9, item 11: what the home branch recorded stays; the inflow side fills only a gap."""
    member = members["b1"]
    construction = trade("construction", "建筑")
    away(member, actor=secretary2, trade=construction)
    response = login(town).post(
        reverse("members:check_in"),
        {
            "id_number": member.id_number,
            "name": member.name,
            "checked_in_on": "2026-11-20",
            "trade": courier.pk,
            "inflow_org": couriers_org.pk,
        },
    )
    assert response.status_code == 302
    assert MobilityEpisode.objects.get(member=member).trade == construction


def test_the_found_member_form_records_the_trade(
    members, town, courier, couriers_org, industry_org, login
):
    """Issue 9, item 11: the found-member form chooses the trade; routing follows it."""
    member = members["b1"]
    post = {
        "id_number": member.id_number,
        "name": member.name,
        "arrived_on": "2026-11-20",
        "destination_province": "浙江省",
        "destination_county": "甲县",
        "occupation": "migrant",
        "employer_sector": Sector.INDUSTRY_DEPARTMENT,
        "trade": courier.pk,
    }
    client = login(town)
    response = client.post(reverse("members:found_member"), {**post, "step": "suggest"})
    assert response.context["form"].route.organization == couriers_org
    response = client.post(
        reverse("members:found_member"),
        {**post, "inflow_org": couriers_org.pk, "step": "register"},
    )
    assert response.status_code == 302
    episode = MobilityEpisode.objects.get(member=member)
    assert episode.trade == courier
    assert episode.routing_mode == ManagementMode.SECTOR_BASED


def test_a_forged_trade_is_a_field_error(members, secretary, login):
    """Issue 9, item 11: a trade id that names no trade on offer is a field error, never a 500."""
    member = members["a1"]
    response = login(secretary).post(
        reverse("members:outflow", args=[member.pk]),
        {**OUTFLOW_POST, "trade": "999999"},
    )
    assert response.status_code == 200
    assert "trade" in response.context["form"].errors
    assert not MobilityEpisode.objects.filter(member=member).exists()
