"""Issue 13's "done when" in a real browser: the branch secretary imports members from the
template with one bad row, sees the error on that row, fixes the file and imports it; the
county officer exports the mobile-member ledger, watches its progress bar while a real Celery
worker writes it, and downloads the file (read back: headers and row count)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from openpyxl import load_workbook  # type: ignore[import-untyped]
from playwright.sync_api import expect

from members.builders import away, check_in
from members.models import Member
from tests.factories import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)

GOOD = make_id_number(dt.date(1993, 4, 5), sequence=611, gender="M", region="330102")
OTHER = make_id_number(dt.date(1994, 6, 7), sequence=612, gender="F", region="330102")
#: OTHER with a wrong check character (GB 11643).
WRONG = OTHER[:-1] + ("1" if OTHER[-1] != "1" else "2")


def fill_template(template: Path, rows: list[dict[str, object]], out: Path) -> Path:
    book = load_workbook(template)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for number, values in enumerate(rows, start=2):
        for column, header in enumerate(headers, start=1):
            if header in values:
                sheet.cell(row=number, column=column, value=values[header])
    book.save(out)
    return out


def member_row(name: str, number: str, gender: str) -> dict[str, object]:
    return {
        "姓名": name,
        "性别": gender,
        "民族": "汉族",
        "公民身份号码": number,
        "学历": "大学本科",
        "人员类别": "外出务工人员",
        "所在党支部": "甲一支部",
        "入党日期": "2018-07-01",
        "转为正式党员日期": "2019-07-01",
        "联系电话": "13800002222",
    }


def test_secretary_imports_members_fixing_a_bad_row(
    page_for, live_server, secretary, tree, members, tmp_path
):
    context, page = page_for("secretary")
    page.goto(f"{live_server.url}/members/")
    page.get_by_test_id("import-members").click()
    expect(page.locator("h1")).to_have_text("导入党员信息")
    with page.expect_download() as download:
        page.get_by_test_id("import-template").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    rows = [member_row("赵新增", GOOD, "男"), member_row("钱错号", WRONG, "女")]
    bad = fill_template(template, rows, tmp_path / "bad.xlsx")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("有问题")
    problem = page.get_by_test_id("import-problems").locator("tbody tr")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("第 3 行")
    expect(problem).to_contain_text("公民身份号码")
    expect(page.get_by_test_id("import-confirm")).to_have_count(0)
    assert not Member.objects.filter(id_number=GOOD).exists()

    rows[1]["公民身份号码"] = OTHER
    fixed = fill_template(template, rows, tmp_path / "fixed.xlsx")
    page.get_by_role("link", name="上传其他文件").click()
    page.set_input_files("input[type=file]", str(fixed))
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("待确认导入")
    expect(page.get_by_test_id("import-counts")).to_contain_text("新增：2")
    page.get_by_test_id("import-confirm").click()
    expect(page.locator("body")).to_contain_text("已导入：新增 2 人，更新 0 人，0 人无变化。")
    imported = Member.objects.get(id_number=OTHER)
    assert (imported.name, imported.gender, imported.home_org) == ("钱错号", "F", tree.a1)
    context.close()


def test_county_exports_the_mobile_ledger_with_a_progress_bar(
    page_for, live_server, redis_app, settings, superuser, county, tree, members, tmp_path
):
    """Every export goes to the worker here (LEDGERS_DIRECT_MAX_ROWS = 0). The worker starts
    only once the job's page shows it queued, so the bar is seen moving to the end."""
    settings.LEDGERS_DIRECT_MAX_ROWS = 0
    away(members["a1"], actor=superuser)
    away(members["b1"], actor=superuser)
    arriving = MemberFactory.create(name="孙流入", home_org=tree.a2)
    away(arriving, actor=superuser)
    check_in(arriving, actor=superuser, at=tree.bs)

    context, page = page_for("county")
    page.goto(f"{live_server.url}/members/mobile/away/")
    page.get_by_role("link", name="导出台账").click()
    page.get_by_role("button", name="导出Excel").click()
    expect(page.get_by_test_id("export-state")).to_contain_text("排队中")
    expect(page.get_by_test_id("export-progress")).to_have_attribute("value", "0")
    queue = redis_app.conf.task_default_queue
    with start_worker(redis_app, queues=[queue], perform_ping_check=False, shutdown_timeout=10):
        expect(page.get_by_test_id("export-download")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("export-progress")).to_have_attribute("value", "100")
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    path = tmp_path / "mobile.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(io.BytesIO(path.read_bytes())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "流动党员台账"
    assert rows[2][0] == "姓名"
    names = {row[0] for row in rows[3:] if row[0]}
    assert {"王甲一", "王乙一", "孙流入"} <= names
    context.close()
