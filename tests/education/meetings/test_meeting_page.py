"""The meeting's page (issue 10, item 1): every field, its files, the attendance summary and
the attendees by status with their home branch, a "流入" badge for members whose relationship
is held outside the meeting's organization; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from education.builders import hold_meeting
from education.meetings.actions import do_attach_meeting_file
from education.models import MeetingKind
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

DAY = timezone.localdate() - dt.timedelta(days=1)


def _url(meeting) -> str:
    return reverse("education:meeting", args=[meeting.pk])


def test_the_page_shows_the_record_and_the_attendees_by_status(tree, members, station, login):
    """The station's meeting: a member of A2 checked in with it took part (流入, counted at
    home: 2019 regulations, a member may take part in organizational life in several
    organizations)."""
    meeting = hold_meeting(
        tree.bs,
        actor=station,
        kind=MeetingKind.OTHER,
        activity="red_tradition",
        held_on=DAY,
        topic="参观革命纪念馆",
        presenter="陈站长",
        minutes="参观并重温入党誓词。",
        decisions="下月组织志愿服务。",
        present=[members["shared"]],
    )
    response = login(station).get(_url(meeting))
    page = response.content.decode()
    for text in (
        "参观革命纪念馆",
        "其他活动",
        "红色教育",
        "陈站长",
        "参观并重温入党誓词。",
        "下月组织志愿服务。",
        "王流入",
        "甲二支部",
        "流入",
        "出席 1",
    ):
        assert text in page, text
    ((status, _label, rows),) = response.context["groups"]
    assert status == "present"
    assert [(a.name, a.home_org, a.inflow) for a in rows] == [("王流入", "甲二支部", True)]


def test_own_members_carry_no_inflow_badge(tree, members, secretary, town, login):
    """Members of the meeting's organization's subtree are its own: A1's member at A1's
    meeting, and at township A's party lecture."""
    meeting = hold_meeting(tree.a1, actor=secretary, held_on=DAY, absent=[members["a1"]])
    ((status, _label, rows),) = login(secretary).get(_url(meeting)).context["groups"]
    assert (status, rows[0].inflow) == ("absent", False)
    lecture = hold_meeting(
        tree.town_a, actor=town, kind=MeetingKind.LECTURE, held_on=DAY, present=[members["a1"]]
    )
    ((status, _label, rows),) = login(town).get(_url(lecture)).context["groups"]
    assert (status, rows[0].home_org, rows[0].inflow) == ("present", "甲一支部", False)


def test_buttons_only_for_those_who_change_the_organization(tree, secretary, inspector, login):
    meeting = hold_meeting(tree.a1, actor=secretary, held_on=DAY)
    edit = reverse("education:meeting_edit", args=[meeting.pk])
    assert edit in login(secretary).get(_url(meeting)).content.decode()
    assert edit not in login(inspector).get(_url(meeting)).content.decode()


def _meeting_with(tree, actor, attendees: int, files: int):
    people = MemberFactory.create_batch(attendees, home_org=tree.a1)
    half = attendees // 2
    meeting = hold_meeting(
        tree.a1, actor=actor, held_on=DAY, present=people[:half], absent=people[half:]
    )
    for i in range(files):
        upload = SimpleUploadedFile(f"签到表{i}.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
        do_attach_meeting_file(actor=actor, meeting=meeting, upload=upload)
    return meeting


def test_the_page_costs_the_same_queries_for_3_or_30_attendees(
    tree, secretary, login, settings, tmp_path, django_assert_num_queries
):
    """Session, user, roles, the meeting with its organization and recorder, the attendees,
    the files: six queries for 3 attendees and 1 file as for 30 attendees and 6 files."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client = login(secretary)
    small = _meeting_with(tree, secretary, 3, 1)
    large = _meeting_with(tree, secretary, 30, 6)
    with django_assert_num_queries(6):
        response = client.get(_url(small))
    assert response.context["attendee_count"] == 3
    assert len(response.context["files"]) == 1
    with django_assert_num_queries(6):
        response = client.get(_url(large))
    assert response.context["attendee_count"] == 30
    assert len(response.context["files"]) == 6
