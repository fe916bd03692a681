"""The dues rates pages (issue 11, item 1): the rates in force for a county (its own schedule,
else the 2008 rules, 《关于中国共产党党费收缴、使用和管理的规定》) and the history of schedules;
a county officer sets the county's new schedule from a month on."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from members.dues.actions import BandInput, do_set_rates, this_month
from members.models import DuesCategory, DuesRate
from members.models.dues import add_months
from organizations.models import OrgKind
from tests.factories import OrganizationFactory
from tests.permissions import LOGIN, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

RATES = reverse("members:dues_rates")
NEW = reverse("members:dues_rates_new")
S = DuesCategory.SALARIED


def schedule() -> list[BandInput]:
    """Salaried 1 % up to 4,000 yuan and 2 % above; the rest as the 2008 rules."""
    return [
        BandInput(S, Decimal(0), Decimal(4000), percent=Decimal("1")),
        BandInput(S, Decimal(4000), None, percent=Decimal("2")),
        BandInput(DuesCategory.RETIRED, Decimal(0), Decimal(5000), percent=Decimal("0.5")),
        BandInput(DuesCategory.RETIRED, Decimal(5000), None, percent=Decimal("1")),
        BandInput(DuesCategory.FARMER, amount_min=Decimal("0.20"), amount_max=Decimal("1.00")),
        *(
            BandInput(category, amount_min=Decimal("0.20"), amount_max=Decimal("0.20"))
            for category in (
                DuesCategory.STUDENT,
                DuesCategory.UNEMPLOYED,
                DuesCategory.MINIMUM_LIVING,
            )
        ),
    ]


def form_data(month, bands) -> dict:
    data = {
        "effective_from": month.strftime("%Y-%m"),
        "band-TOTAL_FORMS": str(len(bands)),
        "band-INITIAL_FORMS": "0",
        "band-MIN_NUM_FORMS": "0",
        "band-MAX_NUM_FORMS": "60",
    }
    for i, band in enumerate(bands):
        for name in (
            "category",
            "income_over",
            "income_up_to",
            "percent",
            "amount_min",
            "amount_max",
        ):
            value = getattr(band, name)
            data[f"band-{i}-{name}"] = "" if value is None else str(value)
    return data


def test_the_2008_rules_are_in_force_without_a_countys_own(tree, secretary, login) -> None:
    response = login(secretary).get(RATES)
    assert response.status_code == 200
    assert response.context["county"] == tree.county
    in_force = response.context["in_force"]
    assert not in_force["own"]
    assert len(in_force["bands"]) == 10
    html = response.content.decode()
    assert "《关于中国共产党党费收缴、使用和管理的规定》" in html
    assert "3000.00元以下（含）: 0.5%" in html
    assert "10000.00元以上: 2%" in html
    assert not response.context["can_set"]
    assert "rates-new" not in html


def test_a_countys_schedule_in_force_and_upcoming(tree, county, secretary, login) -> None:
    do_set_rates(county=tree.county, effective_from=this_month(), bands=schedule(), actor=county)
    later = add_months(this_month(), 2)
    upcoming = schedule()
    upcoming[0] = BandInput(S, Decimal(0), Decimal(4000), percent=Decimal("0.8"))
    do_set_rates(county=tree.county, effective_from=later, bands=upcoming, actor=county)
    response = login(secretary).get(RATES)
    in_force = response.context["in_force"]
    assert in_force["own"]
    assert in_force["effective_from"] == this_month()
    history = response.context["history"]
    assert [(s["effective_from"], s["own"], s["upcoming"]) for s in history] == [
        (later, True, True),
        (this_month(), True, False),
        (history[-1]["effective_from"], False, False),
    ]
    html = response.content.decode()
    assert "4000.00元以下（含）: 1%" in html
    assert "待执行" in html
    assert "执行中" in html


def test_a_second_county_keeps_the_2008_rules(tree, county, superuser, login) -> None:
    other = OrganizationFactory.create(name="丙县委", kind=OrgKind.COUNTY_COMMITTEE)
    do_set_rates(county=tree.county, effective_from=this_month(), bands=schedule(), actor=county)
    response = login(superuser).get(f"{RATES}?county={other.pk}")
    assert response.status_code == 200
    assert not response.context["in_force"]["own"]
    assert all(not s["own"] for s in response.context["history"])


def test_the_county_officer_sets_new_rates_from_the_bands_in_force(
    tree, county, secretary, login
) -> None:
    client = login(county)
    page = client.get(RATES)
    assert page.context["can_set"]
    form = client.get(f"{NEW}?county={tree.county.pk}")
    assert form.status_code == 200
    initial = [f.initial for f in form.context["bands"].forms if f.initial]
    assert len(initial) == 10
    assert initial[0]["category"] == S
    assert initial[0]["percent"] == Decimal("0.500")
    month = add_months(this_month(), 1)
    response = client.post(f"{NEW}?county={tree.county.pk}", form_data(month, schedule()))
    assert response.status_code == 302
    assert response["Location"] == f"{RATES}?county={tree.county.pk}"
    assert DuesRate.objects.filter(county=tree.county, effective_from=month).count() == 8


def test_refusals_on_the_form(tree, county, login) -> None:
    client = login(county)
    past = add_months(this_month(), -1)
    response = client.post(f"{NEW}?county={tree.county.pk}", form_data(past, schedule()))
    assert response.status_code == 200
    assert response.context["form"].errors["effective_from"] == [
        "新的比例从本月或以后开始执行：以往月份保持原比例。"
    ]
    gap = schedule()
    gap[1] = BandInput(S, Decimal(4500), None, percent=Decimal("2"))
    response = client.post(f"{NEW}?county={tree.county.pk}", form_data(this_month(), gap))
    assert response.status_code == 200
    assert "每一档须从上一档的上限开始" in response.content.decode()
    both = schedule()
    both[4] = BandInput(
        DuesCategory.FARMER,
        percent=Decimal("1"),
        amount_min=Decimal("0.2"),
        amount_max=Decimal("1"),
    )
    response = client.post(f"{NEW}?county={tree.county.pk}", form_data(this_month(), both))
    assert response.status_code == 200
    assert "每一档只能填写交纳比例或固定金额范围之一。" in response.content.decode()
    assert not DuesRate.objects.filter(county=tree.county).exists()


def test_a_blank_row_is_no_band(tree, county, login) -> None:
    data = form_data(this_month(), schedule())
    data["band-TOTAL_FORMS"] = str(len(schedule()) + 1)
    response = login(county).post(f"{NEW}?county={tree.county.pk}", data)
    assert response.status_code == 302
    assert DuesRate.objects.filter(county=tree.county).count() == 8


def test_access(tree, secretary, town, inspector, county, login) -> None:
    assert_access(login(None), RATES, LOGIN)
    assert_access(login(None), NEW, LOGIN)
    for user in (secretary, town, inspector):
        assert_access(login(user), RATES, 200)
        assert_access(login(user), NEW, 403)
        assert_access(
            login(user),
            f"{NEW}?county={tree.county.pk}",
            403,
            method="post",
            data=form_data(this_month(), schedule()),
        )
    assert not DuesRate.objects.filter(county=tree.county).exists()
    other = OrganizationFactory.create(name="丙县委", kind=OrgKind.COUNTY_COMMITTEE)
    assert_access(login(county), f"{RATES}?county={other.pk}", 404)
    assert_access(login(county), f"{NEW}?county={other.pk}", 404)
    assert_access(login(county), f"{RATES}?county={tree.town_a.pk}", 404)


@pytest.mark.parametrize("query", ["abc", "%00", "-1", "", "99999999999999999999", "²"])
def test_hostile_county_is_404(secretary, login, query) -> None:
    assert login(secretary).get(f"{RATES}?county={query}").status_code == 404


#: The rates page: session, user, roles; the user's county; every schedule's bands.
RATES_QUERIES = 5


@pytest.mark.parametrize("schedules", [0, 2])
def test_rates_page_queries(tree, county, secretary, login, django_assert_num_queries, schedules):
    for offset in range(schedules):
        do_set_rates(
            county=tree.county,
            effective_from=add_months(this_month(), offset),
            bands=schedule(),
            actor=county,
        )
    client = login(secretary)
    with django_assert_num_queries(RATES_QUERIES):
        response = client.get(RATES)
    assert len(response.context["history"]) == schedules + 1
