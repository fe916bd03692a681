"""The attendance sheet of a meeting (issue 10, item 2): everyone present by default, the
exceptions marked, one POST for the whole meeting, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from education.attendance import queries
from education.builders import hold_meeting
from education.life import with_last_life
from education.models import Attendance, AttendanceStatus, Meeting, MeetingKind
from members.builders import away, check_in
from members.mobility.actions import do_end_episode
from members.models import EpisodeStatus, Member, MobilityEpisode
from tests.factories import MemberFactory
from tests.pages import shown

pytestmark = pytest.mark.shared_world

TODAY = timezone.localdate


def sheet_post(rows: Mapping[int, tuple[str, str]]) -> dict[str, str]:
    """The POST of the sheet: a status "s<id>" and a note "n<id>" per member."""
    data: dict[str, str] = {}
    for pk, (status, note) in rows.items():
        data[f"s{pk}"] = status
        data[f"n{pk}"] = note
    return data


def url(meeting: Meeting) -> str:
    return reverse("education:attendance", args=[meeting.pk])


@pytest.fixture
def committee_meeting(tree, secretary) -> Meeting:
    return hold_meeting(tree.a1, actor=secretary, kind=MeetingKind.COMMITTEE)


@pytest.fixture
def branch(tree, members) -> list[Member]:
    """Branch A1's members: a1's and three more."""
    extra = [MemberFactory.create(name=name, home_org=tree.a1) for name in ("张伟", "李娜", "陈静")]
    return [members["a1"], *extra]


def test_everyone_is_present_by_default_own_members_first(
    tree, members, branch, secretary, superuser, committee_meeting, login
):
    """A member of branch B1 checked in with A1 is listed after A1's own, under 流入党员 and
    with their home branch; each part by pinyin; nothing recorded yet, all shown present."""
    visitor = members["b1"]
    away(visitor, actor=superuser)
    check_in(visitor, actor=superuser, at=tree.a1)
    response = login(secretary).get(url(committee_meeting))
    assert response.status_code == 200
    sheet = shown(response, "sheet")
    own = [row["name"] for row in sheet.own]
    assert own == sorted(own, key=lambda name: Member.objects.get(name=name).name_pinyin)
    assert set(own) == {m.name for m in branch}
    assert [(row["name"], row["home"]) for row in sheet.inflow] == [("王乙一", "乙一支部")]
    assert {row["status"] for row in sheet.rows} == {AttendanceStatus.PRESENT}
    html = response.content.decode()
    assert "流入党员" in html
    assert html.index("王乙一") > max(html.index(name) for name in own)
    assert not Attendance.objects.filter(meeting=committee_meeting).exists()


def test_one_post_saves_every_row_with_the_exceptions(branch, secretary, committee_meeting, login):
    client = login(secretary)
    on_leave, absent, *present = branch
    rows = {m.pk: (AttendanceStatus.PRESENT, "") for m in present}
    rows[on_leave.pk] = (AttendanceStatus.LEAVE, "外出务工")
    rows[absent.pk] = (AttendanceStatus.ABSENT, "")
    response = client.post(url(committee_meeting), sheet_post(rows))
    assert response.status_code == 302
    assert response["Location"] == url(committee_meeting)
    stored = {
        a.member_id: (a.status, a.note, a.recorded_by_id)
        for a in Attendance.objects.filter(meeting=committee_meeting)
    }
    assert stored == {pk: (*entry, secretary.pk) for pk, entry in rows.items()}
    # One audit event names every change.
    event = AuditEntry.objects.get(event="meeting.attendance_recorded")
    assert len(event.changes["changes"]) == len(branch)
    # The page shows what is stored.
    page = shown(client.get(url(committee_meeting)), "sheet")
    assert {row["pk"]: (row["status"], row["note"]) for row in page.rows} == rows


def test_a_row_is_corrected_in_place(branch, secretary, committee_meeting, login):
    client = login(secretary)
    everyone = {m.pk: (AttendanceStatus.PRESENT, "") for m in branch}
    client.post(url(committee_meeting), sheet_post(everyone))
    corrected = everyone | {branch[0].pk: (AttendanceStatus.ONLINE, "微信群")}
    response = client.post(url(committee_meeting), sheet_post(corrected))
    assert response.status_code == 302
    rows = Attendance.objects.filter(meeting=committee_meeting)
    assert rows.count() == len(branch)
    assert rows.get(member=branch[0]).status == AttendanceStatus.ONLINE
    again = client.post(url(committee_meeting), sheet_post(corrected), follow=True)
    assert "出席情况已保存：0 条有变化。" in again.content.decode()


def test_a_stranger_is_refused_and_nothing_is_saved(
    members, branch, secretary, committee_meeting, login
):
    """Issue 10, "Bad input": a member neither the organization's own nor checked in with it."""
    rows = {m.pk: (AttendanceStatus.PRESENT, "") for m in branch}
    rows[members["b1"].pk] = (AttendanceStatus.PRESENT, "")
    response = login(secretary).post(url(committee_meeting), sheet_post(rows))
    assert response.status_code == 200
    html = response.content.decode()
    assert "有 1 名党员既不是甲一支部的党员，也未在该组织报到：未保存任何记录。" in html
    assert not Attendance.objects.filter(meeting=committee_meeting).exists()


