"""The member page's organizational-life section and the member's timeline page (issue 10,
item 3): both sides see the rows wherever they were recorded, the section turns amber and red
as the months pass (the six months of the party constitution, article 38), and neither page
costs more queries with more rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.months import months_before
from education.builders import hold_meeting
from education.models import MeetingKind
from members.builders import away, check_in
from tests.members.mobility.test_mobility_views import DETAIL_QUERIES
from tests.permissions import LOGIN, assert_access

pytestmark = pytest.mark.shared_world

TODAY = timezone.localdate()

#: Session, user, roles, the organizations in view scope and the members shared with them, the
#: member with its branch, the timeline's page (with meetings, organizations and whether the
#: member checked in there), the counts by year and kind with the last participation.
TIMELINE_QUERIES = {"secretary": 8, "town": 8, "station": 8}


def ago(months: int, days: int = 0) -> dt.date:
    return months_before(TODAY, months) - dt.timedelta(days=days)


def detail(member) -> str:
    return reverse("members:detail", args=[member.pk])


def life(member) -> str:
    return reverse("education:member_life", args=[member.pk])


@pytest.fixture
def checked_in_a1(tree, members, secretary, station):
    """a1 away and checked in at the station, which records them at its meetings."""
    member = members["a1"]
    away(member, actor=secretary, out_date=ago(4))
    check_in(member, actor=station, at=tree.bs, on=ago(4, -3))
    return member


def test_the_section_shows_the_last_participation_and_the_inflow_badge(
    tree, checked_in_a1, secretary, station, login
):
    member = checked_in_a1
    hold_meeting(
        tree.a1, actor=secretary, kind=MeetingKind.GENERAL_MEETING, held_on=ago(5), leave=[member]
    )
    hold_meeting(tree.bs, actor=station, held_on=ago(2), topic="流入地主题党日", present=[member])
    page = login(secretary).get(detail(member)).content.decode()
    assert "组织生活" in page
    assert ago(2).isoformat() in page
    assert "流入地主题党日" in page
    assert "在流入地" in page  # the station's row, seen at home
    assert "外出务工" in page  # the leave shows with its reason
    assert "text-bg-danger" not in page
    assert reverse("education:member_life", args=[member.pk]) in page
    # The station sees the same rows.
    assert "流入地主题党日" in login(station).get(life(member)).content.decode()


def test_the_section_turns_amber_then_red(tree, members, secretary, login, settings):
    """Amber from LIFE_WARNING_MONTHS (3), red from LIFE_ALERT_MONTHS (6: article 38)."""
    member = members["a1"]
    client = login(secretary)
    hold_meeting(tree.a1, actor=secretary, held_on=ago(4), present=[member])
    page = client.get(detail(member)).content.decode()
    assert "text-bg-warning" in page
    assert "3个月以上未参加组织生活" in page
    settings.LIFE_WARNING_MONTHS, settings.LIFE_ALERT_MONTHS = 2, 4
    page = client.get(detail(member)).content.decode()
    assert "text-bg-danger" in page
    assert "4个月以上未参加组织生活" in page


def test_another_organization_gets_its_badge(tree, members, town, station, login):
    """The shared member (a2's, shared with the station by hand, no check-in) took part at
    the station: shown at home as another organization's meeting."""
    shared = members["shared"]
    hold_meeting(tree.bs, actor=station, held_on=ago(1), present=[shared])
    page = login(town).get(detail(shared)).content.decode()
    assert "其他组织" in page
    assert "在流入地" not in page


def test_the_member_page_costs_the_same_with_more_rows(
    tree, checked_in_a1, secretary, station, login, django_assert_num_queries
):
    member = checked_in_a1
    client = login(secretary)
    hold_meeting(tree.a1, actor=secretary, held_on=ago(3), present=[member])
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(detail(member))
    for months in range(2, 12):
        hold_meeting(tree.a1, actor=secretary, held_on=ago(months, 1), online=[member])
        hold_meeting(tree.bs, actor=station, held_on=ago(months, 2), present=[member])
    with django_assert_num_queries(DETAIL_QUERIES):
        page = client.get(detail(member)).content.decode()
    assert "在流入地" in page


@pytest.mark.parametrize("persona", ["secretary", "town", "station"])
def test_the_timeline_page_costs_the_same_with_more_rows(
    request, tree, checked_in_a1, secretary, station, login, django_assert_num_queries, persona
):
    member = checked_in_a1
    client = login(request.getfixturevalue(persona))
    hold_meeting(tree.a1, actor=secretary, held_on=ago(3), present=[member])
    with django_assert_num_queries(TIMELINE_QUERIES[persona]):
        assert len(client.get(life(member)).context["rows"]) == 1
    for months in range(2, 14):
        hold_meeting(tree.a1, actor=secretary, held_on=ago(months, 1), online=[member])
        hold_meeting(tree.bs, actor=station, held_on=ago(months, 2), present=[member])
    with django_assert_num_queries(TIMELINE_QUERIES[persona]):
        rows = client.get(life(member)).context["rows"]
    assert len(rows) == 25


def test_the_timeline_pages_newest_first_and_ignores_forged_cursors(
    tree, members, secretary, login, settings
):
    settings.MEMBERS_PAGE_SIZE = 2
    member = members["a1"]
    days = [ago(m) for m in range(1, 6)]
    for day in days:
        hold_meeting(tree.a1, actor=secretary, held_on=day, present=[member])
    client = login(secretary)
    seen: list[dt.date] = []
    response = client.get(life(member))
    while True:
        seen += [r.attendance.meeting.held_on for r in response.context["rows"]]
        cursor = response.context["page"].next_cursor
        if not cursor:
            break
        response = client.get(life(member), {"after": cursor})
    assert seen == days  # newest first, each once
    for forged in ("\uff11", "\x00", "W1siOTk5OS0wMS0wMSJdXQ", "9" * 3000):
        response = client.get(life(member), {"after": forged, "before": forged})
        assert response.status_code == 200
        assert [r.attendance.meeting.held_on for r in response.context["rows"]] == days[:2]


def test_the_timeline_is_scoped_like_the_member(members, login, secretary2, station, town):
    a1, shared = members["a1"], members["shared"]
    assert_access(login(None), life(a1), LOGIN)
    assert_access(login(secretary2), life(a1), 404)
    assert_access(login(station), life(a1), 404)
    assert_access(login(station), life(shared), 200)
    assert_access(login(town), life(shared), 200)
    assert_access(login(town), reverse("education:member_life", args=[999999999]), 404)
