"""The nightly report of every organization (issue 12, item 6), built after the rules.

Set-based: the live alerts are counted in one grouped statement (per responsible organization,
rule and age bucket), the changes since each organization's previous report in another, and the
counts are rolled up to the committees above in Python by the materialized path: a township's
report holds its branches', the county's every one. The Excel files are written from one
streamed statement over every alert they list, in the tree's order, each row going into its
own organization's file only: a committee's file lists the organizations below it with their
counts (the roll-up) and its own alerts, not its branches' members, so the rows written are
the alerts once, not once per level above them.

Every organization that holds members or alerts gets a report (branch-level organizations and
stations, the committees, and any other organization an alert is addressed to); a file only
where there is something to list (a live alert or a change), which keeps the nightly run
bounded. A rerun for the same day rebuilds the reports in place (upsert on organization and
day) in one transaction: a killed run's rerun leaves no organization without its report, and
sends no notice twice (a notice goes out when the day's report is created, not rebuilt).
Files older than OVERSIGHT_REPORT_KEEP_DAYS are removed; their figures stay."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation

from organizations.models import BRANCH_KINDS, COMMITTEE_KINDS, Organization
from oversight.models import NightlyReport, NightlyRun, Severity
from oversight.reports import queries
from oversight.reports.actions import ReportLine, do_store_reports
from oversight.reports.excel import OrgFigures, ReportBook
from oversight.reports.queries import AGE_BUCKETS, OrgLine

log = logging.getLogger(__name__)

#: Kinds that get a report every night, with or without alerts: those holding members
#: (branch-level organizations, stations) and the committees that roll them up.
REPORT_KINDS = BRANCH_KINDS | COMMITTEE_KINDS
#: The folder under PRIVATE_MEDIA_ROOT (never MEDIA_ROOT: the files name members).
FOLDER = "reports"


@dataclass
class Tally:
    """One report's counts, its organization's own alerts and its subtree's."""

    rules: dict[str, list[Any]] = field(default_factory=dict)  # code: [count, serious, amount]
    ages: Counter[str] = field(default_factory=Counter)
    opened: Counter[str] = field(default_factory=Counter)
    closed: Counter[str] = field(default_factory=Counter)

    def add_live(self, line: queries.LiveLine) -> None:
        counts = self.rules.setdefault(line.rule, [0, 0, Decimal("0")])
        counts[0] += line.alerts
        counts[1] += line.serious
        counts[2] += line.amount
        self.ages[line.bucket] += line.alerts

    def figures(self) -> dict[str, Any]:
        return {
            "live": sum(c[0] for c in self.rules.values()),
            "serious": sum(c[1] for c in self.rules.values()),
            "amount_owed": str(sum((c[2] for c in self.rules.values()), Decimal("0"))),
            "rules": {
                code: {"count": c[0], "serious": c[1], "amount_owed": str(c[2])}
                for code, c in sorted(self.rules.items())
            },
            "ages": {bucket: self.ages.get(bucket, 0) for bucket in AGE_BUCKETS},
        }

    def changes(self, since: dt.date | None) -> dict[str, Any]:
        return {
            "since": since.isoformat() if since else None,
            "opened": dict(sorted(self.opened.items())),
            "closed": dict(sorted(self.closed.items())),
            "opened_total": sum(self.opened.values()),
            "closed_total": sum(self.closed.values()),
        }


def has_activity(figures: dict[str, Any], changes: dict[str, Any]) -> bool:
    """A live alert or a change: the report has a file and its staff a notice."""
    return bool(figures["live"] or changes["opened_total"] or changes["closed_total"])


