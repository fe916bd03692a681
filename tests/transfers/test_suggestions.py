"""Transfer suggestions: who should have their relationship transferred, and why."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.months import months_before
from members.models import EpisodeStatus, Member, MobilityEpisode
from organizations.models import Organization
from tests.factories import OrganizationFactory, archive
from transfers.actions import do_start_transfer, do_withdraw_transfer
from transfers.suggestions import (
    SuggestionReason,
    away_cutoff,
    suggestion_for,
    transfer_suggestions,
)

pytestmark = pytest.mark.shared_world

R = SuggestionReason
#: The last day of August: six months earlier has no 31st (→ 28 February 2026).
TODAY = dt.date(2026, 8, 31)
CUTOFF = dt.date(2026, 2, 28)
RECENT = dt.date(2026, 7, 1)


def away(member: Member, out_date: dt.date = CUTOFF, **fields: Any) -> MobilityEpisode:
    """A current absence in 广东省深圳市宝安区 (test data, written directly)."""
    values: dict[str, Any] = {
        "status": EpisodeStatus.REGISTERED,
        "destination_province": "广东省",
        "destination_city": "深圳市",
        "destination_county": "宝安区",
        "occupation": "migrant",
        "reason": "务工",
        "employer": "深圳某科技有限公司",
        "employer_has_party_org": True,
        **fields,
    }
    return MobilityEpisode.objects.create(
        member=member, home_org=member.home_org, out_date=out_date, **values
    )


def registered_in(member: Member, place: str) -> None:
    Member.objects.filter(pk=member.pk).update(household_registration=place)


def suggested(queryset: Any = None, today: dt.date = TODAY) -> dict[str, str]:
    """Suggested members by name → reason."""
    found = transfer_suggestions(queryset or Member.objects.all(), today)
    return {m.name: vars(m)["suggestion_reason"] for m in found}


def test_six_months_back_is_the_same_day_or_the_end_of_a_shorter_month():
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2024, 8, 31), 6) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 3, 15), 6) == dt.date(2025, 9, 15)
    assert months_before(dt.date(2026, 6, 30), 6) == dt.date(2025, 12, 30)
    assert months_before(dt.date(2026, 1, 31), 13) == dt.date(2024, 12, 31)
    assert away_cutoff(TODAY) == CUTOFF


# --- away six months at an employer with a party organization -------------------------------


@pytest.mark.django_db
def test_away_exactly_six_months_is_suggested_one_day_short_is_not(members):
    away(members["a1"], CUTOFF)
    away(members["b1"], CUTOFF + dt.timedelta(days=1))
    assert suggested() == {members["a1"].name: R.FIXED_EMPLOYER}
    # The next day, b1's six months are complete too.
    assert suggested(today=TODAY + dt.timedelta(days=1)) == {
        members["a1"].name: R.FIXED_EMPLOYER,
        members["b1"].name: R.FIXED_EMPLOYER,
    }


@pytest.mark.django_db
def test_six_months_at_a_fixed_place_is_due_with_or_without_a_party_organization(members):
    """Issue 9, item 8 (article 25 of the 2019 education-management regulations): away six
    months or more at a relatively fixed place, a transfer is due whether or not the employer
    has a party organization. Nothing known of the place there (no employer, no address, no
    check-in) is not a fixed place."""
    away(members["a1"], employer="")
    away(members["a2"], employer_has_party_org=False)
    away(members["b1"], dt.date(2020, 1, 1))
    away(members["county_branch"], employer="", destination_address="新安街道幸福社区8栋")
    assert suggested() == {
        members["a2"].name: R.FIXED_PLACE,
        members["b1"].name: R.FIXED_EMPLOYER,
        members["county_branch"].name: R.FIXED_PLACE,
    }


@pytest.mark.django_db
def test_only_the_current_open_absence_counts(tree, members):
    away(members["a1"], status=EpisodeStatus.CHECKED_IN, inflow_org=tree.bs, checked_in_on=CUTOFF)
    away(members["a2"], status=EpisodeStatus.LOST, lost_since=RECENT)
    away(members["b1"], status=EpisodeStatus.RETURNED, ended_on=RECENT)
    away(members["county_branch"], status=EpisodeStatus.TRANSFERRED, ended_on=RECENT)
    assert suggested() == {members["a1"].name: R.FIXED_EMPLOYER}


def org_named(queryset: Any = None) -> dict[str, str | None]:
    """Suggested members by name → the place's organization the suggestion names."""
    found = transfer_suggestions(queryset or Member.objects.all(), TODAY)
    return {m.name: vars(m)["suggested_org_name"] for m in found}


