"""The Excel file of one organization's nightly report (openpyxl, write-only: rows go straight to
disk, a county's file of thousands of rows never sits in memory whole).

Sheets: the summary (figures per rule, changes; the organization's and everything below it),
for a committee the organizations below it one per row (their own alerts' counts: the roll-up
of its branches), then the organization's own alerts: the six-month rule's members per
condition, overdue dues with the amount owed, lost contact and standing, not checked in and
contact, the other alerts; alerts by age, and what changed since the previous report. A
committee's file lists the organizations below it, not their members: those are in each
branch's own file and on the alert list (a county's file listing every member of its
branches would be the county's whole alert table, every night).

The file is written to a temporary name beside its place and moved there when complete: a
killed run leaves the previous file whole, never half of one."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import pgettext

# openpyxl ships no type information (and types-openpyxl is not installed).
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # type: ignore[import-untyped]

from oversight import rules as registry
from oversight.alerts.words import describe
from oversight.models import Severity
from oversight.reports.queries import AGE_BUCKETS, AlertRow

#: Sheets of member rows, by the rule's group; every other group goes to "other".
SECTION_OF_GROUP = {
    "six_months": "six_months",
    "dues": "dues",
    "standing": "standing",
    "mobility": "mobility",
}
SECTIONS = ("six_months", "dues", "standing", "mobility", "other")


def section_title(section: str) -> str:
    titles = {
        "six_months": pgettext("nightly report", "Six-month rule"),
        "dues": pgettext("nightly report", "Dues overdue"),
        "standing": pgettext("nightly report", "Lost contact and standing"),
        "mobility": pgettext("nightly report", "Not checked in and contact"),
        "other": pgettext("nightly report", "Other alerts"),
    }
    return titles[section]


def age_title(bucket: str) -> str:
    titles = {
        "under_7": pgettext("nightly report", "Under 7 days"),
        "7_30": pgettext("nightly report", "7 to 30 days"),
        "30_90": pgettext("nightly report", "30 to 90 days"),
        "over_90": pgettext("nightly report", "90 days or more"),
    }
    return titles[bucket]


def ordered_codes(codes: set[str]) -> list[str]:
    """Rule codes in the registry's order (the run log's), then codes of rules that are gone."""
    known = [code for code in registry.RULES if code in codes]
    return known + sorted(codes - set(registry.RULES))


def section_of(code: str) -> str:
    found = registry.RULES.get(code)
    return SECTION_OF_GROUP.get(found.group, "other") if found else "other"


def _severity(value: int) -> str:
    try:
        return str(Severity(value).label)
    except ValueError:
        return str(value)


@dataclass(frozen=True)
class OrgFigures:
    """One organization's row in a committee's file: its own alerts' figures and changes."""

    name: str
    parent: str
    figures: dict[str, Any]
    changes: dict[str, Any]


def _amount(detail: dict[str, Any]) -> Decimal | None:
    value = detail.get("amount_owed") if isinstance(detail, dict) else None
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


