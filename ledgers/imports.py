"""Importing from an Excel template: all or nothing, every row checked by the pages' own forms.

An import kind (`ImportSpec`, registered like ledgers: `IMPORTS` in a feature's `ledger`
module) declares its columns (`ImportColumn`: the template's header, the form field it fills,
how its text is read) and how one row becomes a change (`plan_row`: validated with the same
form the page uses, against the existing records) and is applied (`apply`: the page's action).

The file is read here, never trusted:

- it must be an xlsx under `LEDGERS_IMPORT_MAX_BYTES`, whose parts do not unzip to more than
  `LEDGERS_IMPORT_MAX_UNZIPPED_BYTES` nor by more than `MAX_RATIO` (a zip bomb);
- openpyxl reads it in read-only mode; formulas are never evaluated: a cell holding "=..." is
  its text, checked like any text, and written back quote-prefixed by the ledgers;
- the first sheet's first row holds the headers: each known at most once, none missing;
- merged cells are refused (a merged cell is one value in the first cell and nothing in the
  others, which would import as empty fields);
- empty rows are skipped; more than `LEDGERS_IMPORT_MAX_ROWS` rows are refused;
- each cell's text is normalized at the edge: NUL and control characters removed, full-width
  and other Unicode digits read as ASCII digits, surrounding spaces stripped.

`check` reads and plans every row and returns the problems, each with its row and column;
`commit` plans again (scope may have changed since the preview) and applies every row in one
transaction, or nothing. A row that changes nothing is not written: importing the same file
twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

# openpyxl ships no type information.
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from core.models import User
from core.validators import ascii_digits

#: A part that unzips to more than this many times its compressed size is a zip bomb (an
#: ordinary sheet compresses about 5-10 times; shared strings of repeated names up to ~30).
MAX_RATIO = 100
#: Control characters dropped from every cell (tab and newline become spaces).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
YES = ("是", "Y", "YES", "TRUE", "1", "有")
NO = ("否", "N", "NO", "FALSE", "0", "无")


class UnreadableFileError(Exception):
    """The file cannot be read as the template: one message for the whole file."""


@dataclass(frozen=True)
class ImportColumn:
    """A template column: its header, the form field it fills, how its text is read ("text",
    "date", "choice", "bool", "int"), whether a new record needs it, its choices (Django's
    (value, label) pairs, labels translated when read; the template offers the labels in a
    drop-down, and a cell may hold the label or the value), what the instructions say, its
    width."""

    header: str | Promise
    field: str
    kind: str = "text"
    required: bool = False
    choices: Any = ()
    help: str | Promise = ""
    width: float = 14

    def labelled(self) -> list[tuple[str, str]]:
        """(label, value) of each choice, in the active language."""
        return [(str(label), str(value)) for value, label in self.choices]


@dataclass
class Problem:
    """What is wrong, where: a row (its number in the sheet) and a column header, or neither
    for the whole file."""

    message: str
    row: int | None = None
    column: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Plan:
    """What one row will do: "create", "update" (with the fields that change) or "unchanged"."""

    row: int
    action: str
    label: str
    data: dict[str, Any] = field(default_factory=dict)
    target: Any = None


@dataclass
class Checked:
    plans: list[Plan]
    problems: list[Problem]
    rows: int

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for plan in self.plans:
            counts[plan.action] += 1
        return counts


class RowError(Exception):
    """A row's problems, raised by `plan_row` (field name or "" → messages)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