def test_leave_needs_a_reason_shown_on_its_row_and_what_was_typed_is_kept(
    branch, secretary, committee_meeting, login
):
    rows = {m.pk: (AttendanceStatus.PRESENT, "") for m in branch}
    rows[branch[0].pk] = (AttendanceStatus.LEAVE, "  ")
    rows[branch[1].pk] = (AttendanceStatus.ELSEWHERE, "在县委党校参加")
    response = login(secretary).post(url(committee_meeting), sheet_post(rows))
    assert response.status_code == 200
    sheet = shown(response, "sheet")
    by_pk = {row["pk"]: row for row in sheet.rows}
    assert by_pk[branch[0].pk]["error"] == "请填写每一位请假党员的请假原因。"
    assert "error" not in by_pk[branch[1].pk]
    assert by_pk[branch[1].pk]["status"] == AttendanceStatus.ELSEWHERE
    assert by_pk[branch[1].pk]["note"] == "在县委党校参加"
    html = response.content.decode()
    assert "1 行需要更正，未保存任何记录。" in html
    assert 'value="在县委党校参加"' in html
    assert not Attendance.objects.filter(meeting=committee_meeting).exists()


@pytest.mark.parametrize(
    ("when", "voided", "words"),
    [
        (1, False, "请在会议当天或之后登记"),
        (-1, True, "已作废"),
    ],
)
def test_a_future_or_voided_meeting_shows_why_and_takes_nothing(
    tree, branch, secretary, login, when, voided, words
):
    meeting = hold_meeting(tree.a1, actor=secretary, held_on=TODAY() + dt.timedelta(days=when))
    if voided:
        # Voiding is the meetings page's action (helper h1's); here only its result matters.
        Meeting.objects.filter(pk=meeting.pk).update(voided_at=timezone.now(), void_reason="误录")
    client = login(secretary)
    response = client.get(url(meeting))
    html = response.content.decode()
    assert words in html
    assert 'id="attendance-form"' not in html
    rows = {m.pk: (AttendanceStatus.PRESENT, "") for m in branch}
    client.post(url(meeting), sheet_post(rows))
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_mark_everyone_present_resets_the_form_without_saving(
    branch, secretary, committee_meeting, login
):
    client = login(secretary)
    rows = {m.pk: (AttendanceStatus.ABSENT, "") for m in branch}
    client.post(url(committee_meeting), sheet_post(rows))
    sheet = shown(client.get(url(committee_meeting) + "?reset=present"), "sheet")
    assert {row["status"] for row in sheet.rows} == {AttendanceStatus.PRESENT}
    stored = Attendance.objects.filter(meeting=committee_meeting).values_list("status", flat=True)
    assert set(stored) == {AttendanceStatus.ABSENT}


@pytest.mark.parametrize(
    "hostile",
    [
        {"sabc": "present", "s\uff11\uff12": "present", "s": "present", "s-1": "present"},
        {"s999999999999999999999": "present"},
    ],
)
def test_forged_keys_are_ignored(branch, secretary, committee_meeting, login, hostile):
    rows = sheet_post({m.pk: (AttendanceStatus.PRESENT, "") for m in branch}) | hostile
    response = login(secretary).post(url(committee_meeting), rows)
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting=committee_meeting).count() == len(branch)


def test_an_unknown_status_or_a_nul_is_a_row_error(branch, secretary, committee_meeting, login):
    rows: dict[int, tuple[str, str]] = {m.pk: (AttendanceStatus.PRESENT, "") for m in branch}
    rows[branch[0].pk] = ("expelled", "")
    rows[branch[1].pk] = (AttendanceStatus.ABSENT, "a\x00b")
    response = login(secretary).post(url(committee_meeting), sheet_post(rows))
    assert response.status_code == 200
    by_pk = {row["pk"]: row for row in shown(response, "sheet").rows}
    assert "未知的出席情况" in by_pk[branch[0].pk]["error"]
    assert "NUL" in by_pk[branch[1].pk]["error"]
    assert not Attendance.objects.filter(meeting=committee_meeting).exists()


def test_the_station_records_a_member_checked_in_with_it_and_it_counts_at_home(
    tree, members, station, login
):
    """The 2019 education-management regulations: a member belongs to one organization and
    may take part in organizational life in several; the station's row counts at home."""
    shared = members["shared"]
    day = TODAY() - dt.timedelta(days=2)
    meeting = hold_meeting(tree.bs, actor=station, kind=MeetingKind.THEME_DAY, held_on=day)
    client = login(station)
    page = client.get(url(meeting))
    sheet = shown(page, "sheet")
    assert [(row["pk"], row["home"]) for row in sheet.inflow] == [(shared.pk, "甲二支部")]
    assert sheet.own == []
    response = client.post(url(meeting), sheet_post({shared.pk: (AttendanceStatus.PRESENT, "")}))
    assert response.status_code == 302
    row = with_last_life(Member.objects.filter(pk=shared.pk)).get()
    assert row.last_life_on == day  # type: ignore[attr-defined]


