"""The Excel ledger writer (台账): a ledger is a declared list of columns (Chinese header, how to
read the value from a row, width, kind) written by openpyxl in write-only mode (rows go straight
to disk: a province's roster never sits in memory whole).

Every ledger file has the same shape, the one county staff hand to the organization department:

- a title row (the ledger's name), and a row saying whose it is, which filter and which day;
- the header row, frozen, repeated on every printed page;
- one row per record: ID-card numbers as text (never a number that Excel rounds), dates as
  dates, amounts as numbers with two decimals, whole numbers as numbers;
- a totals row for the columns whose official form has one;
- A4 landscape, fitted to the page's width.

A text that starts with "=", "+", "-" or "@" is never a formula: it is written as text with
Excel's quote prefix (what Excel itself does for a typed "'=..."), so a name or an employer a
member typed cannot run in the county office's Excel (CSV/formula injection).

Issue 13 builds the ledgers on this (`members`, `transfers`, `education`, `oversight`): each
applies its columns to the same scoped, filtered queryset as its list page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# openpyxl ships no type information (and types-openpyxl is not installed).
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

#: The kinds of column and their Excel number formats ("@": text).
FORMATS = {
    "text": "@",
    "idcard": "@",
    "date": "yyyy-mm-dd",
    "amount": "#,##0.00",
    "int": "0",
}
#: The first characters that would make a spreadsheet read a text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
FORMULA_FIRST = frozenset(FORMULA_STARTS)
#: The totals row's label.
TOTAL = _("Total")
#: Excel's limit on a sheet name's length.
SHEET_NAME_MAX = 31


@dataclass(frozen=True)
class Column:
    """One column: its header, how to read its value from a row (an attribute path with
    "__" between steps, or a function of the row), its width in characters and its kind
    ("text", "idcard", "date", "amount", "int"); `total`: summed in the totals row."""

    header: str | Promise
    value: str | Callable[[Any], Any]
    width: float = 12
    kind: str = "text"
    total: bool = False

    def __post_init__(self) -> None:
        if self.kind not in FORMATS:
            raise ValueError(f"Unknown column kind {self.kind!r}")

    def reader(self) -> Callable[[Any], Any]:
        """`read`, compiled once per export: a function, or a key or attribute fetched
        directly when the path has one step."""
        value = self.value
        if callable(value):
            return value
        if "__" not in value:

            def fetch(row: Any) -> Any:
                return row.get(value) if isinstance(row, dict) else getattr(row, value)

            return fetch
        return self.read

    def read(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        found = row
        for step in self.value.split("__"):
            if found is None:
                return None
            found = found.get(step) if isinstance(found, dict) else getattr(found, step)
        return found


@dataclass(frozen=True)
class Ledger:
    """A ledger: its title, its sheet's name (Chinese; at most 31 characters) and its columns."""

    title: str | Promise
    sheet: str | Promise
    columns: tuple[Column, ...]
    #: The label of the totals row's first cell (only written if a column has `total`).
    totals_label: str | Promise = TOTAL
    landscape: bool = True

    @property
    def has_totals(self) -> bool:
        return any(column.total for column in self.columns)


def cell_value(value: Any, kind: str) -> Any:
    """`value` as the column's kind writes it: ID-card numbers and texts as text, dates as
    dates, amounts as exact decimals, whole numbers as ints; None stays empty."""
    if value is None or value == "":
        return None
    if kind in ("text", "idcard"):
        return str(value)
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        return value if isinstance(value, dt.date) else str(value)
    if kind == "amount":
        try:
            return Decimal(str(value)).quantize(Decimal("0.01"))
        except InvalidOperation:
            return str(value)
    if kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            return str(value)
    return value


class LedgerWriter:
    """One ledger's workbook, its rows appended one at a time (`write_ledger` for the whole)."""

    def __init__(self, ledger: Ledger, *, heading: str) -> None:
        self.ledger = ledger
        self.book = Workbook(write_only=True)
        self.sheet: WriteOnlyWorksheet = self.book.create_sheet(
            title=str(ledger.sheet)[:SHEET_NAME_MAX]
        )
        self.rows = 0
        self.totals = [Decimal(0) for _ in ledger.columns]
        self._totals = [column.total for column in ledger.columns]
        self._readers = [(column.reader(), column.kind) for column in ledger.columns]
        self._setup(heading)

    def _setup(self, heading: str) -> None:
        sheet, columns = self.sheet, self.ledger.columns
        for number, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = column.width
        sheet.page_setup.orientation = "landscape" if self.ledger.landscape else "portrait"
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "3:3"
        sheet.freeze_panes = "A4"
        title = WriteOnlyCell(sheet, value=str(self.ledger.title))
        title.font = Font(bold=True, size=14)
        sheet.append([title])
        sheet.append([self._text(heading)])
        headers = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=str(column.header))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            headers.append(cell)
        sheet.append(headers)

    def _text(self, value: str) -> Any:
        """A text cell; one that would read as a formula keeps its text, quote-prefixed."""
        cell = WriteOnlyCell(self.sheet, value=value)
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    def append(self, row: Any) -> None:
        # The hot loop of a province's roster (a million rows): plain values wherever the
        # cell needs no style of its own (openpyxl then reuses one cell object, and a date gets
        # its yyyy-mm-dd format by itself); a styled cell only for an ID-card number (text
        # format), an amount (two decimals) and a text that would read as a formula.
        values: list[Any] = []
        append = values.append
        for index, (read, kind) in enumerate(self._readers):
            value = read(row)
            if value is None or value == "":
                append(None)
                continue
            if kind == "text":
                text = value if type(value) is str else str(value)
                append(self._text(text) if text[0] in FORMULA_FIRST else text)
            elif kind == "date" and not isinstance(value, str):
                append(value.date() if isinstance(value, dt.datetime) else value)
            else:
                value = cell_value(value, kind)
                if self._totals[index] and isinstance(value, (int, Decimal)):
                    self.totals[index] += value
                if isinstance(value, str) and value[:1] in FORMULA_FIRST:
                    append(self._text(value))
                elif kind == "int" and not isinstance(value, str):
                    append(value)
                else:
                    cell = WriteOnlyCell(self.sheet, value=value)
                    cell.number_format = FORMATS[kind]
                    append(cell)
        self.sheet.append(values)
        self.rows += 1

    def close(self, target: str | IO[bytes]) -> int:
        """Write the totals row (if any) and the file; the number of records written."""
        if self.ledger.has_totals:
            cells: list[Any] = []
            for index, column in enumerate(self.ledger.columns):
                if index == 0:
                    value: Any = str(self.ledger.totals_label)
                elif column.total:
                    value = self.totals[index]
                else:
                    value = None
                cell = WriteOnlyCell(self.sheet, value=value)
                cell.font = Font(bold=True)
                if column.total:
                    cell.number_format = FORMATS[column.kind]
                cells.append(cell)
            self.sheet.append(cells)
        self.book.save(target)
        return self.rows


def write_ledger(
    ledger: Ledger, rows: Iterable[Any], target: str | IO[bytes], *, heading: str
) -> int:
    """Write `ledger` with `rows` to `target` (a path or a binary file); the records written.
    `heading` is the second row: whose ledger, which filter, which day."""
    writer = LedgerWriter(ledger, heading=heading)
    for row in rows:
        writer.append(row)
    return writer.close(target)


__all__ = ["Column", "Ledger", "LedgerWriter", "cell_value", "write_ledger"]
