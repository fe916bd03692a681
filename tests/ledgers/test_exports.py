"""Ledger exports (issue 13, item 2): the export page, the file sent back at once, the big ones
written by the worker with a progress bar and kept for their requester alone, the audit trail,
ID-card numbers masked unless the role may reveal them, scope that a query string cannot widen.
Checked on the roster; each ledger's own columns are tested beside its package."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.models import AuditEntry
from core.validators import mask_id_number
from ledgers import exports
from ledgers.models import ExportJob, ExportMode, ExportStatus
from members.models import Member
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

ROSTER = reverse("ledgers:export", args=["roster"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_back(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def names_in(rows: list[tuple]) -> set[str]:
    return {row[0] for row in rows[3:] if row[0]}


def test_anonymous_is_sent_to_log_in(client) -> None:
    job = ExportJob.objects.create(
        ledger="roster", title="x", requested_by=_any_user(), mode=ExportMode.TASK
    )
    for url in (
        ROSTER,
        reverse("ledgers:jobs"),
        reverse("ledgers:job", args=[job.pk]),
        reverse("ledgers:download", args=[job.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def _any_user():
    from core.models import User

    return User.objects.get(username="county")


def test_an_unknown_ledger_is_404(login, county) -> None:
    assert login(county).get(reverse("ledgers:export", args=["nothing"])).status_code == 404


def test_the_export_page_says_the_rows_and_the_filter(login, county, tree) -> None:
    response = login(county).get(ROSTER, {"org": tree.town_a.pk})
    assert response.status_code == 200
    page = response.content.decode()
    # 甲镇: a1, a2 and the member shared from A2.
    assert 'data-testid="export-rows">3<' in page
    assert "组织：甲镇" in page or "甲镇" in page


def test_a_county_export_holds_exactly_the_county_rows(login, county, members) -> None:
    """County staff export what their register lists: every member of the county, once."""
    response = login(county).post(ROSTER)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    rows = read_back(response)
    assert names_in(rows) == {"王甲一", "王甲二", "王县直", "王乙一", "王流入"}
    assert len(rows) == 3 + 5


def test_a_secretary_cannot_widen_the_export_by_the_query_string(
    login, secretary, tree, members
) -> None:
    """A forged organization outside the secretary's scope is not a filter they may use: the
    export holds their branch's rows, as the list page does."""
    client = login(secretary)
    for query in ({"org": tree.county.pk}, {"org": tree.b1.pk}, {"org": "1 OR 1=1"}, {}):
        rows = read_back(client.post(f"{ROSTER}?{_qs(query)}"))
        assert names_in(rows) == {"王甲一"}, query


def _qs(query: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(query)


def test_the_roster_filter_applies(login, county, tree, members) -> None:
    rows = read_back(login(county).post(f"{ROSTER}?org={tree.town_b.pk}"))
    assert names_in(rows) == {"王乙一"}
    assert "乙镇" in rows[1][0]


def test_id_numbers_are_masked_unless_asked_for_and_allowed(
    login, secretary, county, members
) -> None:
    a1 = members["a1"]
    masked = read_back(login(secretary).post(ROSTER))
    assert masked[3][3] == mask_id_number(a1.id_number)
    full = read_back(login(secretary).post(ROSTER, {"full_ids": "on"}))
    assert full[3][3] == a1.id_number
    assert "完整身份证号码" in full[1][0]


def test_an_inspector_may_not_export_full_numbers(login, inspector, members) -> None:
    client = login(inspector)
    assert client.post(ROSTER, {"full_ids": "on"}).status_code == 403
    rows = read_back(client.post(ROSTER))
    numbers = {row[3] for row in rows[3:]}
    assert numbers == {mask_id_number(m.id_number) for m in members.values()}
    assert "full_ids" not in client.get(ROSTER).content.decode()


def test_full_numbers_only_for_the_home_side(login, station, members) -> None:
    """The station sees the member shared with it, but is not the home side: even with full
    numbers asked for, that member's number stays masked (members.access)."""
    rows = read_back(login(station).post(ROSTER, {"full_ids": "on"}))
    assert [row[3] for row in rows[3:]] == [mask_id_number(members["shared"].id_number)]


def test_every_export_is_audited(login, county, tree) -> None:
    login(county).post(f"{ROSTER}?org={tree.town_a.pk}", {"full_ids": "on"})
    entry = AuditEntry.objects.filter(event="export.ledger").latest("timestamp")
    assert entry.actor == county
    assert entry.changes["ledger"] == "roster"
    assert entry.changes["rows"] == 3
    assert entry.changes["full_ids"] is True
    assert "甲镇" in entry.changes["filter"]
    assert entry.org_path == tree.county.path
    job = ExportJob.objects.get(pk=entry.object_pk)
    assert (job.requested_by, job.mode, job.status) == (county, ExportMode.DIRECT, "done")


def test_the_roster_columns_are_the_sixteen_items_in_order(login, county, members) -> None:
    """The national member collection form's 16 items, in its order (MISSION.md)."""
    rows = read_back(login(county).post(ROSTER))
    assert rows[0][0] == "党员花名册"
    assert rows[2] == (
        "姓名",
        "性别",
        "民族",
        "公民身份号码",
        "出生日期",
        "学历",
        "人员类别",
        "所在党支部",
        "入党日期",
        "转为正式党员日期",
        "工作岗位",
        "联系电话",
        "家庭住址",
        "党籍状态",
        "是否失联",
        "失联时间（年月）",
        "是否流动党员",
        "外出流向（省市县）",
    )


def test_a_roster_row_against_its_member(login, county, tree) -> None:
    member = MemberFactory.create(
        name="=SUM(A1)",
        home_org=tree.b1,
        gender="F",
        birth_date=dt.date(1990, 5, 6),
        joined_on=dt.date(2015, 7, 1),
        full_member_on=dt.date(2016, 7, 1),
        lost_contact=True,
        lost_contact_since=dt.date(2025, 3, 9),
        is_mobile=True,
        mobile_destination="广东省深圳市南山区",
    )
    body = b"".join(login(county).post(f"{ROSTER}?org={tree.b1.pk}").streaming_content)
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    (row,) = [line for line in sheet.iter_rows(min_row=4) if line[0].value == "=SUM(A1)"]
    values = {sheet.cell(3, c.column).value: c for c in row}
    assert values["姓名"].value == "=SUM(A1)"
    assert values["姓名"].data_type == "s"
    assert values["性别"].value == "女"
    assert values["所在党支部"].value == "乙一支部"
    assert values["出生日期"].value.date() == dt.date(1990, 5, 6)
    assert values["出生日期"].number_format == "yyyy-mm-dd"
    assert values["公民身份号码"].data_type == "s"
    assert values["是否失联"].value == "是"
    assert values["失联时间（年月）"].value == "2025-03"
    assert values["外出流向（省市县）"].value == "广东省深圳市南山区"
    assert Member.objects.filter(pk=member.pk).exists()


def test_an_exports_queries_do_not_grow_with_its_rows(login, county, tree) -> None:
    client = login(county)
    client.post(ROSTER)  # warm: sessions, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.post(ROSTER).status_code == 200
        return len(queries)

    before = count()
    MemberFactory.create_batch(30, home_org=tree.a2)
    assert count() == before


def test_a_big_export_runs_in_the_background_with_progress(
    login, county, secretary, settings, django_capture_on_commit_callbacks
) -> None:
    settings.LEDGERS_DIRECT_MAX_ROWS = 2
    client = login(county)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ROSTER)
    job = ExportJob.objects.get(requested_by=county)
    assert response.status_code == 302
    assert response["Location"] == reverse("ledgers:job", args=[job.pk])
    assert (job.mode, job.status, job.rows_total, job.rows_done) == ("task", "done", 5, 5)
    assert job.expires_at is not None
    assert job.expires_at > timezone.now() + dt.timedelta(hours=23)
    page = client.get(response["Location"]).content.decode()
    assert "export-download" in page
    assert "every 1s" not in page
    download = client.get(reverse("ledgers:download", args=[job.pk]))
    assert download.status_code == 200
    assert names_in(read_back(download)) == {"王甲一", "王甲二", "王县直", "王乙一", "王流入"}
    events = AuditEntry.objects.filter(object_pk=str(job.pk)).values_list("event", flat=True)
    assert sorted(events) == ["export.download", "export.ledger"]
    # The file is the requester's alone: a secretary, or anyone else, gets a 404.
    other = login(secretary)
    assert other.get(reverse("ledgers:job", args=[job.pk])).status_code == 404
    assert other.get(reverse("ledgers:download", args=[job.pk])).status_code == 404


