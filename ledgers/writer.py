"""The Excel ledger writer (台账): a ledger is a declared list of columns (Chinese header, how to
read the value from a row, width, kind) written by XlsxWriter in constant-memory mode (rows go
straight to disk: a province's roster never sits in memory whole). XlsxWriter, not openpyxl's
write-only mode: 1.13x the rows per second writing the roster's own rows, measured at province
scale (docs/benchmarks.md, "Ledgers (issue 13)"); imports still read with openpyxl.

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

Each feature's `ledger.py` declares its ledgers on this (ledgers.registry)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

# XlsxWriter ships no type information.
import xlsxwriter  # type: ignore[import-untyped]
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
    """One ledger's workbook, written to `target` as its rows are appended (`write_ledger` for
    the whole): XlsxWriter in constant-memory mode, each row on disk as soon as it is written."""

    def __init__(self, ledger: Ledger, target: str | IO[bytes], *, heading: str) -> None:
        self.ledger = ledger
        self.book = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                # A text is a text: never a formula, a number or a link (CSV/formula injection).
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.sheet = self.book.add_worksheet(str(ledger.sheet)[:SHEET_NAME_MAX])
        self.rows = 0
        self.totals = [Decimal(0) for _ in ledger.columns]
        self._row = 3  # the first record's row (0-based): after title, heading and header
        self._totals = [column.total for column in ledger.columns]
        self._readers = [(column.reader(), column.kind) for column in ledger.columns]
        book = self.book
        self._quoted = book.add_format({"quote_prefix": True})
        self._formats = {
            "idcard": book.add_format({"num_format": "@"}),
            "idcard_quoted": book.add_format({"num_format": "@", "quote_prefix": True}),
            "date": book.add_format({"num_format": FORMATS["date"]}),
            "amount": book.add_format({"num_format": FORMATS["amount"]}),
        }
        self._setup(heading)

    def _setup(self, heading: str) -> None:
        sheet, columns, book = self.sheet, self.ledger.columns, self.book
        for number, column in enumerate(columns):
            sheet.set_column(number, number, column.width)
        if self.ledger.landscape:
            sheet.set_landscape()
        else:
            sheet.set_portrait()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
        sheet.repeat_rows(2)  # the header row on every printed page
        sheet.freeze_panes(3, 0)
        sheet.write_string(
            0, 0, str(self.ledger.title), book.add_format({"bold": True, "size": 14})
        )
        self._write_text(1, 0, heading)
        header = book.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True}
        )
        for number, column in enumerate(columns):
            sheet.write_string(2, number, str(column.header), header)

    def _write_text(self, row: int, column: int, text: str, kind: str = "text") -> None:
        """A text cell; one that would read as a formula keeps its text, quote-prefixed."""
        quoted = text[:1] in FORMULA_FIRST
        if kind == "idcard":
            cell_format = self._formats["idcard_quoted" if quoted else "idcard"]
        else:
            cell_format = self._quoted if quoted else None
        self.sheet.write_string(row, column, text, cell_format)

    def append(self, row: Any) -> None:
        # The hot loop of a province's roster (a million rows): each value goes straight to the
        # cell writer of its kind.
        sheet, at = self.sheet, self._row
        for index, (read, kind) in enumerate(self._readers):
            value = read(row)
            if value is None or value == "":
                continue
            if kind == "text":
                text = value if type(value) is str else str(value)
                if text[0] in FORMULA_FIRST:
                    sheet.write_string(at, index, text, self._quoted)
                else:
                    sheet.write_string(at, index, text)
                continue
            value = cell_value(value, kind)
            if isinstance(value, str):
                self._write_text(at, index, value, kind)
            elif kind == "date":
                sheet.write_datetime(at, index, value, self._formats["date"])
            else:
                if self._totals[index]:
                    self.totals[index] += value
                if kind == "amount":
                    sheet.write_number(at, index, float(value), self._formats["amount"])
                else:
                    sheet.write_number(at, index, value)
        self._row += 1
        self.rows += 1

    def close(self) -> int:
        """Write the totals row (if any) and finish the file; the number of records written."""
        if self.ledger.has_totals:
            bold = self.book.add_format({"bold": True})
            for index, column in enumerate(self.ledger.columns):
                if index == 0:
                    self.sheet.write_string(self._row, 0, str(self.ledger.totals_label), bold)
                elif column.total:
                    number_format: dict[str, Any] = {"bold": True}
                    if column.kind == "amount":
                        number_format["num_format"] = FORMATS["amount"]
                    self.sheet.write_number(
                        self._row,
                        index,
                        float(self.totals[index]),
                        self.book.add_format(number_format),
                    )
        self.book.close()
        return self.rows


def write_ledger(
    ledger: Ledger, rows: Iterable[Any], target: str | IO[bytes], *, heading: str
) -> int:
    """Write `ledger` with `rows` to `target` (a path or a binary file); the records written.
    `heading` is the second row: whose ledger, which filter, which day."""
    writer = LedgerWriter(ledger, target, heading=heading)
    for row in rows:
        writer.append(row)
    return writer.close()


__all__ = ["Column", "Ledger", "LedgerWriter", "cell_value", "write_ledger"]