class Tree:
    """The organizations by id and path, and "this one and those above it that are reported"."""

    def __init__(self, rows: list[OrgLine]) -> None:
        self.rows = rows
        self.by_id = {row.pk: row for row in rows}
        self.by_path = {row.path: row.pk for row in rows}
        self.index = {row.pk: n for n, row in enumerate(rows)}
        self.step = Organization.steplen
        self.reported: set[int] = set()

    def up(self, org_id: int) -> Iterator[int]:
        """`org_id` and the organizations above it that get a report, nearest last."""
        row = self.by_id.get(org_id)
        if row is None:
            return
        for end in range(self.step, len(row.path) + 1, self.step):
            found = self.by_path.get(row.path[:end])
            if found is not None and found in self.reported:
                yield found


def report_path(as_of: dt.date, org_id: int) -> str:
    """The file's name under PRIVATE_MEDIA_ROOT."""
    return f"{FOLDER}/{as_of.isoformat()}/{org_id}.xlsx"


def private_file(name: str) -> Path | None:
    """`name` under PRIVATE_MEDIA_ROOT's report folder, or None if it points anywhere else."""
    root = (Path(settings.PRIVATE_MEDIA_ROOT) / FOLDER).resolve()
    found = (Path(settings.PRIVATE_MEDIA_ROOT) / name).resolve()
    return found if found.is_relative_to(root) else None


def write_files(
    tree: Tree,
    as_of: dt.date,
    previous: dict[int, dt.date],
    after: dt.date | None,
    lines: dict[int, ReportLine],
    own: dict[int, Tally],
) -> None:
    """Write the Excel file of every report with something to list, from one streamed read of
    the alerts in path order: each row goes into its own organization's file, which is open
    while its rows pass; a committee's file also lists the organizations below it."""
    wanted = [tree.by_id[pk] for pk in lines if lines[pk].active]
    wanted.sort(key=lambda row: row.path)

    def close(org: OrgLine, book: ReportBook) -> None:
        line = lines[org.pk]
        line.file = report_path(as_of, org.pk)
        line.file_size = book.close()

    pending = iter(wanted)
    upcoming = next(pending, None)
    current: tuple[OrgLine, ReportBook] | None = None

    def open_book(org: OrgLine) -> ReportBook:
        line = lines[org.pk]
        target = private_file(report_path(as_of, org.pk))
        assert target is not None
        return ReportBook(
            target=target,
            organization=org.name,
            as_of=as_of,
            previous=previous.get(org.pk),
            figures=line.figures,
            changes=line.changes,
            own_rules=set(own[org.pk].rules) if org.pk in own else set(),
            below=below(tree, org, lines, own, previous),
        )

    for row in queries.alert_rows(as_of, after):
        if current is None or current[0].pk != row.organization_id:
            # Rows come in path order: the wanted organizations up to this row's are opened
            # (and those before it closed, complete) in turn.
            while upcoming is not None and upcoming.path <= row.path:
                if current is not None:
                    close(*current)
                current = (upcoming, open_book(upcoming))
                upcoming = next(pending, None)
        if current is not None and current[0].pk == row.organization_id:
            current[1].add(row)
        # Otherwise an alert of an organization without a report: nothing to write.
    if current is not None:
        close(*current)
    while upcoming is not None:
        close(upcoming, open_book(upcoming))
        upcoming = next(pending, None)


def below(
    tree: Tree,
    org: OrgLine,
    lines: dict[int, ReportLine],
    own: dict[int, Tally],
    previous: dict[int, dt.date],
) -> list[OrgFigures]:
    """The reported organizations under `org` (its subtree, the tree's order), each with its own
    alerts' figures: a committee's "by organization" sheet. Empty for a branch."""
    start = tree.index[org.pk] + 1
    rows: list[OrgFigures] = []
    for row in tree.rows[start:]:
        if not row.path.startswith(org.path):
            break
        if row.pk not in lines:
            continue
        tally_ = own.get(row.pk) or Tally()
        parent = tree.by_path.get(row.path[: -tree.step])
        rows.append(
            OrgFigures(
                name=row.name,
                parent=tree.by_id[parent].name if parent is not None else "",
                figures=tally_.figures(),
                changes=tally_.changes(previous.get(row.pk)),
            )
        )
    return rows