def test_a_running_export_shows_its_progress_and_polls(login, county) -> None:
    job = ExportJob.objects.create(
        ledger="roster",
        title="党员花名册",
        requested_by=county,
        mode=ExportMode.TASK,
        status=ExportStatus.RUNNING,
        rows_total=1000,
        rows_done=250,
    )
    client = login(county)
    page = client.get(reverse("ledgers:job", args=[job.pk])).content.decode()
    assert 'value="25"' in page
    assert "every 1s" in page
    assert "export-download" not in page
    part = client.get(reverse("ledgers:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert part.content.decode().lstrip().startswith('<div id="export-status"')


def test_an_expired_export_is_removed_and_no_longer_downloadable(
    login, county, settings, django_capture_on_commit_callbacks
) -> None:
    settings.LEDGERS_DIRECT_MAX_ROWS = 0
    client = login(county)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ROSTER)
    job = ExportJob.objects.get(requested_by=county)
    path = Path(settings.PRIVATE_MEDIA_ROOT) / job.file
    assert path.exists()
    assert exports.expire(timezone.now()) == 0
    assert job.expires_at is not None
    assert exports.expire(job.expires_at + dt.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert (job.status, job.file, path.exists()) == ("expired", "", False)
    assert client.get(reverse("ledgers:download", args=[job.pk])).status_code == 404


def test_a_failed_export_says_so(login, county, django_capture_on_commit_callbacks) -> None:
    job = ExportJob.objects.create(
        ledger="no-such-ledger", title="x", requested_by=county, mode=ExportMode.TASK
    )
    exports.run_task(str(job.pk))
    job.refresh_from_db()
    assert job.status == "failed"
    assert "导出失败" in job.error
    assert not list((Path(settings.PRIVATE_MEDIA_ROOT) / "exports").glob("**/*.part"))


def test_a_forged_job_id_is_404(login, county) -> None:
    client = login(county)
    assert client.get("/ledgers/exports/not-a-uuid/").status_code == 404
    assert (
        client.get(
            reverse("ledgers:job", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )


def test_my_exports_lists_only_mine(login, county, secretary) -> None:
    ExportJob.objects.create(ledger="roster", title="县的导出", requested_by=county, mode="task")
    ExportJob.objects.create(
        ledger="roster", title="支部的导出", requested_by=secretary, mode="task"
    )
    page = login(secretary).get(reverse("ledgers:jobs")).content.decode()
    assert "支部的导出" in page
    assert "县的导出" not in page


def test_a_nul_in_the_query_string_is_dropped_not_a_500(login, county) -> None:
    response = login(county).post(f"{ROSTER}?q=%E7%8E%8B%00&org=%00")
    assert response.status_code == 200
    job = ExportJob.objects.get(requested_by=county)
    assert job.params == {"q": ["王"], "org": [""]}
