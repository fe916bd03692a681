"""The activity certificate's departure part filled from attendance (issue 10, item 3; the 2007
format of 《中国共产党流动党员活动证》: when the holder leaves, the inflow organization records
their organizational life there). Only the inflow organization's own meetings (its subtree)
between the arrival and the departure count: the home branch's meetings, and the station's
before the arrival, do not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from core.months import months_before
from education.builders import hold_meeting
from education.life import life_summary_at
from education.models import MeetingKind
from members.builders import away, check_in, issue_certificate, move_on
from members.certificates.actions import do_fill_departure_part
from members.models import Certificate

pytestmark = pytest.mark.shared_world

TODAY = timezone.localdate()


def ago(months: int, days: int = 0) -> dt.date:
    return months_before(TODAY, months) - dt.timedelta(days=days)


@pytest.fixture
def holder(tree, members, secretary, town, station) -> Certificate:
    """a1 left with an activity certificate and checked in at the station four months ago; the
    station recorded them at three of its meetings (and one leave), the home branch at one of
    its own, and the station at one before the arrival; a2 took part at the station too."""
    member = members["a1"]
    left = ago(5)
    episode = away(member, actor=secretary, out_date=left)
    certificate = issue_certificate(member, actor=secretary, on=left, episode=episode)
    check_in(member, actor=station, at=tree.bs, on=ago(4))
    hold_meeting(tree.bs, actor=station, held_on=ago(4, 10), present=[member])  # before arrival
    hold_meeting(tree.bs, actor=station, held_on=ago(3), present=[member])
    hold_meeting(tree.bs, actor=station, held_on=ago(2), online=[member])
    hold_meeting(tree.bs, actor=station, kind=MeetingKind.LECTURE, held_on=ago(1), present=[member])
    hold_meeting(tree.bs, actor=station, held_on=ago(1, 5), leave=[member])
    hold_meeting(tree.a1, actor=secretary, held_on=ago(2, 3), present=[member])  # at home
    hold_meeting(tree.bs, actor=station, held_on=ago(1), present=[members["shared"]])
    certificate.refresh_from_db()
    assert certificate.inflow_org == tree.bs
    assert certificate.arrived_on == ago(4)
    return certificate


def expected(arrived: dt.date, left: dt.date) -> str:
    kinds = "、".join((f"{MeetingKind.THEME_DAY.label}2次", f"{MeetingKind.LECTURE.label}1次"))
    return (
        f"{formats.date_format(arrived, 'YEAR_MONTH_FORMAT')}至"
        f"{formats.date_format(left, 'YEAR_MONTH_FORMAT')}在本组织参加组织生活3次（{kinds}），"
        f"最近一次{formats.date_format(ago(1), 'DATE_FORMAT')}；请假1次。"
    )


def test_the_departure_part_is_filled_from_the_inflow_organizations_attendance(holder, station):
    """Left empty, the organizational life is the station's record of the holder between the
    arrival and the departure: the home branch's meeting is not the station's to certify."""
    with translation.override("zh-hans"):
        do_fill_departure_part(
            actor=station,
            certificate=holder,
            left_inflow_on=TODAY,
            life_record="",
            dues_paid_until=None,
        )
        holder.refresh_from_db()
        assert holder.life_record == expected(ago(4), TODAY)
    assert holder.left_inflow_on == TODAY
    # Dues records arrive with issue 11: the month stays as typed (here: none).
    assert holder.dues_paid_until is None


def test_typed_text_wins_and_another_organization_counts_nothing(holder, tree, station):
    do_fill_departure_part(
        actor=station,
        certificate=holder,
        left_inflow_on=TODAY,
        life_record="按时参加组织生活",
        dues_paid_until=None,
    )
    holder.refresh_from_db()
    assert holder.life_record == "按时参加组织生活"
    with translation.override("zh-hans"):
        # The home branch's own record of the same months: one meeting there, none here.
        assert "参加组织生活1次" in life_summary_at(holder.member_id, tree.a1, ago(4), TODAY)
        assert "未在本组织参加组织生活" in life_summary_at(holder.member_id, tree.b1, ago(4), TODAY)


def test_the_departure_page_offers_the_record_and_fills_it_when_left_empty(holder, station, login):
    url = reverse("members:certificate_departure", args=[holder.pk])
    client = login(station)
    page = client.get(url).content.decode()
    assert "在本组织参加组织生活3次" in page
    assert "请假1次" in page
    response = client.post(
        url, {"left_inflow_on": ago(0, 1).isoformat(), "life_record": "", "dues_paid_until": ""}
    )
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.life_record.startswith(formats.date_format(ago(4), "YEAR_MONTH_FORMAT"))
    assert "参加组织生活3次" in holder.life_record


def test_moving_on_fills_the_departure_part_from_attendance(holder, members, secretary2, tree):
    """Moving on from the station to another inflow organization (issue 9, item 4) closes the
    station's part with the move and the station's record of the holder."""
    with translation.override("zh-hans"):
        move_on(members["a1"], actor=secretary2, at=tree.b1, on=TODAY)
    holder.refresh_from_db()
    assert holder.left_inflow_on == TODAY
    assert tree.b1.name in holder.life_record
    assert "在本组织参加组织生活3次" in holder.life_record
    assert "请假1次" in holder.life_record
