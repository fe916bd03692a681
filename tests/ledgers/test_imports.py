"""Importing members from the Excel template (issue 13, item 3 and "Bad input"): the template,
the preview with each problem on its row and column in Chinese, all-or-nothing commit, the
same file twice changing nothing, formulas never evaluated and written back escaped, and every
kind of bad file refused with nothing written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from core.models import AuditEntry
from ledgers.imports import clean_text
from ledgers.models import ImportBatch
from members.models import Member
from tests.factories import make_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

IMPORT = reverse("ledgers:import", args=["members"])
HEADERS = [
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
    "党员类型",
    "工作岗位",
    "联系电话",
    "家庭住址",
    "户籍所在地",
    "现居住地",
    "工作单位",
]
ID_1 = make_id_number(dt.date(1990, 1, 2), sequence=501, gender="M", region="330102")
ID_2 = make_id_number(dt.date(1991, 3, 4), sequence=502, gender="F", region="330102")
ID_3 = make_id_number(dt.date(1992, 5, 6), sequence=503, gender="M", region="330102")


def full_width(text: str) -> str:
    """`text` as a Chinese input method types it: full-width digits and letters."""
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


def row(name: str, number: str, **changes: Any) -> dict[str, Any]:
    values = {
        "姓名": name,
        "民族": "汉族",
        "公民身份号码": number,
        "学历": "大学本科",
        "人员类别": "外出务工人员",
        "所在党支部": "甲一支部",
        "入党日期": dt.date(2015, 7, 1),
        "转为正式党员日期": "2016-07-01",
        "联系电话": "13800001111",
    }
    values.update(changes)
    return values


def xlsx(rows: list[dict[str, Any]], headers: list[str] = HEADERS, merge: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(header) for header in headers])
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, body: bytes, name: str = "党员.xlsx"):
    response = client.post(IMPORT, {"file": SimpleUploadedFile(name, body)})
    assert response.status_code == 302, response.content[:500]
    return ImportBatch.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def problems(batch: ImportBatch) -> list[tuple[Any, str, str]]:
    return [(p["row"], p["column"], p["message"]) for p in batch.problems]


def test_the_template_has_the_columns_the_instructions_and_the_lists(login, secretary) -> None:
    response = login(secretary).get(reverse("ledgers:import_template", args=["members"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    data, instructions, options = book.worksheets
    assert [cell.value for cell in data[1]] == HEADERS
    assert instructions.title == "填表说明"
    assert "公民身份号码" in [row[0] for row in instructions.iter_rows(values_only=True)]
    assert options.sheet_state == "hidden"
    assert data.data_validations.dataValidation, "drop-down lists"
    # The branch list offers the secretary's own branch only.
    branches = {value for line in options.iter_rows(values_only=True) for value in line}
    assert "甲一支部" in branches
    assert "乙一支部" not in branches
    assert "甲二支部" not in branches


def test_a_good_file_is_previewed_then_imported(login, secretary, tree) -> None:
    client = login(secretary)
    batch = upload(client, xlsx([row("赵导入", ID_1), row("钱导入", ID_2, 性别="女")]))
    assert (batch.status, batch.rows, batch.counts["create"]) == ("ready", 2, 2)
    assert not Member.objects.filter(id_number__in=[ID_1, ID_2]).exists(), "preview only"
    page = client.get(reverse("ledgers:import_batch", args=[batch.pk])).content.decode()
    assert "import-confirm" in page
    response = client.post(reverse("ledgers:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "done"
    created = Member.objects.get(id_number=ID_2)
    assert (created.name, created.gender, created.home_org_id) == ("钱导入", "F", tree.a1.pk)
    assert created.birth_date == dt.date(1991, 3, 4)
    assert created.full_member_on == dt.date(2016, 7, 1)
    entry = AuditEntry.objects.get(event="import.ledger")
    assert entry.actor == secretary
    assert entry.changes["create"] == 2


def test_importing_the_same_file_again_changes_nothing(login, secretary) -> None:
    client = login(secretary)
    body = xlsx([row("赵导入", ID_1), row("钱导入", ID_2, 性别="女")])
    first = upload(client, body)
    client.post(reverse("ledgers:import_confirm", args=[first.pk]))
    stamps = dict(Member.objects.filter(id_number__in=[ID_1, ID_2]).values_list("pk", "updated_at"))
    entries = AuditEntry.objects.count()
    again = upload(client, body)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 2}
    client.post(reverse("ledgers:import_confirm", args=[again.pk]))
    again.refresh_from_db()
    assert again.status == "done"
    after = dict(Member.objects.filter(id_number__in=[ID_1, ID_2]).values_list("pk", "updated_at"))
    assert after == stamps
    # Only the import itself is recorded: no member changed.
    assert AuditEntry.objects.count() == entries + 1


def test_a_registered_member_is_updated_by_the_filled_columns_only(
    login, secretary, members
) -> None:
    member = members["a1"]
    client = login(secretary)
    values = {"姓名": member.name, "公民身份号码": member.id_number, "联系电话": "13911112222"}
    headers = [
        "姓名",
        "公民身份号码",
        "联系电话",
        "民族",
        "学历",
        "人员类别",
        "所在党支部",
        "入党日期",
    ]
    batch = upload(client, xlsx([values], headers=headers))
    assert batch.problems == []
    assert batch.counts == {"create": 0, "update": 1, "unchanged": 0}
    client.post(reverse("ledgers:import_confirm", args=[batch.pk]))
    member.refresh_from_db()
    assert member.phone == "13911112222"
    assert member.education == members["a1"].education


def test_one_bad_row_shows_its_row_and_column_and_nothing_is_written(login, secretary) -> None:
    bad = ID_3[:-1] + ("0" if ID_3[-1] != "0" else "1")  # a wrong check digit
    client = login(secretary)
    batch = upload(
        client,
        xlsx([row("赵导入", ID_1), row("孙错号", bad), row("李日期", ID_2, 入党日期="明年")]),
    )
    assert batch.status == "invalid"
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [(3, "公民身份号码"), (4, "入党日期")]
    assert "校验" in found[0][2]
    assert found[1][2] == "不是日期：请写成 2024-03-01 的格式。"
    assert not Member.objects.filter(id_number=ID_1).exists()
    page = client.get(reverse("ledgers:import_batch", args=[batch.pk])).content.decode()
    assert "import-confirm" not in page
    assert "第 3 行" in page
    assert client.post(reverse("ledgers:import_confirm", args=[batch.pk])).status_code == 302
    assert not Member.objects.filter(id_number=ID_1).exists()


def test_the_commit_is_all_or_nothing(login, secretary, tree) -> None:
    """A row that became wrong between the preview and the confirmation (the number was
    registered meanwhile) stops every row: nothing is imported."""
    from tests.factories import MemberFactory

    client = login(secretary)
    batch = upload(client, xlsx([row("赵导入", ID_1), row("钱导入", ID_2, 性别="女")]))
    assert batch.status == "ready"
    MemberFactory.create(
        name="别处", id_number=ID_2, gender="F", birth_date=dt.date(1991, 3, 4), home_org=tree.b1
    )
    client.post(reverse("ledgers:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "invalid"
    assert [(r, c) for r, c, _m in problems(batch)] == [(3, "公民身份号码")]
    assert not Member.objects.filter(id_number=ID_1).exists()


def test_formulas_are_text_and_written_back_escaped(login, secretary, county) -> None:
    client = login(secretary)
    formula = '=HYPERLINK("http://evil.example","点我")'
    batch = upload(client, xlsx([row("赵公式", ID_1, 工作岗位=formula, 家庭住址="@SUM(1)")]))
    client.post(reverse("ledgers:import_confirm", args=[batch.pk]))
    member = Member.objects.get(id_number=ID_1)
    assert (member.job, member.home_address) == (formula, "@SUM(1)")
    response = login(county).post(reverse("ledgers:export", args=["roster"]) + "?q=赵公式")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    job = sheet.cell(4, 11)
    assert (job.value, job.data_type) == (formula, "s")
    assert job.quotePrefix


def test_cells_are_cleaned_at_the_edge() -> None:
    """NUL and control characters cannot be in an xlsx cell's XML, but a file written by
    other tools may escape them; whatever arrives, they are dropped."""
    assert clean_text("赵\x00全\x07角\n") == "赵全角"
    assert clean_text(12345.0) == "12345"
    assert clean_text(dt.datetime(2024, 3, 1, 0, 0)) == "2024-03-01"


def test_unicode_digits_and_spaces_are_normalized(login, secretary) -> None:
    client = login(secretary)
    batch = upload(
        client, xlsx([row(" 赵全角\t", full_width(ID_1), 联系电话=full_width("13800001111"))])
    )
    assert batch.problems == []
    client.post(reverse("ledgers:import_confirm", args=[batch.pk]))
    member = Member.objects.get(id_number=ID_1)
    assert (member.name, member.phone) == ("赵全角", "13800001111")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"name,id\n", "不是Excel文件"),
        (b"PK\x03\x04 broken", "不是Excel文件"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused(login, secretary, body, expected) -> None:
    batch = upload(login(secretary), body)
    assert batch.status == "invalid"
    assert expected in batch.problems[0]["message"]


def test_a_zip_bomb_is_refused(login, secretary) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    batch = upload(login(secretary), out.getvalue())
    assert batch.status == "invalid"
    assert "损坏或被篡改" in batch.problems[0]["message"]


def test_a_50_mb_file_is_refused_and_not_kept(login, secretary) -> None:
    batch = upload(login(secretary), b"PK" + b"\0" * (50 * 1024 * 1024))
    assert batch.status == "invalid"
    assert "文件过大" in batch.problems[0]["message"]
    assert batch.file == ""


def test_wrong_missing_and_repeated_headers(login, secretary) -> None:
    headers = ["姓名", "姓名", "身份证", "民族", "学历", "人员类别", "所在党支部", "入党日期"]
    batch = upload(login(secretary), xlsx([{}], headers=headers))
    assert batch.status == "invalid"
    found = {(c, m) for _r, c, m in problems(batch)}
    assert ("姓名", "该列出现了两次。") in found
    assert ("", "未知的列“身份证”。") in found
    assert ("公民身份号码", "缺少必填的列。") in found


def test_merged_cells_are_refused(login, secretary) -> None:
    batch = upload(login(secretary), xlsx([row("赵导入", ID_1)], merge="A2:B2"))
    assert batch.status == "invalid"
    assert "合并单元格" in batch.problems[0]["message"]
    assert "A2:B2" in batch.problems[0]["message"]


def test_empty_rows_are_skipped_and_an_empty_file_said_so(login, secretary) -> None:
    client = login(secretary)
    batch = upload(client, xlsx([{}, row("赵导入", ID_1), {}, {}, row("钱导入", ID_2, 性别="女")]))
    assert (batch.status, batch.rows) == ("ready", 2)
    empty = upload(client, xlsx([{}, {}]))
    assert problems(empty) == [(None, "", "文件中没有要导入的行。")]


def test_duplicates_in_the_file_and_against_the_register(login, secretary, members) -> None:
    other = members["b1"].id_number  # registered in B1, outside the secretary's scope
    client = login(secretary)
    batch = upload(client, xlsx([row("赵导入", ID_1), row("赵重复", ID_1), row("冒名", other)]))
    found = problems(batch)
    assert found[0][:2] == (3, "公民身份号码")
    assert found[0][2] == "与第 2 行的公民身份号码相同。"
    assert found[1][:2] == (4, "公民身份号码")
    assert "已在其他党组织登记" in found[1][2]


def test_an_unknown_or_out_of_scope_organization(login, secretary) -> None:
    """A branch outside the importer's scope reads exactly as one that does not exist."""
    client = login(secretary)
    batch = upload(
        client,
        xlsx(
            [row("赵导入", ID_1, 所在党支部="乙一支部"), row("钱导入", ID_2, 所在党支部="无此支部")]
        ),
    )
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [(2, "所在党支部"), (3, "所在党支部")]
    assert found[0][2] == found[1][2]


