"""Attendance wherever the member takes part counts at home (issue 10, item 2; the 2019
education-management regulations: a member may belong to one organization and take part in
organizational life in several)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from education.attendance.actions import attendable_members, do_record_attendance
from education.builders import hold_meeting
from education.life import with_last_life
from education.models import Attendance, AttendanceStatus, MeetingKind
from members.models import Member

pytestmark = pytest.mark.django_db


def test_inflow_attendance_counts_at_home_and_both_sides_see_it(
    tree, members, station, secretary, secretary2, town, county
) -> None:
    """The station records a member checked in with it; the row counts for the member at home
    (articles 5 and 23 of the 2019 regulations) and the home side, the station and the
    committees above both see it; an unrelated branch does not."""
    shared = members["shared"]
    day = timezone.localdate() - dt.timedelta(days=3)
    hold_meeting(tree.bs, actor=station, kind=MeetingKind.THEME_DAY, held_on=day, present=[shared])
    row = with_last_life(Member.objects.filter(pk=shared.pk)).get()
    assert row.last_life_on == day  # type: ignore[attr-defined]
    for user in (station, town, county):
        assert Attendance.objects.visible_to(user).filter(member=shared).count() == 1
    # secretary (甲一) sees neither the member (甲二's) nor the station's meeting.
    assert not Attendance.objects.visible_to(secretary).filter(member=shared).exists()
    # secretary2 (乙一) is beside the station, not above it.
    assert not Attendance.objects.visible_to(secretary2).filter(member=shared).exists()


def test_a_stranger_is_refused_and_nothing_is_saved(tree, members, station) -> None:
    meeting = hold_meeting(tree.bs, actor=station, held_on=timezone.localdate())
    stranger = members["a1"]
    assert stranger not in attendable_members(tree.bs)
    with pytest.raises(ValidationError, match="也未在该组织报到"):
        do_record_attendance(
            actor=station,
            meeting=meeting,
            entries={
                members["shared"].pk: (AttendanceStatus.PRESENT, ""),
                stranger.pk: (AttendanceStatus.PRESENT, ""),
            },
        )
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_a_meeting_in_the_future_takes_no_attendance(tree, members, secretary) -> None:
    meeting = hold_meeting(
        tree.a1, actor=secretary, held_on=timezone.localdate() + dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="请在会议当天或之后"):
        do_record_attendance(
            actor=secretary,
            meeting=meeting,
            entries={members["a1"].pk: (AttendanceStatus.PRESENT, "")},
        )


def test_leave_needs_a_reason_and_other_branches_cannot_record(
    tree, members, secretary, secretary2
):
    meeting = hold_meeting(tree.a1, actor=secretary, kind=MeetingKind.COMMITTEE)
    entry = {members["a1"].pk: (AttendanceStatus.LEAVE, " ")}
    with pytest.raises(ValidationError, match="请假原因"):
        do_record_attendance(actor=secretary, meeting=meeting, entries=entry)
    with pytest.raises(PermissionDenied):
        do_record_attendance(
            actor=secretary2,
            meeting=meeting,
            entries={members["a1"].pk: (AttendanceStatus.PRESENT, "")},
        )
    # Absent and on leave do not count as organizational life.
    do_record_attendance(
        actor=secretary,
        meeting=meeting,
        entries={members["a1"].pk: (AttendanceStatus.LEAVE, "住院")},
    )
    members_a1 = Member.objects.filter(pk=members["a1"].pk)
    row = with_last_life(members_a1).get()
    assert row.last_life_on is None  # type: ignore[attr-defined]