class ReportBook:
    """One organization's workbook, open while the rows of its subtree stream past."""

    def __init__(
        self,
        *,
        target: Path,
        organization: str,
        as_of: dt.date,
        previous: dt.date | None,
        figures: dict[str, Any],
        changes: dict[str, Any],
        own_rules: set[str] | None = None,
        below: list[OrgFigures] | None = None,
    ) -> None:
        """`figures` and `changes` are the whole subtree's; `own_rules` the rules of the
        organization's own alerts (the sheets its rows go to; all of `figures` if not given);
        `below` the organizations under it (a committee's), one row each."""
        self.target = target
        self.titles: dict[str, str] = {}
        self.as_of = as_of
        self.previous = previous
        self.book = Workbook(write_only=True)
        self.summary = self._sheet(pgettext("nightly report", "Summary"))
        self._write_summary(organization, figures, changes)
        headers = [
            pgettext("nightly report", "Rule"),
            pgettext("nightly report", "Name"),
            pgettext("nightly report", "Branch"),
            pgettext("nightly report", "Severity"),
            pgettext("nightly report", "Found on"),
            pgettext("nightly report", "Days open"),
            pgettext("nightly report", "Figures"),
        ]
        dues_headers = [
            pgettext("nightly report", "Name"),
            pgettext("nightly report", "Branch"),
            pgettext("nightly report", "Months owed"),
            pgettext("nightly report", "Amount owed (yuan)"),
            pgettext("nightly report", "First month owed"),
            pgettext("nightly report", "Dues paid up to"),
            pgettext("nightly report", "Found on"),
            pgettext("nightly report", "Days open"),
        ]
        # Only the sheets with rows: each sheet costs a temporary file while it is written.
        present = {
            section_of(code) for code in (figures["rules"] if own_rules is None else own_rules)
        }
        if below:
            self._write_below(below)
        self.sections: dict[str, WriteOnlyWorksheet] = {}
        #: Rows written into the section and change sheets, and rows left out past the cap
        #: (a committee's file would otherwise repeat every alert of its subtree: a
        #: province's, a million rows; its figures still count them all).
        self.rows = 0
        self.left_out = 0
        for section in SECTIONS:
            if section in present:
                sheet = self._sheet(section_title(section))
                sheet.append(dues_headers if section == "dues" else headers)
                self.sections[section] = sheet
        ages = self._sheet(pgettext("nightly report", "Alerts by age"))
        ages.append(
            [pgettext("nightly report", "Open for"), pgettext("nightly report", "Live alerts")]
        )
        for bucket in AGE_BUCKETS:
            ages.append([age_title(bucket), figures["ages"].get(bucket, 0)])
        #: The sheet of the organization's own alerts opened or closed since its previous
        #: report, made with its first row (a committee's changes below it are counted in its
        #: summary and by organization).
        self.changes: WriteOnlyWorksheet | None = None
        self.headers = {"dues": dues_headers, "other": headers}

    def _write_below(self, below: list[OrgFigures]) -> None:
        """The organizations under a committee, in the tree's order, each with its own alerts'
        counts per sheet of the file, the amount owed and the changes since its previous
        report."""
        sheet = self._sheet(pgettext("nightly report", "By organization"))
        sheet.append(
            [
                pgettext("nightly report", "Organization"),
                pgettext("nightly report", "Under"),
                pgettext("nightly report", "Live alerts"),
                pgettext("nightly report", "Serious"),
                *(section_title(section) for section in SECTIONS),
                pgettext("nightly report", "Amount owed (yuan)"),
                pgettext("nightly report", "Opened since the previous report"),
                pgettext("nightly report", "Closed since the previous report"),
            ]
        )
        for line in below:
            per_section = dict.fromkeys(SECTIONS, 0)
            for code, counts in line.figures["rules"].items():
                per_section[section_of(code)] += counts["count"]
            self._append(
                sheet,
                [
                    line.name,
                    line.parent,
                    line.figures["live"],
                    line.figures["serious"],
                    *(per_section[section] for section in SECTIONS),
                    Decimal(line.figures["amount_owed"]),
                    line.changes["opened_total"],
                    line.changes["closed_total"],
                ],
            )

    def _changes_sheet(self) -> WriteOnlyWorksheet:
        sheet = self._sheet(pgettext("nightly report", "Changes"))
        sheet.append(
            [
                pgettext("nightly report", "Change"),
                pgettext("nightly report", "Date"),
                pgettext("nightly report", "Rule"),
                pgettext("nightly report", "Name"),
                pgettext("nightly report", "Branch"),
            ]
        )
        return sheet

    def _sheet(self, title: str) -> WriteOnlyWorksheet:
        sheet: WriteOnlyWorksheet = self.book.create_sheet(title=title[:31])
        return sheet

    def _text(self, sheet: WriteOnlyWorksheet, value: object) -> Any:
        """A cell that is text whatever it starts with: a name or an employer beginning with
        "=" is never read as a formula."""
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    def _append(self, sheet: WriteOnlyWorksheet, values: list[object]) -> None:
        sheet.append([self._text(sheet, v) for v in values])

    def _write_summary(
        self, organization: str, figures: dict[str, Any], changes: dict[str, Any]
    ) -> None:
        sheet = self.summary
        self._append(sheet, [pgettext("nightly report", "Organization"), organization])
        sheet.append([pgettext("nightly report", "As of"), self.as_of.isoformat()])
        since = (
            self.previous.isoformat()
            if self.previous
            else pgettext("nightly report", "No previous report")
        )
        sheet.append([pgettext("nightly report", "Previous report"), since])
        sheet.append([pgettext("nightly report", "Live alerts"), figures["live"]])
        sheet.append([])
        sheet.append(
            [
                pgettext("nightly report", "Rule"),
                pgettext("nightly report", "Live alerts"),
                pgettext("nightly report", "Serious"),
                pgettext("nightly report", "Amount owed (yuan)"),
                pgettext("nightly report", "Opened since the previous report"),
                pgettext("nightly report", "Closed since the previous report"),
            ]
        )
        rules = figures["rules"]
        for code in ordered_codes({*rules, *changes["opened"], *changes["closed"]}):
            line = rules.get(code, {})
            sheet.append(
                [
                    registry.title_of(code),
                    line.get("count", 0),
                    line.get("serious", 0),
                    Decimal(line.get("amount_owed", "0")),
                    changes["opened"].get(code, 0),
                    changes["closed"].get(code, 0),
                ]
            )

    def _title(self, code: str) -> str:
        """A rule's title, translated once per file (not once per row)."""
        title = self.titles.get(code)
        if title is None:
            title = self.titles[code] = registry.title_of(code)
        return title

    def _who(self, row: AlertRow) -> tuple[str, str]:
        name = row.member_name or row.subject_org or row.subject_key or ""
        branch = row.member_branch or row.subject_org or ""
        return name, branch

    def add_live(self, row: AlertRow) -> None:
        name, branch = self._who(row)
        days = (self.as_of - row.since).days
        section = section_of(row.rule)
        sheet = self.sections.get(section)
        if sheet is None:  # a rule the figures did not count (it ran since): a sheet anyway
            sheet = self.sections[section] = self._sheet(section_title(section))
            sheet.append(self.headers["dues" if section == "dues" else "other"])
        if section == "dues":
            detail = row.detail if isinstance(row.detail, dict) else {}
            values: list[object] = [
                name,
                branch,
                detail.get("months_owed", detail.get("months", "")),
                _amount(detail),
                detail.get("first_owed", ""),
                detail.get("paid_until", ""),
                row.opened_on.isoformat(),
                days,
            ]
        else:
            values = [
                self._title(row.rule),
                name,
                branch,
                _severity(row.severity),
                row.opened_on.isoformat(),
                days,
                "，".join(describe(row.detail, self.as_of)),
            ]
        self._append(sheet, values)

    def add_change(self, row: AlertRow, kind: str, day: dt.date) -> None:
        name, branch = self._who(row)
        label = (
            pgettext("nightly report", "Opened")
            if kind == "opened"
            else pgettext("nightly report", "Closed")
        )
        if self.changes is None:
            self.changes = self._changes_sheet()
        self._append(
            self.changes,
            [label, day.isoformat(), self._title(row.rule), name, branch],
        )

    def add(self, row: AlertRow) -> None:
        """`row` into the sheets it belongs to for this report: its section if live, the
        changes if it opened or closed after this organization's previous report; past
        OVERSIGHT_REPORT_MAX_ROWS rows, only counted (the summary says how many)."""
        if self.rows >= settings.OVERSIGHT_REPORT_MAX_ROWS:
            self.left_out += 1
            return
        self.rows += 1
        if row.is_live and row.opened_on <= self.as_of:
            self.add_live(row)
        if self.previous is None:
            return
        if self.previous < row.since <= self.as_of:
            self.add_change(row, "opened", row.since)
        if row.closed_on and not row.is_live and self.previous < row.closed_on <= self.as_of:
            self.add_change(row, "closed", row.closed_on)

    def close(self) -> int:
        """Write the file (complete, then moved into place); its size in bytes."""
        if self.left_out:
            self._append(
                self.summary,
                [
                    pgettext(
                        "nightly report",
                        "The sheets list the first %(shown)s alerts; %(more)s more are on the "
                        "alert list.",
                    )
                    % {"shown": self.rows, "more": self.left_out}
                ],
            )
        self.target.parent.mkdir(parents=True, exist_ok=True)
        partial = self.target.with_name(f".{self.target.name}.{os.getpid()}.part")
        try:
            self.book.save(partial)
            os.replace(partial, self.target)
        finally:
            partial.unlink(missing_ok=True)
        return self.target.stat().st_size