def test_dates_of_year_1_and_9999_are_field_errors(login, secretary) -> None:
    batch = upload(
        login(secretary),
        xlsx([row("赵导入", ID_1, 入党日期="0001-01-01", 转为正式党员日期="9999-12-31")]),
    )
    assert {(r, c) for r, c, _m in problems(batch)} == {(2, "入党日期"), (2, "转为正式党员日期")}


def test_an_import_batch_is_its_uploaders_alone(login, secretary, secretary2, inspector) -> None:
    batch = upload(login(secretary), xlsx([row("赵导入", ID_1)]))
    assert (
        login(secretary2).get(reverse("ledgers:import_batch", args=[batch.pk])).status_code == 404
    )
    response = login(secretary2).post(reverse("ledgers:import_confirm", args=[batch.pk]))
    assert response.status_code == 404
    assert login(inspector).get(IMPORT).status_code == 403
    assert not Member.objects.filter(id_number=ID_1).exists()


def test_a_big_file_is_checked_and_imported_by_the_worker(
    login, secretary, settings, django_capture_on_commit_callbacks
) -> None:
    """Over LEDGERS_IMPORT_DIRECT_MAX_BYTES the check and the import run as Celery tasks (run
    eagerly here; tests/browser/test_ledgers_journey.py runs a real worker for an export);
    the page shows the progress and polls until they finish."""
    settings.LEDGERS_IMPORT_DIRECT_MAX_BYTES = 0
    client = login(secretary)
    body = xlsx([row("赵导入", ID_1), row("钱导入", ID_2, 性别="女")])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        batch = upload(client, body)
    assert (batch.status, batch.in_background) == ("checking", True)
    page = client.get(reverse("ledgers:import_batch", args=[batch.pk])).content.decode()
    assert "every 1s" in page
    assert "import-progress" in page
    assert "import-confirm" not in page
    for callback in queued:
        callback()
    batch.refresh_from_db()
    assert (batch.status, batch.counts["create"]) == ("ready", 2)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledgers:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done"
    assert Member.objects.filter(id_number__in=[ID_1, ID_2]).count() == 2
    assert AuditEntry.objects.filter(event="import.ledger", object_pk=str(batch.pk)).exists()


def test_a_failed_background_import_says_so_and_writes_nothing(login, secretary) -> None:
    from ledgers import batches

    batch = upload(login(secretary), xlsx([row("赵导入", ID_1)]))
    ImportBatch.objects.filter(pk=batch.pk).update(status="importing", file="imports/../x.xlsx")
    batches.run_commit_safely(batch.pk)
    batch.refresh_from_db()
    assert batch.status == "invalid"
    assert "导入失败" in batch.problems[0]["message"]
    assert not Member.objects.filter(id_number=ID_1).exists()
