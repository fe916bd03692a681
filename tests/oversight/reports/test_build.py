"""The nightly report of every organization (issue 12, item 6): figures per rule and by age,
rolled up to the township and the county, what changed since the previous report, rebuilt in
place on a rerun, one notice per organization and day, the Excel file, its keeping period, and
a number of statements that does not grow with the organizations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.builders import pay_dues, set_dues_standard
from organizations.models import Notice, Organization, OrgKind
from oversight.engine import run_rules
from oversight.models import Alert, AlertStatus, NightlyReport, RunStatus
from oversight.reports import actions as report_actions
from tests.factories import MemberFactory, OrganizationFactory
from tests.oversight.reports.helpers import DAY, alert, amount, nightly, report_of, stored

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

MAY = dt.date(2026, 5, 1)


def owe(member, actor) -> None:
    """Dues of 40 yuan a month from May 2026, none paid: six months owed on 30 November
    (overdue from OVERSIGHT_DUES_OVERDUE_MONTHS, three by default)."""
    set_dues_standard(member, actor=actor, from_month=MAY)


def test_figures_roll_up_from_two_branches_in_two_townships_to_the_county(
    tree, members, superuser
) -> None:
    """Overdue dues with the amount owed (2008 dues rules, monthly; overdue after
    OVERSIGHT_DUES_OVERDUE_MONTHS), counted for each branch and added up by the township and
    the county above it."""
    owe(members["a1"], superuser)
    owe(members["b1"], superuser)
    run = run_rules(DAY, only=["dues_overdue"])
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.reports >= 8

    a1, b1 = report_of(tree.a1), report_of(tree.b1)
    assert a1.figures["live"] == 1
    assert b1.figures["live"] == 1
    assert amount(a1) == Decimal("240.00")
    assert report_of(tree.town_a).figures["rules"]["dues_overdue"]["count"] == 1
    assert report_of(tree.town_b).figures["live"] == 1
    county = report_of(tree.county)
    assert county.figures["rules"]["dues_overdue"]["count"] == 2
    assert amount(county) == Decimal("480.00")
    assert county.figures["ages"] == {"under_7": 2, "7_30": 0, "30_90": 0, "over_90": 0}
    # Branches without alerts still get their report, with nothing in it and no file.
    a2 = report_of(tree.a2)
    assert a2.figures["live"] == 0
    assert a2.file == ""
    assert report_of(tree.bs).figures["live"] == 0
    assert a1.file == f"reports/{DAY.isoformat()}/{tree.a1.pk}.xlsx"
    assert stored(a1.file).is_file()


def test_live_alerts_by_age_and_per_rule(tree, members, fake_rules) -> None:
    for days in (0, 6, 7, 29, 30, 89, 90, 400):
        alert(
            members["a1"],
            rule="test_nominal",
            opened_on=DAY - dt.timedelta(days=days),
            key=str(days),
        )
    # A reopened alert is as old as its reopening; a resolved one is not live.
    old = alert(members["a1"], rule="test_lost", opened_on=DAY - dt.timedelta(days=200))
    Alert.objects.filter(pk=old.pk).update(reopened_on=DAY - dt.timedelta(days=2))
    alert(members["a1"], rule="test_lost", key="gone", status=AlertStatus.RESOLVED, closed_on=DAY)
    # An alert found after the report's day is not in it.
    alert(members["a1"], rule="test_lost", key="later", opened_on=DAY + dt.timedelta(days=1))
    nightly()
    figures = report_of(tree.a1).figures
    assert figures["ages"] == {"under_7": 3, "7_30": 2, "30_90": 2, "over_90": 2}
    assert figures["rules"]["test_nominal"]["count"] == 8
    assert figures["rules"]["test_lost"]["count"] == 1
    assert figures["live"] == 9


def test_changes_since_the_previous_report(tree, members, superuser) -> None:
    """Run the day before, then the day: the report says what opened and closed in between,
    per rule, and the county adds both townships' changes."""
    before = DAY - dt.timedelta(days=1)
    owe(members["a1"], superuser)
    run_rules(before, only=["dues_overdue"])
    assert report_of(tree.a1, before).changes["since"] is None

    pay_dues(members["a1"], actor=superuser, first_month=MAY, months=6)
    owe(members["b1"], superuser)
    run_rules(DAY, only=["dues_overdue"])

    a1 = report_of(tree.a1)
    assert a1.changes["since"] == before.isoformat()
    assert a1.changes["closed"] == {"dues_overdue": 1}
    assert a1.changes["opened"] == {}
    assert a1.figures["live"] == 0
    # Nothing live but a change: the file lists it.
    assert a1.file
    b1 = report_of(tree.b1)
    assert b1.changes["opened"] == {"dues_overdue": 1}
    assert b1.changes["closed"] == {}
    county = report_of(tree.county)
    assert (county.changes["opened_total"], county.changes["closed_total"]) == (1, 1)
    assert report_of(tree.a2).changes == {
        "since": before.isoformat(),
        "opened": {},
        "closed": {},
        "opened_total": 0,
        "closed_total": 0,
    }

    # The branches' files name the members; the county's counts the changes per branch.
    book = openpyxl.load_workbook(stored(a1.file), read_only=True)
    changes = list(book["变化"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[3]) for row in changes] == [("已关闭", members["a1"].name)]
    book = openpyxl.load_workbook(stored(b1.file), read_only=True)
    changes = list(book["变化"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[3]) for row in changes] == [("新发现", members["b1"].name)]
    book = openpyxl.load_workbook(stored(county.file), read_only=True)
    assert "变化" not in book.sheetnames
    by_org = {row[0]: row for row in book["各组织情况"].iter_rows(min_row=2, values_only=True)}
    assert (by_org[tree.a1.name][-2], by_org[tree.a1.name][-1]) == (0, 1)
    assert (by_org[tree.b1.name][-2], by_org[tree.b1.name][-1]) == (1, 0)
    assert (by_org[tree.a2.name][-2], by_org[tree.a2.name][-1]) == (0, 0)