def tally(
    tree: Tree, as_of: dt.date, previous: dict[int, dt.date]
) -> tuple[dict[int, Tally], dict[int, Tally], dt.date | None]:
    """The counts of every reported organization, rolled up, and of its own alerts alone (two
    grouped statements)."""
    live = queries.live_figures(as_of, Severity.SERIOUS)
    after = min(previous.values()) if previous else None
    changes = queries.change_counts(after, as_of) if after is not None else []
    direct = {line.organization_id for line in live} | {c.organization_id for c in changes}
    tree.reported = {row.pk for row in tree.rows if row.is_active and row.kind in REPORT_KINDS}
    tree.reported |= direct & set(tree.by_id)
    tallies = {pk: Tally() for pk in tree.reported}
    own = {pk: Tally() for pk in tree.reported}
    for line in live:
        for pk in tree.up(line.organization_id):
            tallies[pk].add_live(line)
        if line.organization_id in own:
            own[line.organization_id].add_live(line)
    for change in changes:
        for pk in tree.up(change.organization_id):
            since = previous.get(pk)
            if since is not None and change.day > since:
                counter = tallies[pk].opened if change.kind == "opened" else tallies[pk].closed
                counter[change.rule] += change.alerts
                if pk == change.organization_id:
                    mine = own[pk].opened if change.kind == "opened" else own[pk].closed
                    mine[change.rule] += change.alerts
    return tallies, own, after


def remove_files(names: Iterable[str]) -> None:
    for name in names:
        found = private_file(name) if name else None
        if found is not None:
            found.unlink(missing_ok=True)


def expire_files(as_of: dt.date) -> int:
    """Remove the files of reports older than OVERSIGHT_REPORT_KEEP_DAYS (the figures stay):
    the files first, then the rows, so a killed run leaves a row whose file is gone (the
    download says so) rather than a file nobody can reach."""
    cutoff = as_of - dt.timedelta(days=settings.OVERSIGHT_REPORT_KEEP_DAYS)
    old = dict(
        NightlyReport.objects.filter(as_of__lt=cutoff).exclude(file="").values_list("pk", "file")
    )
    if not old:
        return 0
    remove_files(old.values())
    return NightlyReport.objects.filter(pk__in=list(old)).update(file="", file_size=0)


def build_reports(run: NightlyRun) -> int:
    """Build (or rebuild) every organization's report as of `run.as_of`; the number built.
    In the site's language (the files and notices are read by its users), whoever started the
    run."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(run)


def _build(run: NightlyRun) -> int:
    as_of = run.as_of
    tree = Tree(queries.organizations())
    previous = queries.previous_reports(as_of)
    tallies, own, after = tally(tree, as_of, previous)
    lines: dict[int, ReportLine] = {}
    for pk in sorted(tallies, key=lambda pk: tree.by_id[pk].path):
        figures = tallies[pk].figures()
        changes = tallies[pk].changes(previous.get(pk))
        lines[pk] = ReportLine(
            organization_id=pk,
            name=tree.by_id[pk].name,
            figures=figures,
            changes=changes,
            active=has_activity(figures, changes),
        )
    before = dict(NightlyReport.objects.filter(as_of=as_of).values_list("organization_id", "file"))
    write_files(tree, as_of, previous, after, lines, own)
    do_store_reports(actor=None, run=run, lines=list(lines.values()), existing=set(before))
    # A rebuilt report with nothing to list any more: its earlier file goes.
    remove_files(name for pk, name in before.items() if name and not lines.get(pk, _NONE).file)
    expire_files(as_of)
    log.info("Nightly reports as of %s: %d built", as_of, len(lines))
    return len(lines)


_NONE = ReportLine(organization_id=0, name="", figures={}, changes={}, active=False)


__all__ = ["build_reports", "expire_files", "private_file", "report_path"]
