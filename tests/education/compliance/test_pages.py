"""The compliance pages: a branch's kinds with the last 12 months, the side-by-side table with
its totals, the home page's counts; their query counts, and hostile query strings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from education.builders import hold_meeting
from education.models import MeetingKind
from organizations.models import Organization, OrgKind
from tests.factories import MemberFactory, OrganizationFactory
from tests.pages import shown

pytestmark = pytest.mark.shared_world

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
AS_OF = {"as_of": "2026-03-31"}


@pytest.fixture(autouse=True)
def _set_up_long_ago(tree) -> None:
    Organization.objects.update(created_at=LONG_AGO)


def line_names(response) -> list[str]:
    return [line.get("name") or f"# {line['heading']}" for line in response.context["lines"]]


def test_the_county_table_side_by_side(tree, county, superuser, login) -> None:
    """Two townships: each branch under its township, the county's own branch under the
    county; every cell in words; totals per column."""
    hold_meeting(tree.a1, actor=superuser, kind=MeetingKind.THEME_DAY, held_on=dt.date(2026, 3, 2))
    hold_meeting(tree.b1, actor=superuser, kind=MeetingKind.THEME_DAY, held_on=dt.date(2026, 2, 2))
    response = login(county).get(reverse("education:compliance"), AS_OF)
    assert response.status_code == 200
    assert line_names(response) == [
        "# 县委", "县直机关党支部", "# 甲镇", "甲一支部", "甲二支部", "# 乙镇", "乙一支部",
    ]  # fmt: skip
    columns = {c["kind"]: c for c in response.context["columns"]}
    assert list(columns) == ["general_meeting", "lecture", "theme_day", "life_meeting", "talk"]
    assert columns["theme_day"]["totals"] == {"green": 1, "amber": 1, "red": 2}
    assert columns["theme_day"]["label"] == "主题党日"
    assert columns["theme_day"]["frequency"] == "每月"
    html = response.content.decode()
    for words in ("已开展", "待开展", "逾期未开展", "合计", "组织生活开展情况"):
        assert words in html
    a1 = next(line for line in response.context["lines"] if line.get("name") == "甲一支部")
    assert a1["url"] == reverse("education:compliance_org", args=[tree.a1.pk]) + "?as_of=2026-03-31"


def test_a_township_chosen_and_a_forged_one_ignored(tree, town, login) -> None:
    client = login(town)
    chosen = client.get(reverse("education:compliance"), {"org": tree.town_a.pk, **AS_OF})
    assert line_names(chosen) == ["# 甲镇", "甲一支部", "甲二支部"]
    # Township B is outside township A's scope: ignored, with a field error; A's table shows.
    forged = client.get(reverse("education:compliance"), {"org": tree.town_b.pk, **AS_OF})
    assert forged.status_code == 200
    assert forged.context["form"].errors["org"]
    assert line_names(forged) == ["# 甲镇", "甲一支部", "甲二支部"]


def test_a_secretary_sees_their_branch_and_its_party_groups(tree, secretary, login) -> None:
    OrganizationFactory.create(parent=tree.a1, name="第一党小组", kind=OrgKind.PARTY_GROUP)
    Organization.objects.update(created_at=LONG_AGO)
    response = login(secretary).get(reverse("education:compliance"), AS_OF)
    assert line_names(response) == ["甲一支部", "第一党小组"]
    assert [line["is_group"] for line in response.context["lines"]] == [False, True]


def test_a_branch_page(tree, secretary, superuser, login) -> None:
    """Each kind with its frequency, last held, colour, and the last 12 months' grid."""
    MemberFactory.create_batch(7, home_org=tree.a1)
    hold_meeting(tree.a1, actor=superuser, kind=MeetingKind.COMMITTEE, held_on=dt.date(2026, 2, 27))
    hold_meeting(tree.a1, actor=superuser, kind=MeetingKind.LECTURE, held_on=dt.date(2026, 1, 1))
    response = login(secretary).get(reverse("education:compliance_org", args=[tree.a1.pk]), AS_OF)
    assert response.status_code == 200
    (section,) = response.context["sections"]
    kinds = {k["kind"]: k for k in section["kinds"]}
    assert list(kinds) == [
        "general_meeting", "committee", "lecture", "theme_day", "life_meeting", "talk",
    ]  # fmt: skip
    committee = kinds["committee"]
    assert (committee["light_label"], committee["frequency"]) == ("待开展", "每月")
    assert committee["last_held"] == dt.date(2026, 2, 27)
    assert [p["short"] for p in committee["periods"]][-3:] == ["1月", "2月", "3月"]
    assert (committee["held"], committee["due"]) == (1, 11)
    assert kinds["lecture"]["light_label"] == "已开展"
    assert [p["short"] for p in kinds["lecture"]["periods"]] == ["2季度", "3季度", "4季度", "1季度"]
    html = response.content.decode()
    assert "应开展11期，已开展1期" in html
    assert "支委会" in html
    assert not response.context["no_committee"]