class ImportSpec:
    """One kind of import. Subclasses set `key`, `title`, `sheet`, `columns`, `list_url`, and
    implement `prepare` (bulk reads for all rows at once), `plan_row` and `apply`."""

    key: ClassVar[str]
    title: ClassVar[str | Promise]
    sheet: ClassVar[str | Promise]
    columns: ClassVar[tuple[ImportColumn, ...]]
    list_url: ClassVar[str]
    #: Instructions above the columns' own, on the template's instructions sheet.
    instructions: ClassVar[tuple[str | Promise, ...]] = ()

    def may_import(self, user: User) -> bool:
        raise NotImplementedError

    def choices_for(self, user: User, column: ImportColumn) -> Sequence[str]:
        """The labels the template's drop-down offers for `column`."""
        return [label for label, _value in column.labelled()]

    def prepare(self, user: User, rows: list[tuple[int, dict[str, Any]]]) -> Any:
        return None

    def plan_row(self, user: User, row: int, values: dict[str, Any], prepared: Any) -> Plan:
        raise NotImplementedError

    def apply(self, user: User, plan: Plan) -> None:
        raise NotImplementedError

    def header_of(self, name: str) -> str:
        for column in self.columns:
            if column.field == name:
                return str(column.header)
        return ""


_specs: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    _specs[spec.key] = spec
    return spec


def get(key: str) -> ImportSpec | None:
    return _specs.get(key)


def specs() -> Iterator[ImportSpec]:
    return iter(_specs.values())


# Reading ------------------------------------------------------------------------------------