@pytest.mark.django_db
def test_without_a_party_organization_the_place_s_organization_is_named(tree, members):
    """Issue 9, item 8 (article 25): without a party organization at the employer, the
    suggestion names the place's community, park or talent-centre organization: the one the
    member checked in with, or one in the destination county whose place the address names; a
    same-named community elsewhere, a branch of another sector or nothing known names none."""
    community = OrganizationFactory.create(
        parent=tree.town_b, name="幸福社区党支部", kind="branch", sector="community",
        address="广东省深圳市宝安区新安街道幸福社区居委会",
    )  # fmt: skip
    OrganizationFactory.create(
        parent=tree.town_a, name="西乡社区党支部", kind="branch", sector="community",
        address="浙江省杭州市西湖区西乡社区",  # the same place name, another county
    )  # fmt: skip
    park = OrganizationFactory.create(
        parent=tree.town_b, name="宝安科技园党委支部", kind="branch", sector="park",
        address="广东省深圳市宝安区科技园",
    )  # fmt: skip
    no_org: dict[str, Any] = {"employer_has_party_org": False}
    away(members["a1"], destination_address="新安街道幸福社区8栋301", **no_org)
    away(members["a2"], destination_address="西乡社区12号", **no_org)
    away(members["b1"], status=EpisodeStatus.CHECKED_IN, inflow_org=park, checked_in_on=CUTOFF,
         **no_org)  # fmt: skip
    away(members["county_branch"], **no_org)
    assert org_named() == {
        members["a1"].name: community.name,
        members["a2"].name: None,
        members["b1"].name: park.name,
        members["county_branch"].name: None,
    }


@pytest.mark.django_db
def test_a_station_or_an_employer_s_own_organization_is_not_named(tree, members, settings):
    """Issue 9, items 8 and 10: a station the member checked in with holds no relationships, so
    it is not named; an employer with a party organization is the place to go (none named)."""
    station = OrganizationFactory.create(
        parent=tree.town_b, name="宝安社区流动党员服务站", kind="station", sector="community",
        address="广东省深圳市宝安区",
    )  # fmt: skip
    away(members["a1"], status=EpisodeStatus.CHECKED_IN, inflow_org=station, checked_in_on=CUTOFF,
         employer_has_party_org=False)  # fmt: skip
    away(members["a2"])
    assert org_named() == {members["a1"].name: None, members["a2"].name: None}
    settings.STATIONS_HOLD_MEMBERS = True
    assert org_named()[members["a1"].name] == station.name


# --- settled elsewhere with the household registration moved ---------------------------------


@pytest.mark.django_db
def test_a_household_registration_moved_to_the_destination_is_suggested(members):
    for name, place in (
        ("a1", "广东省深圳市宝安区新安街道"),  # the full address
        ("a2", "广东宝安区西乡街道"),  # the province without 省, no city
        ("b1", "深圳市宝安区"),  # the city and the district
    ):
        registered_in(members[name], place)
        away(members[name], RECENT, employer="")
    assert suggested() == {members[n].name: R.HOUSEHOLD_MOVED for n in ("a1", "a2", "b1")}


@pytest.mark.django_db
def test_a_district_of_the_same_name_elsewhere_or_the_home_registration_is_not(members):
    registered_in(members["a1"], "江苏省南京市鼓楼区")  # another 鼓楼区 than Fuzhou's
    away(members["a1"], RECENT, destination_province="福建省", destination_city="福州市",
         destination_county="鼓楼区")  # fmt: skip
    registered_in(members["a2"], "浙江省杭州市西湖区")  # still registered at home
    away(members["a2"], RECENT)
    away(members["b1"], RECENT)  # no registration recorded
    registered_in(members["county_branch"], "宝安区")  # the district alone says too little
    away(members["county_branch"], RECENT)
    assert suggested() == {}


