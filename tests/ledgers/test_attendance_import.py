"""Importing organizational life from the Excel template (issue 13): meetings and who attended
them, one row per member per meeting. The template, the preview then the import (the meetings
and their attendance really recorded), each problem on its row and column with nothing
written, the same file twice changing nothing, an existing meeting reused, scope (an
organization or member outside it reads as unknown), and all or nothing at commit."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.models import AuditEntry
from education.builders import hold_meeting
from education.models import Attendance, Meeting, MeetingKind
from ledgers.models import ImportBatch
from members.models import Member
from tests.factories import MemberFactory
from tests.ledgers.test_imports import problems, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

IMPORT = reverse("ledgers:import", args=["attendance"])
HEADERS = [
    "党组织",
    "会议日期",
    "会议类别",
    "活动形式",
    "主题",
    "召开方式",
    "地点",
    "主持人或授课人",
    "公民身份号码",
    "姓名",
    "参会情况",
    "原因或备注",
]
MARCH = dt.date(2025, 3, 5)
APRIL = dt.date(2025, 4, 10)


def upload(client, body: bytes) -> ImportBatch:
    response = client.post(IMPORT, {"file": SimpleUploadedFile("组织生活.xlsx", body)})
    assert response.status_code == 302, response.content[:500]
    return ImportBatch.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def row(member: Member, **changes: Any) -> dict[str, Any]:
    values = {
        "党组织": "甲一支部",
        "会议日期": MARCH,
        "会议类别": "党员大会",
        "主题": "学习党章",
        "地点": "村党员活动室",
        "公民身份号码": member.id_number,
        "姓名": member.name,
        "参会情况": "出席",
    }
    values.update(changes)
    return values


def sheet(rows: list[dict[str, Any]]) -> bytes:
    return xlsx(rows, headers=HEADERS)


def confirm(client, batch) -> None:
    client.post(reverse("ledgers:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()


@pytest.fixture
def a1_second(tree) -> Member:
    """A second member of branch A1 (the shared world has one per branch)."""
    return MemberFactory.create(name="李甲一", home_org=tree.a1)


def test_the_template_has_the_columns_and_the_importers_organizations(login, secretary) -> None:
    response = login(secretary).get(reverse("ledgers:import_template", args=["attendance"]))
    assert response.status_code == 200
    data, instructions, options = load_workbook(io.BytesIO(response.content)).worksheets
    assert [cell.value for cell in data[1]] == HEADERS
    assert data.title == "组织生活记录"
    assert "参会情况" in [line[0] for line in instructions.iter_rows(values_only=True)]
    choices = {value for line in options.iter_rows(values_only=True) for value in line}
    assert {"甲一支部", "党员大会", "党课", "请假", "缺席"} <= choices
    assert "乙一支部" not in choices
    assert "甲二支部" not in choices


def test_the_meetings_page_links_the_import_for_those_who_record(
    login, secretary, inspector
) -> None:
    page = login(secretary).get(reverse("education:meetings")).content.decode()
    assert 'data-testid="import-attendance"' in page
    assert "导入组织生活记录" in page
    page = login(inspector).get(reverse("education:meetings")).content.decode()
    assert 'data-testid="import-attendance"' not in page
    assert login(inspector).get(IMPORT).status_code == 403


def test_a_good_file_is_previewed_then_imported(login, secretary, tree, members, a1_second) -> None:
    a1 = members["a1"]
    client = login(secretary)
    body = sheet(
        [
            row(a1),
            row(a1_second, 参会情况="请假", 原因或备注="外出务工"),
            row(
                a1,
                会议日期="2025-04-10",
                会议类别="党课",
                主题="党史学习",
                主持人或授课人="张书记",
                召开方式="线上",
                地点="微信群",
                参会情况="线上参加",
            ),
        ]
    )
    batch = upload(client, body)
    assert batch.problems == []
    assert (batch.status, batch.rows) == ("ready", 3)
    assert batch.counts == {"create": 3, "update": 0, "unchanged": 0}
    assert not Meeting.objects.filter(organization=tree.a1).exists(), "preview only"
    page = client.get(reverse("ledgers:import_batch", args=[batch.pk])).content.decode()
    assert "import-confirm" in page

    confirm(client, batch)
    assert batch.status == "done"
    general = Meeting.objects.get(organization=tree.a1, held_on=MARCH)
    assert (general.kind, general.topic, general.place, general.created_by) == (
        MeetingKind.GENERAL_MEETING,
        "学习党章",
        "村党员活动室",
        secretary,
    )
    assert set(general.attendance.values_list("member_id", "status", "note")) == {
        (a1.pk, "present", ""),
        (a1_second.pk, "leave", "外出务工"),
    }
    lecture = Meeting.objects.get(organization=tree.a1, held_on=APRIL)
    assert (lecture.kind, lecture.mode, lecture.place, lecture.presenter) == (
        MeetingKind.LECTURE,
        "online",
        "微信群",
        "张书记",
    )
    assert list(lecture.attendance.values_list("member_id", "status")) == [(a1.pk, "online")]
    # Recorded by the action for past records: one audit event for the organization's meetings.
    event = AuditEntry.objects.get(event="meeting.bulk_recorded")
    assert (event.actor, event.changes["meetings"], event.changes["attendance"]) == (
        secretary,
        2,
        3,
    )
    assert AuditEntry.objects.filter(event="import.ledger").count() == 1


def test_one_bad_row_shows_its_row_and_column_and_nothing_is_written(
    login, secretary, tree, members, a1_second
) -> None:
    client = login(secretary)
    batch = upload(
        client,
        sheet(
            [
                row(members["a1"]),
                row(a1_second, 参会情况="请假"),
                row(members["a1"], 会议日期="明年", 会议类别="党课"),
            ]
        ),
    )
    assert batch.status == "invalid"
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [(3, "原因或备注"), (4, "会议日期")]
    assert found[0][2] == "请填写每一位请假党员的请假原因。"
    assert found[1][2] == "不是日期：请写成 2024-03-01 的格式。"
    page = client.get(reverse("ledgers:import_batch", args=[batch.pk])).content.decode()
    assert "import-confirm" not in page
    assert "第 3 行" in page
    confirm(client, batch)
    assert batch.status == "invalid"
    assert not Meeting.objects.filter(organization=tree.a1).exists()


def test_importing_the_same_file_again_changes_nothing(
    login, secretary, tree, members, a1_second
) -> None:
    client = login(secretary)
    body = sheet(
        [
            row(members["a1"]),
            row(a1_second, 参会情况="请假", 原因或备注="外出务工"),
            row(members["a1"], 会议日期=APRIL, 会议类别="主题党日", 参会情况="缺席"),
        ]
    )
    confirm(client, first := upload(client, body))
    assert first.status == "done"
    meetings = dict(Meeting.objects.filter(organization=tree.a1).values_list("pk", "updated_at"))
    rows = dict(Attendance.objects.filter(meeting__in=meetings).values_list("pk", "updated_at"))
    assert (len(meetings), len(rows)) == (2, 3)
    entries = AuditEntry.objects.count()
    again = upload(client, body)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 3}
    confirm(client, again)
    assert again.status == "done"
    after = dict(Meeting.objects.filter(organization=tree.a1).values_list("pk", "updated_at"))
    assert after == meetings
    assert (
        dict(Attendance.objects.filter(meeting__in=meetings).values_list("pk", "updated_at"))
        == rows
    )
    # Only the import itself is recorded: nothing changed.
    assert AuditEntry.objects.count() == entries + 1


def test_a_recorded_meeting_is_reused_and_only_what_differs_written(
    login, secretary, tree, members, a1_second
) -> None:
    a1 = members["a1"]
    meeting = hold_meeting(
        tree.a1,
        actor=secretary,
        kind=MeetingKind.GENERAL_MEETING,
        held_on=MARCH,
        topic="原有主题",
        present=[a1, a1_second],
    )
    client = login(secretary)
    batch = upload(
        client,
        sheet(
            [
                row(a1, 主题="别的主题"),
                row(a1_second, 主题="", 参会情况="请假", 原因或备注="生病"),
            ]
        ),
    )
    assert problems(batch) == []
    assert batch.counts == {"create": 0, "update": 1, "unchanged": 1}
    confirm(client, batch)
    assert batch.status == "done"
    assert list(Meeting.objects.filter(organization=tree.a1)) == [meeting]
    meeting.refresh_from_db()
    assert meeting.topic == "原有主题", "the meeting is kept as recorded"
    assert dict(meeting.attendance.values_list("member_id", "status")) == {
        a1.pk: "present",
        a1_second.pk: "leave",
    }
    event = AuditEntry.objects.filter(event="meeting.attendance_recorded").latest("pk")
    assert event.changes["changes"] == {str(a1_second.pk): ["present", "leave"]}


def test_an_organization_or_member_outside_the_scope_reads_as_unknown(
    login, secretary, members
) -> None:
    client = login(secretary)
    batch = upload(
        client,
        sheet(
            [
                row(members["a1"], 党组织="乙一支部"),
                row(members["a1"], 党组织="无此支部"),
                row(members["b1"]),  # a member of B1: not A1's, not checked in with it
                row(members["a2"], 公民身份号码="11010519491231002X"),  # nobody's number
            ]
        ),
    )
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [
        (2, "党组织"),
        (3, "党组织"),
        (4, "公民身份号码"),
        (5, "公民身份号码"),
    ]
    assert found[0][2] == found[1][2]
    assert found[2][2] == found[3][2]
    assert members["b1"].name not in found[2][2]


def test_a_station_records_the_members_checked_in_with_it(login, station, tree, members) -> None:
    shared = members["shared"]  # at home in A2, checked in with the station
    client = login(station)
    batch = upload(client, sheet([row(shared, 党组织="乙镇流动党员服务站", 会议类别="主题党日")]))
    assert batch.problems == []
    confirm(client, batch)
    attendance = Attendance.objects.get(member=shared)
    assert (attendance.meeting.organization, attendance.status) == (tree.bs, "present")


def test_rows_are_checked_as_the_pages_check_them(login, secretary, members, a1_second) -> None:
    a1 = members["a1"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client = login(secretary)
    batch = upload(
        client,
        sheet(
            [
                row(a1, 会议类别="党小组会"),  # a branch holds no party group meeting
                row(a1, 会议日期=tomorrow),  # attendance waits for the day
                row(a1, 会议日期=APRIL, 姓名="张冒名"),  # not this number's member
                row(a1, 会议日期=APRIL, 主题="另一个主题"),  # the same meeting, another topic
                row(a1, 会议日期=APRIL),  # the same member twice at one meeting
                row(a1_second, 会议日期=APRIL, 地点=""),  # a later row may leave it empty
                row(a1, 会议日期=dt.date(2025, 5, 1), 地点=""),  # a new meeting needs a place
            ]
        ),
    )
    found = {(r, c): m for r, c, m in problems(batch)}
    assert set(found) == {
        (2, "会议类别"),
        (3, "会议日期"),
        (4, "姓名"),
        (5, "主题"),
        (5, "公民身份号码"),
        (6, "公民身份号码"),
        (8, "地点"),
    }
    assert "党小组会" in found[(2, "会议类别")]
    assert a1.name in found[(4, "姓名")]
    assert "第 4 行" in found[(5, "主题")]
    assert "第 4 行" in found[(6, "公民身份号码")]


def test_the_commit_is_all_or_nothing(login, secretary, tree, members, a1_second) -> None:
    """A row that became wrong between the preview and the confirmation (the member left the
    register meanwhile) stops every row: no meeting is recorded."""
    client = login(secretary)
    batch = upload(
        client,
        sheet(
            [
                row(members["a1"], 会议日期=APRIL, 会议类别="主题党日"),
                row(a1_second),
            ]
        ),
    )
    assert batch.status == "ready"
    Member.objects.filter(pk=a1_second.pk).update(archived_at=timezone.now())
    confirm(client, batch)
    assert batch.status == "invalid"
    assert [(r, c) for r, c, _m in problems(batch)] == [(3, "公民身份号码")]
    assert not Meeting.objects.filter(organization=tree.a1).exists()
