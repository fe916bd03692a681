"""The Excel ledger writer (issue 13's base): title and heading rows, a frozen header repeated
on every page, ID-card numbers as text, dates as dates, amounts as numbers, a totals row, A4
landscape, and no text ever read as a formula."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl  # type: ignore[import-untyped]
import pytest

from ledgers.writer import Column, Ledger, cell_value, write_ledger

LEDGER = Ledger(
    title="党员花名册",
    sheet="花名册",
    columns=(
        Column("姓名", "name", width=10),
        Column("公民身份号码", "id_number", width=20, kind="idcard"),
        Column("入党时间", "joined_on", kind="date"),
        Column("所在支部", "home_org__name", width=24),
        Column("欠缴金额（元）", lambda m: m.owed, kind="amount", total=True),
        Column("欠缴月数", "months", kind="int", total=True),
    ),
)


def member(name: str, id_number: str, owed: str, months: int, org: str = "甲一支部"):
    return SimpleNamespace(
        name=name,
        id_number=id_number,
        joined_on=dt.date(2001, 7, 1),
        home_org=SimpleNamespace(name=org),
        owed=Decimal(owed),
        months=months,
    )


def written(rows, heading="青溪镇党委 · 全部 · 2026-12-01"):
    out = io.BytesIO()
    count = write_ledger(LEDGER, rows, out, heading=heading)
    out.seek(0)
    return count, openpyxl.load_workbook(out)


def test_the_ledger_file_has_the_official_shape() -> None:
    rows = [
        member("王甲一", "11010519491231002X", "120.5", 3),
        member("李乙二", "110105194912310021", "40", 1, org="甲二支部"),
    ]
    count, book = written(rows)
    assert count == 2
    assert book.sheetnames == ["花名册"]
    sheet = book["花名册"]
    assert sheet["A1"].value == "党员花名册"
    assert sheet["A2"].value == "青溪镇党委 · 全部 · 2026-12-01"
    assert [c.value for c in sheet[3]] == [
        "姓名",
        "公民身份号码",
        "入党时间",
        "所在支部",
        "欠缴金额（元）",
        "欠缴月数",
    ]
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.column_dimensions["B"].width == pytest.approx(20, abs=1)
    first = sheet[4]
    # An ID-card number is text, all 18 characters (a number would lose the last digits).
    assert (first[1].value, first[1].data_type, first[1].number_format) == (
        "11010519491231002X",
        "s",
        "@",
    )
    assert sheet["B5"].value == "110105194912310021"
    assert sheet["B5"].data_type == "s"
    assert first[2].is_date
    assert first[2].value == dt.datetime(2001, 7, 1)
    assert first[3].value == "甲一支部"
    assert (first[4].value, first[4].number_format) == (120.5, "#,##0.00")
    assert first[5].value == 3
    totals = [c.value for c in sheet[6]]
    assert totals[0] == "合计"
    assert totals[4] == pytest.approx(160.5)
    assert totals[5] == 4
    assert sheet.max_row == 6


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)"])
def test_a_text_is_never_a_formula(hostile) -> None:
    """A name or employer typed as a formula stays the text it is, quote-prefixed."""
    _count, book = written([member(hostile, "11010519491231002X", "0", 0)], heading=hostile)
    sheet = book.active
    for cell in (sheet["A4"], sheet["A2"]):
        assert cell.value == hostile
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_an_empty_ledger_still_has_its_headers_and_totals() -> None:
    count, book = written([])
    assert count == 0
    sheet = book.active
    assert sheet["A3"].value == "姓名"
    assert sheet["A4"].value == "合计"
    assert sheet["E4"].value == 0


def test_values_are_read_as_their_kind() -> None:
    assert cell_value(None, "amount") is None
    assert cell_value("", "date") is None
    assert cell_value(Decimal("3.456"), "amount") == Decimal("3.46")
    assert cell_value("not a number", "amount") == "not a number"
    assert cell_value("7", "int") == 7
    assert cell_value(dt.datetime(2026, 12, 1, 8, 0), "date") == dt.date(2026, 12, 1)
    assert cell_value(110105194912310021, "idcard") == "110105194912310021"
    with pytest.raises(ValueError, match="Unknown column kind"):
        Column("x", "x", kind="formula")


def test_a_missing_step_of_a_path_is_empty() -> None:
    row = SimpleNamespace(home_org=None)
    assert Column("支部", "home_org__name").read(row) is None
    assert Column("支部", "home_org__name").read({"home_org": {"name": "甲一支部"}}) == "甲一支部"