def test_rows_of_members_no_longer_attendable_are_shown_and_kept(
    tree, members, superuser, secretary, branch, committee_meeting, login
):
    """A visitor recorded while checked in, who has gone home since: the row stays, read-only,
    and saving the rest leaves it alone."""
    visitor = members["b1"]
    away(visitor, actor=superuser)
    check_in(visitor, actor=superuser, at=tree.a1)
    client = login(secretary)
    rows = {m.pk: (AttendanceStatus.PRESENT, "") for m in [*branch, visitor]}
    assert client.post(url(committee_meeting), sheet_post(rows)).status_code == 302
    episode = MobilityEpisode.objects.get(member=visitor)
    do_end_episode(
        actor=superuser, episode=episode, status=EpisodeStatus.RETURNED, ended_on=TODAY()
    )
    response = client.get(url(committee_meeting))
    sheet = shown(response, "sheet")
    assert [row["pk"] for row in sheet.former] == [visitor.pk]
    del rows[visitor.pk]
    assert client.post(url(committee_meeting), sheet_post(rows)).status_code == 302
    assert Attendance.objects.filter(meeting=committee_meeting, member=visitor).exists()


def _grow_branch(tree, n: int, prefix: str) -> None:
    for i in range(n):
        MemberFactory.create(name=f"{prefix}{i:02d}", home_org=tree.a1)


def test_the_page_and_the_save_take_the_same_queries_for_3_or_40_members(
    tree, members, secretary, login, django_assert_num_queries
):
    """Issue 10, "Done when": the attendance entry's query count does not grow with members."""
    client = login(secretary)
    counts = []
    for n in (2, 39):  # with a1's own member: 3, then 40 more
        _grow_branch(tree, n, f"成员{n}-")
        meeting = hold_meeting(tree.a1, actor=secretary, kind=MeetingKind.COMMITTEE)
        client = login(secretary)
        with django_assert_num_queries(6) as get:
            client.get(url(meeting))
        ids = Member.objects.filter(home_org=tree.a1).values_list("pk", flat=True)
        rows = dict.fromkeys(ids, (AttendanceStatus.PRESENT, ""))
        client = login(secretary)
        with django_assert_num_queries(13) as post:
            client.post(url(meeting), sheet_post(rows))
        counts.append((len(get.captured_queries), len(post.captured_queries)))
        assert Attendance.objects.filter(meeting=meeting).count() == len(rows)
    assert counts[0] == counts[1]


@pytest.mark.parametrize(("persona", "status"), [("inspector", 403), ("secretary2", 404)])
def test_who_may_not_record_saves_nothing(
    request, branch, committee_meeting, login, persona, status
):
    rows = {m.pk: (AttendanceStatus.PRESENT, "") for m in branch}
    response = login(request.getfixturevalue(persona)).post(
        url(committee_meeting), sheet_post(rows)
    )
    assert response.status_code == status
    assert not Attendance.objects.filter(meeting=committee_meeting).exists()


def test_an_empty_post_saves_nothing_and_says_so(secretary, committee_meeting, login):
    response = login(secretary).post(url(committee_meeting), {"other": "x"})
    assert response.status_code == 200
    assert "没有提交任何出席情况，未保存。" in response.content.decode()


def test_a_long_sheet_is_cut_and_a_search_narrows_what_is_saved(
    branch, secretary, committee_meeting, login, monkeypatch
):
    """A township's lecture may have thousands who may be recorded: the sheet lists at most
    SHEET_MAX_ROWS, and a search narrows it; what is not listed is not posted, so it stays."""
    monkeypatch.setattr(queries, "SHEET_MAX_ROWS", 2)
    client = login(secretary)
    response = client.get(url(committee_meeting))
    sheet = shown(response, "sheet")
    assert sheet.truncated
    assert len(sheet.rows) == 2
    assert "只列出前 2 名党员" in response.content.decode()
    everyone = {m.pk: (AttendanceStatus.ABSENT, "") for m in branch}
    client.post(url(committee_meeting), sheet_post(everyone))
    searched = client.get(url(committee_meeting) + "?q=chenjing")
    found = shown(searched, "sheet")
    assert [row["name"] for row in found.rows] == ["陈静"]
    assert found.former == []
    saved = client.post(
        url(committee_meeting) + "?q=chenjing",
        sheet_post({branch[3].pk: (AttendanceStatus.PRESENT, "")}),
    )
    assert saved.status_code == 302
    assert saved["Location"] == url(committee_meeting) + "?q=chenjing"
    stored = dict(
        Attendance.objects.filter(meeting=committee_meeting).values_list("member_id", "status")
    )
    assert stored == {m.pk: AttendanceStatus.ABSENT for m in branch} | {
        branch[3].pk: AttendanceStatus.PRESENT
    }


def test_a_full_sheet_posts_fewer_fields_than_django_accepts(settings):
    """Two fields a row, and the CSRF token: a full sheet is never refused as too big."""
    assert 2 * queries.SHEET_MAX_ROWS + 1 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
