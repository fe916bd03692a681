"""Issue 10's attendance in a real browser, on a phone: a branch secretary records a committee
meeting's attendance for the whole branch on one page, and a station records a member checked
in with it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from education.builders import hold_meeting
from education.life import with_last_life
from education.models import Attendance, AttendanceStatus, Meeting, MeetingKind
from members.builders import away, check_in
from members.models import Member
from tests.browser.test_member_journey import log_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_for(browser, live_server):
    """`phone_for(username)` → (context, page): a 390x844 phone logged in as `username`."""

    def open_as(username: str):
        context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(15_000)
        page = context.new_page()
        log_in(page, live_server, username)
        return context, page

    return open_as


def test_secretary_records_a_committee_meeting_for_the_whole_branch_on_a_phone(
    phone_for, live_server, secretary, tree, members
):
    """Everyone present by default; the secretary marks two exceptions (one on leave with its
    reason, one absent) and saves once: one page, one POST, every row stored."""
    branch = [members["a1"]] + [
        MemberFactory.create(name=f"成员{i:02d}", home_org=tree.a1) for i in range(31)
    ]
    on_leave, absent = branch[5], branch[9]

    context, page = phone_for("secretary")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    # The meeting first (组织生活 → 录入会议), then its attendance from the meeting's page.
    page.goto(f"{live_server.url}{reverse('education:meetings')}")
    page.get_by_role("link", name="录入会议").click()
    page.select_option("#id_kind", MeetingKind.COMMITTEE)
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_place", "村委会二楼会议室")
    page.fill("#id_topic", "研究十二月党员教育安排")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/education/meetings/\d+/$"))
    meeting = Meeting.objects.get(organization=tree.a1, kind=MeetingKind.COMMITTEE)
    page.get_by_role("link", name="登记参会情况").click()
    url = f"{live_server.url}{reverse('education:attendance', args=[meeting.pk])}"
    page.wait_for_url(url)
    posts.clear()
    expect(page.locator("#attendance-form select")).to_have_count(len(branch))
    # The note fields hide until a status needs one (static/js/attendance.js).
    note = page.locator(f"input[name='n{on_leave.pk}']")
    expect(note).to_be_hidden()
    page.select_option(f"#s{on_leave.pk}", AttendanceStatus.LEAVE)
    expect(note).to_be_visible()
    expect(note).to_be_focused()
    note.fill("在外地务工，无法请假")
    page.select_option(f"#s{absent.pk}", AttendanceStatus.ABSENT)
    # Nothing scrolls sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="保存出席情况").click()
    page.wait_for_url(url)
    expect(page.locator("body")).to_contain_text("出席情况已保存")
    context.close()

    assert posts == [url]
    stored = {a.member_id: (a.status, a.note) for a in Attendance.objects.filter(meeting=meeting)}
    expected = {m.pk: (AttendanceStatus.PRESENT, "") for m in branch}
    expected[on_leave.pk] = (AttendanceStatus.LEAVE, "在外地务工，无法请假")
    expected[absent.pk] = (AttendanceStatus.ABSENT, "")
    assert stored == expected


def test_station_records_a_member_checked_in_with_it_and_the_secretary_sees_it(
    phone_for, live_server, station, secretary, tree, members, superuser
):
    """Branch A1's member, away and checked in at station B-S: the station records them at its
    own meeting, on a phone; the row counts for the member at home, and the secretary of A1 sees
    it on the member's timeline (the 2019 education-management regulations: a member may take
    part in organizational life in several organizations)."""
    member = members["a1"]
    today = timezone.localdate()
    away(member, actor=superuser, out_date=today - dt.timedelta(days=20))
    check_in(member, actor=superuser, at=tree.bs, on=today - dt.timedelta(days=15))
    meeting = hold_meeting(
        tree.bs, actor=station, kind=MeetingKind.THEME_DAY, topic="服务站主题党日"
    )
    url = f"{live_server.url}{reverse('education:attendance', args=[meeting.pk])}"

    context, page = phone_for("station")
    page.goto(url)
    row = page.locator("[data-row]", has_text=member.name)
    expect(row).to_contain_text("甲一支部")
    expect(page.locator("main")).to_contain_text("流入党员")
    page.select_option(f"#s{member.pk}", AttendanceStatus.ONLINE)
    page.get_by_role("button", name="保存出席情况").click()
    page.wait_for_url(re.compile(re.escape(url) + "$"))
    expect(page.locator("body")).to_contain_text("出席情况已保存")
    context.close()

    row_saved = Attendance.objects.get(meeting=meeting, member=member)
    assert row_saved.status == AttendanceStatus.ONLINE
    life = with_last_life(Member.objects.filter(pk=member.pk)).get()
    assert life.last_life_on == today  # type: ignore[attr-defined]

    # The home side: the member page's section and the full timeline show the station's day.
    context, page = phone_for("secretary")
    page.goto(f"{live_server.url}{reverse('members:detail', args=[member.pk])}")
    section = page.locator("section", has_text="组织生活").first
    expect(section).to_contain_text("服务站主题党日")
    expect(section).to_contain_text("在流入地")
    page.goto(f"{live_server.url}{reverse('education:member_life', args=[member.pk])}")
    expect(page.locator("main")).to_contain_text("服务站主题党日")
    expect(page.locator("main")).to_contain_text(tree.bs.name)
    context.close()
