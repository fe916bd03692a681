"""Signing in at a meeting with a short code (issue 10, item 2: "a short code members can use
to sign in on the spot"): members type the code, their name and the last six characters of
their ID-card number; the answer never tells whether a person exists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from education.attendance import views
from education.attendance.actions import (
    do_close_sign_in,
    do_open_sign_in,
    do_record_attendance,
)
from education.builders import hold_meeting
from education.models import Attendance, AttendanceStatus, Meeting, MeetingKind
from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.shared_world

SIGN_IN = "/education/sign-in/"
NOT_SIGNED_IN = "签到未成功：请核对签到码、姓名和身份证号码后6位。签到码仅在签到开放期间有效。"
TOO_MANY = "尝试失败次数过多"

#: What a phone's input method may type: full-width digits, and a full-width small x.
FULL_WIDTH = {ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789"} | {ord("X"): "\uff58"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def meeting(tree, secretary) -> Meeting:
    held = hold_meeting(tree.a1, actor=secretary, kind=MeetingKind.THEME_DAY)
    return do_open_sign_in(actor=secretary, meeting=held, minutes=60)


@pytest.fixture
def member(tree) -> Member:
    return MemberFactory.create(name="赵签到", home_org=tree.a1)


def post(client: Client, code: str, name: str, tail: str, ip: str = "10.0.0.1") -> str:
    response = client.post(
        SIGN_IN, {"code": code, "name": name, "id_number_tail": tail}, REMOTE_ADDR=ip
    )
    assert response.status_code == 200
    return response.content.decode()


def test_opening_gives_a_six_digit_code_until_a_time(meeting) -> None:
    assert len(meeting.sign_in_code) == 6
    assert meeting.sign_in_code.isdigit()
    assert meeting.sign_in_until is not None
    left = meeting.sign_in_until - timezone.now()
    assert dt.timedelta(minutes=59) < left <= dt.timedelta(minutes=60)


def test_only_on_the_day_by_the_meeting_organization(tree, secretary, secretary2) -> None:
    yesterday = hold_meeting(
        tree.a1, actor=secretary, held_on=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="只能在会议当天"):
        do_open_sign_in(actor=secretary, meeting=yesterday, minutes=30)
    today = hold_meeting(tree.a1, actor=secretary)
    with pytest.raises(PermissionDenied):
        do_open_sign_in(actor=secretary2, meeting=today, minutes=30)
    with pytest.raises(ValidationError, match="1 至 240"):
        do_open_sign_in(actor=secretary, meeting=today, minutes=600)
    Meeting.objects.filter(pk=today.pk).update(voided_at=timezone.now())
    with pytest.raises(ValidationError, match="已作废"):
        do_open_sign_in(actor=secretary, meeting=today, minutes=30)


def test_the_right_code_signs_the_member_in_audited_without_an_actor(
    client, meeting, member
) -> None:
    """Full-width digits and a small x are read as the number has them."""
    tail = member.id_number[-6:].translate(FULL_WIDTH)
    html = post(client, meeting.sign_in_code, f" {member.name} ", tail)
    assert "签到成功：赵签到" in html
    row = Attendance.objects.get(meeting=meeting, member=member)
    assert (row.status, row.signed_in, row.recorded_by) == (AttendanceStatus.PRESENT, True, None)
    entry = AuditEntry.objects.get_for_object(row).get()
    assert entry.actor is None


def test_the_attendance_page_shows_the_open_code(meeting, secretary, login) -> None:
    response = login(secretary).get(reverse("education:attendance", args=[meeting.pk]))
    html = response.content.decode()
    assert f'id="sign-in-code">{meeting.sign_in_code}<' in html
    assert "关闭签到" in html


def test_a_member_already_recorded_keeps_the_row_unless_absent(
    client, meeting, member, secretary
) -> None:
    other = MemberFactory.create(name="钱请假", home_org=meeting.organization)
    do_record_attendance(
        actor=secretary,
        meeting=meeting,
        entries={
            member.pk: (AttendanceStatus.ABSENT, ""),
            other.pk: (AttendanceStatus.LEAVE, "出差"),
        },
    )
    assert "签到成功" in post(client, meeting.sign_in_code, member.name, member.id_number[-6:])
    assert "签到成功" in post(client, meeting.sign_in_code, other.name, other.id_number[-6:])
    stored = Attendance.objects.filter(meeting=meeting)
    rows = {a.member_id: (a.status, a.signed_in) for a in stored}
    assert rows[member.pk] == (AttendanceStatus.PRESENT, True)
    assert rows[other.pk] == (AttendanceStatus.LEAVE, False)


def test_wrong_code_wrong_person_expired_and_closed_get_the_same_answer(
    client, meeting, member, members, secretary
) -> None:
    """A member of branch B1 (not attendable at A1's meeting), a wrong ID tail, a wrong code,
    an expired code and a closed one: one answer, nothing recorded."""
    code, tail = meeting.sign_in_code, member.id_number[-6:]
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    stranger = members["b1"]
    wrong_tail = f"{(int(tail[:5]) + 1) % 100000:05d}{tail[5]}"
    answers = [
        post(client, wrong_code, member.name, tail),
        post(client, code, stranger.name, stranger.id_number[-6:]),
        post(client, code, member.name, wrong_tail),
        post(client, code, "赵某某", tail),
    ]
    Meeting.objects.filter(pk=meeting.pk).update(
        sign_in_until=timezone.now() - dt.timedelta(minutes=1)
    )
    answers.append(post(client, code, member.name, tail))
    reopened = do_open_sign_in(actor=secretary, meeting=meeting, minutes=30)
    do_close_sign_in(actor=secretary, meeting=reopened)
    answers.append(post(client, reopened.sign_in_code, member.name, tail))
    for html in answers:
        assert NOT_SIGNED_IN in html
    # The answers differ in nothing but the form's echo of what was typed.
    assert len({html.count("alert-danger") for html in answers}) == 1
    assert not Attendance.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("code", "12345", "签到码为6位数字"),
        ("code", "\uff11\uff12\uff13\uff14\uff15a", "签到码为6位数字"),
        ("id_number_tail", "12X456", "身份证号码后6位"),
        ("name", "\x00", 'class="errorlist'),
        ("name", " ", 'class="errorlist'),
    ],
)
def test_malformed_input_is_a_field_error(client, meeting, member, field, value, words) -> None:
    data = {"code": meeting.sign_in_code, "name": member.name, "id_number_tail": "123456"}
    data[field] = value
    response = client.post(SIGN_IN, data)
    assert response.status_code == 200
    assert words in response.content.decode()


def test_failures_are_limited_per_address(client, meeting, member, monkeypatch) -> None:
    """Ten failed tries from one address in ten minutes; the eleventh is refused even with
    the right answer, and says why."""
    for _ in range(views.SIGN_IN_TRIES):
        assert NOT_SIGNED_IN in post(client, "000000", member.name, "000000", ip="10.9.9.9")
    html = post(client, meeting.sign_in_code, member.name, member.id_number[-6:], ip="10.9.9.9")
    assert TOO_MANY in html
    assert "10分钟后再试" in html
    assert not Attendance.objects.filter(meeting=meeting).exists()
    # Another address is not held up.
    other = post(client, meeting.sign_in_code, member.name, member.id_number[-6:], ip="10.1.1.1")
    assert "签到成功" in other


def test_failures_are_limited_per_code(client, meeting, member) -> None:
    """Guessing names and numbers against one code from many addresses stops too."""
    code = meeting.sign_in_code
    for i in range(views.SIGN_IN_TRIES):
        post(client, code, "钱某", f"{i:06d}", ip=f"10.2.0.{i}")
    html = post(client, code, member.name, member.id_number[-6:], ip="10.3.0.1")
    assert TOO_MANY in html
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_successes_are_not_counted(client, meeting, tree) -> None:
    """A whole branch signs in from the meeting room's one address."""
    crowd = [MemberFactory.create(name=f"孙到会{i:02d}", home_org=tree.a1) for i in range(12)]
    for person in crowd:
        assert "签到成功" in post(client, meeting.sign_in_code, person.name, person.id_number[-6:])
    assert Attendance.objects.filter(meeting=meeting, signed_in=True).count() == len(crowd)


def test_the_code_is_prefilled_from_the_link(client) -> None:
    response = client.get(SIGN_IN + "?code=123456")
    assert 'value="123456"' in response.content.decode()
    assert client.get(SIGN_IN + "?code=%00%00").status_code == 200


def test_the_page_opens_and_closes_sign_in(tree, secretary, login) -> None:
    meeting = hold_meeting(tree.a1, actor=secretary)
    client = login(secretary)
    opened = client.post(
        reverse("education:sign_in_open", args=[meeting.pk]), {"minutes": "30"}, follow=True
    )
    assert "签到已开放" in opened.content.decode()
    meeting.refresh_from_db()
    assert len(meeting.sign_in_code) == 6
    forged = client.post(
        reverse("education:sign_in_open", args=[meeting.pk]), {"minutes": "9999"}, follow=True
    )
    assert "选择一个有效的选项" in forged.content.decode()
    closed = client.post(reverse("education:sign_in_close", args=[meeting.pk]), follow=True)
    assert "签到已关闭" in closed.content.decode()
    meeting.refresh_from_db()
    assert (meeting.sign_in_code, meeting.sign_in_until) == ("", None)
    # A meeting of another day offers no sign-in, and says why.
    other = hold_meeting(tree.a1, actor=secretary, held_on=dt.date(2026, 3, 2))
    refused = client.post(
        reverse("education:sign_in_open", args=[other.pk]), {"minutes": "30"}, follow=True
    )
    assert "党员只能在会议当天（2026-03-02）签到。" in refused.content.decode()