def test_a_rerun_rebuilds_in_place_and_sends_no_second_notice(
    tree, members, superuser, secretary, committee, recording, django_capture_on_commit_callbacks
) -> None:
    owe(members["a1"], superuser)
    with django_capture_on_commit_callbacks(execute=True):
        first = run_rules(DAY, only=["dues_overdue"])
    report = report_of(tree.a1)
    assert report.run_id == first.pk
    notices = list(Notice.objects.filter(organization=tree.a1))
    assert len(notices) == 1
    assert "1" in notices[0].title
    assert tree.a1.name in notices[0].title
    assert notices[0].url == f"/oversight/reports/{report.pk}/"
    assert sorted(m.recipient for m in recording) == [
        "committee",
        "county",
        "inspector",
        "secretary",
        "town",
    ]
    assert {m.subject for m in recording if m.recipient == "committee"} == {notices[0].title}
    # Nothing to say: no notice (branch A2 has no alert and no change).
    assert not Notice.objects.filter(organization=tree.a2).exists()
    count = NightlyReport.objects.filter(as_of=DAY).count()

    recording.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second = run_rules(DAY, only=["dues_overdue"])
    rebuilt = report_of(tree.a1)
    assert rebuilt.pk == report.pk
    assert rebuilt.run_id == second.pk
    assert NightlyReport.objects.filter(as_of=DAY).count() == count
    assert Notice.objects.filter(organization=tree.a1).count() == 1
    assert recording == []