def test_a_small_branch_is_told_why_no_committee(tree, secretary, login) -> None:
    response = login(secretary).get(reverse("education:compliance_org", args=[tree.a1.pk]))
    assert response.context["no_committee"]
    assert "党员不足7人，不设支部委员会" in response.content.decode()


def test_a_committee_page_points_to_the_table(tree, town, login) -> None:
    response = login(town).get(reverse("education:compliance_org", args=[tree.town_a.pk]))
    assert response.status_code == 200
    assert not response.context["must_hold"]
    assert f"?org={tree.town_a.pk}" in response.content.decode()


#: Session, user, roles, the picker's options, the organizations (with "has a committee"), the
#: meetings grouped; choosing an organization adds reading it.
TABLE_QUERIES = 6


@pytest.mark.parametrize("branches", [2, 20])
def test_the_table_costs_the_same_for_2_or_20_branches(
    tree, county, superuser, login, branches, django_assert_num_queries
) -> None:
    for n in range(branches):
        branch = OrganizationFactory.create(
            parent=tree.town_b, name=f"乙镇{n:02d}支部", kind="branch"
        )
        hold_meeting(branch, actor=superuser, kind=MeetingKind.LECTURE, held_on=dt.date(2026, 1, 5))
        MemberFactory.create_batch(n % 8, home_org=branch)
    Organization.objects.update(created_at=LONG_AGO)
    client = login(county)
    with django_assert_num_queries(TABLE_QUERIES):
        response = client.get(reverse("education:compliance"), AS_OF)
    assert response.context["branch_count"] == 4 + branches
    with django_assert_num_queries(TABLE_QUERIES + 1):
        client.get(reverse("education:compliance"), {"org": tree.town_b.pk, **AS_OF})


@pytest.mark.parametrize("groups", [1, 10])
def test_the_branch_page_costs_the_same(
    tree, secretary, superuser, login, groups, django_assert_num_queries
) -> None:
    for n in range(groups):
        group = OrganizationFactory.create(parent=tree.a1, name=f"第{n}党小组", kind="party_group")
        hold_meeting(
            group, actor=superuser, kind=MeetingKind.PARTY_GROUP, held_on=dt.date(2026, 3, 5)
        )
    client = login(secretary)
    # Session, user, roles, the branch, the organizations, the meetings.
    with django_assert_num_queries(6):
        response = client.get(reverse("education:compliance_org", args=[tree.a1.pk]), AS_OF)
    assert len(response.context["sections"]) == 1 + groups


#: "2026-03-31" in full-width digits, as a Chinese input method types them.
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in "2026-03-31")
HOSTILE = [
    {"as_of": FULL_WIDTH},
    {"as_of": "2026-03-31\x00"},
    {"as_of": "0001-01-01"},
    {"as_of": "9999-12-31"},
    {"as_of": "2026-02-30"},
    {"as_of": "2026-03-31" * 50},
    {"org": "99999999999999999999999"},
    {"org": "-1"},
    {"org": chr(0xFF11)},
    {"org": "1\x00"},
    {"org": "abc", "as_of": ""},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_query_strings_are_ignored(tree, county, login, params) -> None:
    client = login(county)
    table = client.get(reverse("education:compliance"), params)
    assert table.status_code == 200
    page = client.get(reverse("education:compliance_org", args=[tree.a1.pk]), params)
    assert page.status_code == 200
    if params.get("as_of") not in (None, "", FULL_WIDTH):
        assert table.context["form"].errors["as_of"]


def test_a_future_day_is_a_field_error(tree, county, login) -> None:
    response = login(county).get(reverse("education:compliance"), {"as_of": "2099-01-01"})
    assert response.context["form"].errors["as_of"] == ["该日期晚于今天：请填写实际发生的日期。"]
    assert response.context["as_of"] < dt.date(2099, 1, 1)


def test_home_counts_overdue_and_not_yet_held(tree, secretary, superuser, login) -> None:
    """The home page counts the user's cells as of today: a branch that never met is overdue in
    every kind (it existed the whole previous period)."""
    client = login(secretary)
    counts = shown(client.get(reverse("home")), "compliance")
    assert counts == {"red": 5, "amber": 0, "green": 0}
    html = client.get(reverse("home")).content.decode()
    assert "组织生活逾期未开展" in html
    assert reverse("education:compliance") in html


def test_home_shows_nothing_where_no_branch_must_meet(tree, station, inspector, login) -> None:
    """A station holds no members here: nothing is required of it, so no panel; the county's
    inspector sees the county's counts."""
    with pytest.raises(KeyError):
        shown(login(station).get(reverse("home")), "compliance")
    assert sum(shown(login(inspector).get(reverse("home")), "compliance").values()) == 4 * 5