@pytest.mark.django_db
def test_a_registration_in_the_home_county_is_not_a_move(tree, members):
    """Article 25 urges a transfer when the household registration moved to the destination:
    a member away within the home county (the county committee above the home branch is
    中共宝安区委, the destination 宝安区) is registered there without having moved. The nightly
    rule `transfer_due` reads it the same way (tests/oversight/rules/test_transfers.py)."""
    Organization.objects.filter(pk=tree.county.pk).update(name="中共宝安区委")
    registered_in(members["a1"], "广东省深圳市宝安区新安街道")
    away(members["a1"], RECENT, employer="")
    assert suggested() == {}
    Organization.objects.filter(pk=tree.county.pk).update(name="中共白水县委")
    assert suggested() == {members["a1"].name: R.HOUSEHOLD_MOVED}


@pytest.mark.django_db
def test_both_rules_name_the_employer(members):
    registered_in(members["a1"], "广东省深圳市宝安区")
    away(members["a1"], CUTOFF)
    assert suggested() == {members["a1"].name: R.FIXED_EMPLOYER}


# --- exclusions and scope ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_open_transfer_or_an_archived_member_is_not_suggested(tree, members, secretary):
    for name in ("a1", "a2", "b1"):
        away(members[name], CUTOFF)
    transfer = do_start_transfer(
        actor=secretary,
        member=members["a1"],
        to_org=tree.b1,
        reason="在深圳就业",
        dues_paid_until=TODAY.replace(day=1),
    )
    archive(members["a2"])
    assert suggested() == {members["b1"].name: R.FIXED_EMPLOYER}
    # A withdrawn transfer is no longer open: the suggestion comes back.
    do_withdraw_transfer(actor=secretary, transfer=transfer, reason="本人暂不转")
    assert set(suggested()) == {members["a1"].name, members["b1"].name}


@pytest.mark.django_db
def test_suggestions_compose_with_a_scope(members, secretary, secretary2, town):
    for name in ("a1", "a2", "b1"):
        away(members[name], CUTOFF)
    assert set(suggested(Member.objects.visible_to(secretary))) == {members["a1"].name}
    assert set(suggested(Member.objects.visible_to(secretary2))) == {members["b1"].name}
    assert set(suggested(Member.objects.visible_to(town, "change"))) == {
        members["a1"].name,
        members["a2"].name,
    }


@pytest.mark.django_db
def test_the_list_is_one_query_with_what_it_shows(members, secretary, django_assert_num_queries):
    episode = away(members["a1"], CUTOFF)
    away(members["a2"], CUTOFF)
    queryset = transfer_suggestions(Member.objects.visible_to(secretary).for_list(), TODAY)
    with django_assert_num_queries(1):
        rows = list(queryset.order_by("name_pinyin", "pk"))
        assert [m.home_org.name for m in rows] == [members["a1"].home_org.name]
    (row,) = rows
    annotations = vars(row)
    assert annotations["suggestion_reason"] == R.FIXED_EMPLOYER
    assert annotations["suggestion_episode_id"] == episode.pk
    assert annotations["away_since"] == CUTOFF
    assert annotations["suggested_employer"] == "深圳某科技有限公司"
    assert annotations["suggested_destination_county"] == "宝安区"


@pytest.mark.django_db
def test_suggestion_for_one_member(members, django_assert_num_queries):
    away(members["a1"], CUTOFF)
    registered_in(members["a2"], "广东省深圳市宝安区")
    away(members["a2"], RECENT)
    with django_assert_num_queries(1):
        assert suggestion_for(members["a1"], TODAY) == R.FIXED_EMPLOYER
    assert suggestion_for(members["a2"], TODAY) == R.HOUSEHOLD_MOVED
    assert suggestion_for(members["b1"], TODAY) is None
    assert suggestion_for(members["a1"], CUTOFF) is None
    # Issue 9, item 8: without a party organization at the employer, still due.
    away(members["b1"], CUTOFF, employer_has_party_org=False)
    assert suggestion_for(members["b1"], TODAY) == R.FIXED_PLACE
