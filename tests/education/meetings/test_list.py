"""The meetings list (issue 10, item 1): scoped to the user's organizations, newest first,
filtered by organization, kind, year and month, with each line's attendance summary counted in
the list's one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from education.builders import hold_meeting
from education.meetings.actions import do_void_meeting
from education.models import MeetingKind
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

URL = reverse("education:meetings")
DAY = dt.date(2026, 3, 10)


def _topics(response) -> list[str]:
    return [m.topic for m in response.context["page"].object_list]


@pytest.fixture
def held(tree, superuser):
    """Two townships, two branches each side: A1's and A2's meetings in township A, B1's and
    the station's in township B."""
    return {
        "a1_march": hold_meeting(tree.a1, actor=superuser, topic="甲一三月", held_on=DAY),
        "a1_may": hold_meeting(
            tree.a1,
            actor=superuser,
            kind=MeetingKind.COMMITTEE,
            topic="甲一五月",
            held_on=dt.date(2026, 5, 8),
        ),
        "a2_2025": hold_meeting(
            tree.a2, actor=superuser, topic="甲二去年", held_on=dt.date(2025, 3, 2)
        ),
        "b1": hold_meeting(tree.b1, actor=superuser, topic="乙一三月", held_on=DAY),
        "bs": hold_meeting(tree.bs, actor=superuser, topic="服务站三月", held_on=DAY),
    }


def test_each_user_sees_the_meetings_of_their_scope_newest_first(
    held, login, secretary, town, county, secretary2, station
):
    assert _topics(login(secretary).get(URL)) == ["甲一五月", "甲一三月"]
    assert _topics(login(town).get(URL)) == ["甲一五月", "甲一三月", "甲二去年"]
    assert _topics(login(secretary2).get(URL)) == ["乙一三月"]
    assert _topics(login(station).get(URL)) == ["服务站三月"]
    county_topics = _topics(login(county).get(URL))
    assert county_topics[0] == "甲一五月"
    assert sorted(county_topics) == sorted(m.topic for m in held.values())


def test_filters_by_organization_subtree_kind_year_and_month(held, login, county, tree):
    client = login(county)
    assert sorted(_topics(client.get(URL, {"org": tree.town_b.pk}))) == ["乙一三月", "服务站三月"]
    assert _topics(client.get(URL, {"org": tree.a1.pk})) == ["甲一五月", "甲一三月"]
    assert _topics(client.get(URL, {"kind": MeetingKind.COMMITTEE})) == ["甲一五月"]
    assert _topics(client.get(URL, {"year": "2025"})) == ["甲二去年"]
    assert sorted(_topics(client.get(URL, {"year": "2026", "month": "3"}))) == [
        "乙一三月",
        "服务站三月",
        "甲一三月",
    ]


def test_full_width_digits_read_as_the_year(held, login, county):
    """A year typed with a Chinese input method (full-width digits) is the year meant."""
    full_width_2025 = "\uff12\uff10\uff12\uff15"
    assert _topics(login(county).get(URL, {"year": full_width_2025})) == ["甲二去年"]


@pytest.mark.parametrize(
    "params",
    [
        {"year": "0001"},
        {"year": "9999"},
        {"year": "20\x0026"},
        {"month": "13"},
        {"month": "\x00"},
        {"kind": "bogus\x00"},
        {"org": "²"},
        {"org": "9" * 30},
        {"after": "\x00", "before": "²"},
    ],
)
def test_hostile_values_are_ignored(held, login, town, params):
    response = login(town).get(URL, params)
    assert response.status_code == 200
    assert _topics(response) == ["甲一五月", "甲一三月", "甲二去年"]


def test_an_organization_outside_scope_is_a_field_error_not_applied(held, login, secretary, tree):
    """A forged organization id (township B for A1's secretary) filters nothing and shows
    nothing of township B: the field says the choice is not valid."""
    response = login(secretary).get(URL, {"org": tree.town_b.pk})
    assert response.status_code == 200
    assert _topics(response) == ["甲一五月", "甲一三月"]
    assert "选择一个有效的选项" in " ".join(response.context["form"].errors["org"])
    assert "乙镇" not in response.content.decode()


def test_a_voided_meeting_shows_as_voided(held, login, secretary):
    do_void_meeting(actor=secretary, meeting=held["a1_march"], reason="重复录入")
    page = login(secretary).get(URL).content.decode()
    assert "甲一三月" in page
    assert "已作废" in page


def test_the_record_button_is_for_those_who_change_an_organization(
    held, login, secretary, inspector
):
    record = reverse("education:meeting_create")
    assert record in login(secretary).get(URL).content.decode()
    assert record not in login(inspector).get(URL).content.decode()


def test_the_summary_counts_each_status(tree, login, secretary, members):
    others = MemberFactory.create_batch(3, home_org=tree.a1)
    hold_meeting(
        tree.a1,
        actor=secretary,
        held_on=DAY,
        present=[members["a1"], others[0]],
        absent=[others[1]],
        leave=[others[2]],
    )
    page = login(secretary).get(URL)
    (meeting,) = page.context["page"].object_list
    counts = {status: count for status, _label, count in meeting.summary}
    assert counts == {"present": 2, "online": 0, "elsewhere": 0, "leave": 1, "absent": 1}
    assert "出席 2" in page.content.decode()


def _meetings_with_attendance(tree, actor, count: int, attendees: int) -> None:
    people = MemberFactory.create_batch(attendees, home_org=tree.a1)
    for i in range(count):
        hold_meeting(tree.a1, actor=actor, held_on=DAY - dt.timedelta(days=i), present=people)


def test_the_list_costs_the_same_queries_for_2_or_12_meetings(
    tree, login, secretary, django_assert_num_queries
):
    """Session, user, roles, the organization picker, the page's one query with its counts,
    and whether the user records anywhere: the same for 2 meetings of 2 attendees as for 12
    of 8."""
    client = login(secretary)
    _meetings_with_attendance(tree, secretary, 2, 2)
    with django_assert_num_queries(6):
        assert len(client.get(URL).context["page"].object_list) == 2
    _meetings_with_attendance(tree, secretary, 10, 8)
    with django_assert_num_queries(6):
        assert len(client.get(URL).context["page"].object_list) == 12


def test_pages_follow_on_newest_first(held, login, county, settings):
    """Cursor pages (core.pagination) over the annotated list: no meeting twice, none lost."""
    settings.MEMBERS_PAGE_SIZE = 2
    client = login(county)
    seen: list[str] = []
    response = client.get(URL)
    while True:
        seen += _topics(response)
        cursor = response.context["page"].next_cursor
        if not cursor:
            break
        response = client.get(URL, {"after": cursor})
    assert len(seen) == len(held) == len(set(seen))
    assert seen[0] == "甲一五月"
    assert seen[-1] == "甲二去年"