def test_a_killed_run_leaves_no_organization_without_its_report(
    tree, members, superuser, monkeypatch
) -> None:
    """The reports of a day are saved in one transaction with their notices: a run that dies
    on the way saves none, and its rerun builds them all and notifies once."""
    owe(members["a1"], superuser)

    def die(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(report_actions, "notify", die)
    failed = run_rules(DAY, only=["dues_overdue"])
    assert failed.status != RunStatus.SUCCEEDED
    assert "build_reports" in failed.error
    assert not NightlyReport.objects.filter(as_of=DAY).exists()

    monkeypatch.undo()
    rerun = run_rules(DAY, only=["dues_overdue"])
    assert rerun.status == RunStatus.SUCCEEDED
    built = set(NightlyReport.objects.filter(as_of=DAY).values_list("organization_id", flat=True))
    assert {tree.county.pk, tree.town_a.pk, tree.a1.pk, tree.a2.pk, tree.bs.pk} <= built
    assert Notice.objects.filter(organization=tree.a1).count() == 1


def test_files_older_than_the_keeping_period_are_removed_and_the_figures_stay(
    tree, members, settings
) -> None:
    settings.OVERSIGHT_REPORT_KEEP_DAYS = 5
    alert(members["a1"], opened_on=DAY - dt.timedelta(days=10))
    old_day = DAY - dt.timedelta(days=6)
    nightly(old_day)
    old = report_of(tree.a1, old_day)
    path = stored(old.file)
    assert path.is_file()
    nightly(DAY - dt.timedelta(days=1))
    assert report_of(tree.a1, old_day).file == old.file  # five days old: kept

    nightly(DAY)
    old.refresh_from_db()
    assert (old.file, old.file_size) == ("", 0)
    assert not path.exists()
    assert old.figures["live"] == 1
    assert stored(report_of(tree.a1).file).is_file()


def test_the_excel_file_lists_the_members_per_section(tree, members, fake_rules) -> None:
    alert(members["a1"])
    alert(members["b1"], amount="120.00")
    alert(members["a2"], rule="test_life", key="life")
    # A name starting with "=" stays text, never a formula.
    alert(None, rule="test_coverage", org=tree.a1, key='=HYPERLINK("http://x")')
    nightly()

    book = openpyxl.load_workbook(stored(report_of(tree.a1).file))
    assert book.sheetnames[0] == "概况"
    dues = list(book["党费欠缴"].iter_rows(values_only=True))
    assert dues[0][:4] == ("姓名", "所在支部", "欠缴月数", "欠缴金额（元）")
    assert [(r[0], r[1], r[2], r[3]) for r in dues[1:]] == [
        (members["a1"].name, tree.a1.name, 6, 240)
    ]
    other = list(book["其他预警"].iter_rows(min_row=2, values_only=True))
    assert other[0][1] == '=HYPERLINK("http://x")'
    assert book["其他预警"]["B2"].data_type == "s"

    # The county's file lists the organizations below it with their own alerts' counts
    # (the roll-up), not their members: those are in each branch's file.
    county = openpyxl.load_workbook(stored(report_of(tree.county).file), read_only=True)
    assert "党费欠缴" not in county.sheetnames
    by_org = list(county["各组织情况"].iter_rows(values_only=True))
    assert by_org[0][:5] == ("党组织", "上级组织", "在办预警", "严重", "六个月规定")
    rows = {row[0]: row for row in by_org[1:]}
    below = Organization.objects.filter(path__startswith=tree.county.path).exclude(
        pk=tree.county.pk
    )
    assert list(rows) == [o.name for o in below.order_by("path") if o.name in rows]
    assert {tree.town_a.name, tree.a1.name, tree.a2.name, tree.b1.name} <= set(rows)
    assert rows[tree.a1.name][1:4] == (tree.town_a.name, 2, 0)
    assert rows[tree.a2.name][2] == 1
    assert rows[tree.b1.name][1:3] == (tree.town_b.name, 1)
    assert rows[tree.town_a.name][2] == 0
    ages = list(county["预警时长"].iter_rows(min_row=2, values_only=True))
    assert ages[0][1] == 4


def test_a_file_lists_at_most_the_cap_and_says_how_many_more(tree, members, settings) -> None:
    """An organization with more alerts than OVERSIGHT_REPORT_MAX_ROWS lists the first ones and
    says how many more; the figures count them all."""
    settings.OVERSIGHT_REPORT_MAX_ROWS = 2
    alert(members["a1"])
    alert(MemberFactory.create(home_org=tree.a1))
    alert(MemberFactory.create(home_org=tree.a1))
    alert(members["b1"])
    nightly()
    branch = report_of(tree.a1)
    assert branch.figures["rules"]["dues_overdue"]["count"] == 3
    book = openpyxl.load_workbook(stored(branch.file), read_only=True)
    assert len(list(book["党费欠缴"].iter_rows(min_row=2, values_only=True))) == 2
    summary = [cell for row in book["概况"].iter_rows(values_only=True) for cell in row if cell]
    assert "各表只列出前 2 条预警，另有 1 条请在预警列表中查看。" in summary
    # A branch below the cap lists all of its own.
    other = openpyxl.load_workbook(stored(report_of(tree.b1).file), read_only=True)
    assert len(list(other["党费欠缴"].iter_rows(min_row=2, values_only=True))) == 1


def _more_branches(tree, count: int) -> None:
    for n in range(count):
        parent = tree.town_a if n % 2 else tree.town_b
        branch = OrganizationFactory.create(parent=parent, name=f"新支部{n}", kind=OrgKind.BRANCH)
        alert(MemberFactory.create(home_org=branch))


def _statements(as_of: dt.date) -> int:
    with CaptureQueriesContext(connection) as captured:
        nightly(as_of)
    return len(captured)


def test_the_statements_do_not_grow_with_the_organizations(tree, members) -> None:
    """Set-based: the same statements for 2 organizations with alerts as for 6 (each night
    with its previous report, new reports and notices)."""
    nightly(DAY - dt.timedelta(days=2))
    alert(members["a1"], opened_on=DAY - dt.timedelta(days=1))
    alert(members["b1"], opened_on=DAY - dt.timedelta(days=1))
    two = _statements(DAY - dt.timedelta(days=1))
    _more_branches(tree, 4)
    six = _statements(DAY)
    assert NightlyReport.objects.filter(as_of=DAY).exclude(file="").count() >= 6 + 3
    assert Notice.objects.filter(title__contains=DAY.isoformat()).count() >= 9
    assert (
        Notice.objects.filter(title__contains=(DAY - dt.timedelta(days=1)).isoformat()).count() == 5
    )
    assert two == six == 13