def clean_text(value: Any) -> str:
    """A cell as text: control characters and NUL removed, tab and newlines as spaces, Unicode
    normalized (NFC), stripped. A formula is its text: nothing is evaluated."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()


def read_value(column: ImportColumn, value: Any) -> Any:
    """The cell's value as the form reads it (a date, a choice's value, a yes/no), or raise
    ValueError with the message for the person who typed it."""
    if isinstance(value, dt.datetime) and column.kind == "date":
        return value.date()
    if isinstance(value, dt.date) and column.kind == "date":
        return value
    text = clean_text(value)
    if not text:
        return ""
    if column.kind == "date":
        match = _DATE.match(ascii_digits(text))
        if not match:
            raise ValueError(_("Not a date: write it as 2024-03-01."))
        year, month, day = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            raise ValueError(_("Not a date: write it as 2024-03-01.")) from exc
    if column.kind == "choice":
        labelled = column.labelled()
        for label, choice in labelled:
            if text in (label, choice):
                return choice
        raise ValueError(
            _("“%(value)s” is not one of the choices: %(choices)s.")
            % {"value": text[:40], "choices": "、".join(label for label, _v in labelled)}
        )
    if column.kind == "bool":
        upper = ascii_digits(text).upper()
        if upper in YES:
            return True
        if upper in NO:
            return False
        raise ValueError(_("Write 是 or 否."))
    if column.kind == "int":
        digits = ascii_digits(text)
        if not digits.isdigit():
            raise ValueError(_("Write a whole number."))
        return int(digits)
    return text


def _check_zip(handle: IO[bytes], size: int) -> None:
    if size > settings.LEDGERS_IMPORT_MAX_BYTES:
        raise UnreadableFileError(
            _("The file is too big (%(size)s MB): at most %(max)s MB.")
            % {
                "size": f"{size / 1024 / 1024:.1f}",
                "max": settings.LEDGERS_IMPORT_MAX_BYTES // 1024 // 1024,
            }
        )
    handle.seek(0)
    if not zipfile.is_zipfile(handle):
        raise UnreadableFileError(_("This is not an Excel file (.xlsx): download the template."))
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if total > settings.LEDGERS_IMPORT_MAX_UNZIPPED_BYTES or ratio > MAX_RATIO:
                    raise UnreadableFileError(
                        _("The file unpacks to far more than it holds: it is damaged or forged.")
                    )
            sheets = sorted(
                name
                for name in archive.namelist()
                if name.startswith("xl/worksheets/sheet") and name.endswith(".xml")
            )
            if sheets:
                first = (
                    "xl/worksheets/sheet1.xml"
                    if "xl/worksheets/sheet1.xml" in sheets
                    else sheets[0]
                )
                _check_merged(archive.read(first))
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(
            _("This is not an Excel file (.xlsx): download the template.")
        ) from exc
    handle.seek(0)


_MERGED = re.compile(rb'<mergeCell [^>]*ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _check_merged(sheet_xml: bytes) -> None:
    found = _MERGED.findall(sheet_xml)
    if found:
        raise UnreadableFileError(
            _("The sheet has merged cells (%(cells)s): unmerge them and import again.")
            % {"cells": "、".join(ref.decode() for ref in found[:5])}
        )


def read_rows(
    spec: ImportSpec, handle: IO[bytes], size: int
) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """The rows of `handle` as (row number, field → raw cell value), and the problems that make
    the whole file unreadable (raised as UnreadableFileError) or a header wrong (returned)."""
    _check_zip(handle, size)
    try:
        book = load_workbook(handle, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise UnreadableFileError(_("The file cannot be read as an Excel workbook.")) from exc
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header_row = next(lines, None)
        if header_row is None:
            raise UnreadableFileError(_("The sheet is empty: fill in the template."))
        by_header = {str(column.header): column for column in spec.columns}
        positions: dict[int, ImportColumn] = {}
        problems: list[Problem] = []
        seen: set[str] = set()
        for index, raw in enumerate(header_row):
            header = clean_text(raw)
            if not header:
                continue
            column = by_header.get(header)
            if column is None:
                problems.append(
                    Problem(_("Unknown column “%(header)s”.") % {"header": header[:40]}, row=1)
                )
            elif header in seen:
                problems.append(Problem(_("The column is there twice."), row=1, column=header))
            else:
                seen.add(header)
                positions[index] = column
        for column in spec.columns:
            if column.required and str(column.header) not in seen:
                problems.append(
                    Problem(_("A required column is missing."), row=1, column=str(column.header))
                )
        if problems:
            return [], problems
        rows: list[tuple[int, dict[str, Any]]] = []
        for number, line in enumerate(lines, start=2):
            values = {
                positions[i].field: value
                for i, value in enumerate(line)
                if i in positions and clean_text(value) != ""
            }
            if not values:
                continue  # an empty row
            if len(rows) >= settings.LEDGERS_IMPORT_MAX_ROWS:
                raise UnreadableFileError(
                    _("More than %(max)s rows: split the file.")
                    % {"max": settings.LEDGERS_IMPORT_MAX_ROWS}
                )
            rows.append((number, values))
        return rows, []
    finally:
        book.close()


#: Progress is reported every this many rows: (rows done, rows in all).
PROGRESS_EVERY = 200
Progress = Callable[[int, int], None]


def check(
    spec: ImportSpec,
    user: User,
    handle: IO[bytes],
    size: int,
    progress: Progress | None = None,
) -> Checked:
    """Read and plan every row of the file: the plans, and every problem found."""
    try:
        raw_rows, problems = read_rows(spec, handle, size)
    except UnreadableFileError as exc:
        return Checked(plans=[], problems=[Problem(str(exc))], rows=0)
    if problems:
        return Checked(plans=[], problems=problems, rows=0)
    if not raw_rows:
        return Checked(plans=[], problems=[Problem(_("The file has no rows to import."))], rows=0)
    columns = {column.field: column for column in spec.columns}
    read: list[tuple[int, dict[str, Any]]] = []
    for number, values in raw_rows:
        parsed: dict[str, Any] = {}
        for name, value in values.items():
            try:
                parsed[name] = read_value(columns[name], value)
            except ValueError as exc:
                problems.append(Problem(str(exc), row=number, column=str(columns[name].header)))
        read.append((number, parsed))
    prepared = spec.prepare(user, read)
    plans: list[Plan] = []
    bad_rows = {problem.row for problem in problems}
    for index, (number, parsed) in enumerate(read, start=1):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index, len(read))
        if number in bad_rows:
            continue
        try:
            plans.append(spec.plan_row(user, number, parsed, prepared))
        except RowError as exc:
            for name, messages in exc.errors.items():
                for message in messages:
                    problems.append(
                        Problem(message, row=number, column=spec.header_of(name) if name else "")
                    )
    problems.sort(key=lambda p: (p.row or 0, p.column))
    return Checked(plans=plans, problems=problems, rows=len(raw_rows))


def commit(
    spec: ImportSpec,
    user: User,
    handle: IO[bytes],
    size: int,
    progress: Progress | None = None,
) -> Checked:
    """Check the file again and apply every row in one transaction; nothing if any row has a
    problem, or if an action refuses one (its message is the row's problem). `progress` hears
    the check's rows, then the writes' (each counted as done)."""
    checked = check(spec, user, handle, size, progress)
    if checked.problems:
        return checked
    try:
        with transaction.atomic():
            for index, plan in enumerate(checked.plans, start=1):
                if progress is not None and index % PROGRESS_EVERY == 0:
                    progress(index, len(checked.plans))
                if plan.action == "unchanged":
                    continue
                try:
                    spec.apply(user, plan)
                except ValidationError as exc:
                    messages = exc.messages
                    checked.problems = [Problem(m, row=plan.row) for m in messages]
                    raise
    except ValidationError:
        return checked
    return checked


def digest(handle: IO[bytes]) -> str:
    handle.seek(0)
    found = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 16), b""):
        found.update(chunk)
    handle.seek(0)
    return found.hexdigest()


# The template ------------------------------------------------------------------------------


def write_template(spec: ImportSpec, user: User, target: IO[bytes]) -> None:
    """The template: the data sheet (headers, required ones marked, drop-down lists for the
    choices), the instructions sheet, and a hidden sheet of the choices' lists."""
    book = Workbook()
    data = book.active
    data.title = str(spec.sheet)[:31]
    help_sheet = book.create_sheet(_("Instructions"))
    lists = book.create_sheet("选项")
    lists.sheet_state = "hidden"
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    list_column = 0
    for number, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(number)
        cell = data.cell(row=1, column=number, value=str(column.header))
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        if column.required:
            cell.fill = required_fill
        data.column_dimensions[letter].width = column.width
        # Texts stay texts: an ID-card number typed into a general cell becomes 1.1e17. The
        # column's own format: every cell typed into it is text.
        if column.kind in ("text", "choice"):
            data.column_dimensions[letter].number_format = "@"
        options = spec.choices_for(user, column)
        if options:
            list_column += 1
            list_letter = get_column_letter(list_column)
            for index, label in enumerate(options, start=1):
                lists.cell(row=index, column=list_column, value=label)
            validation = DataValidation(
                type="list",
                formula1=f"'选项'!${list_letter}$1:${list_letter}${len(options)}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=str(column.header),
                error=_("Choose from the list."),
            )
            validation.add(f"{letter}2:{letter}5000")
            data.add_data_validation(validation)
        elif column.kind == "bool":
            validation = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
            validation.add(f"{letter}2:{letter}5000")
            data.add_data_validation(validation)
    data.freeze_panes = "A2"
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 80
    help_sheet.append([str(spec.title)])
    help_sheet["A1"].font = Font(bold=True, size=14)
    for line in (*spec.instructions, *_general_instructions()):
        help_sheet.append([str(line)])
    help_sheet.append([])
    help_sheet.append([_("Column"), _("Required"), _("How to fill it in")])
    for cell in help_sheet[help_sheet.max_row]:
        cell.font = bold
    kinds = {
        "date": _("A date, e.g. 2024-03-01."),
        "bool": _("是 or 否."),
        "int": _("A whole number."),
        "choice": _("One of the drop-down list's choices."),
        "text": "",
    }
    for column in spec.columns:
        words = " ".join(part for part in (str(column.help), str(kinds[column.kind])) if part)
        help_sheet.append([str(column.header), _("Yes") if column.required else _("No"), words])
    book.save(target)


def _general_instructions() -> tuple[str, ...]:
    return (
        _("Fill in one row per record on the first sheet, from the second row; keep the headers."),
        _(
            "The whole file is checked first and shown with its problems, row by row; nothing "
            "is saved until every row is right and you confirm. Importing the same file again "
            "changes nothing."
        ),
        _("Do not merge cells. Formulas are not calculated: their text is read as it is."),
    )


__all__ = [
    "Checked",
    "ImportColumn",
    "ImportSpec",
    "Plan",
    "Problem",
    "RowError",
    "UnreadableFileError",
    "check",
    "commit",
    "digest",
    "get",
    "read_value",
    "register",
    "specs",
    "write_template",
]
