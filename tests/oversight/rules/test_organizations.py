"""The organization rules: branch meeting frequency not met (the red cells of the compliance
table; the 2018 branch work regulations, article 14 and following) and study hours short at
the year end (the 2019 regulations on the education and management of party members: 32 hours,
56 for branch secretaries and committee members)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from education.builders import hold_meeting
from education.compliance.queries import Light, compliance_table
from education.models import BranchPostKind, MeetingKind, StudyKind
from education.study.actions import do_record_branch_post, do_record_study
from members.models import Member
from oversight.engine import run_rules
from oversight.models import Severity
from oversight.rules.organizations import period_key
from tests.oversight.rules.helpers import alerts, rows, today

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

THEME = MeetingKind.THEME_DAY


def month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def theme_rows(as_of: dt.date) -> list[dict]:
    return [r for r in rows("meeting_frequency", as_of) if r["b_key"] == THEME]


def test_a_missed_month_is_red_and_a_meeting_now_clears_it(tree, secretary) -> None:
    """A theme party day (monthly) last held three months ago: the previous month was owed and
    missed → an alert about the branch, for that month; the same cell is red on the compliance
    page. Held this month: cleared."""
    hold_meeting(tree.a1, actor=secretary, kind=THEME, held_on=month_start(today(), 3))
    (row,) = [r for r in theme_rows(today()) if r["b_subject_org"] == tree.a1.pk]
    previous = month_start(today(), 1)
    assert (row["b_org"], row["b_member"], row["b_period"]) == (
        tree.a1.pk,
        None,
        period_key(previous, "month"),
    )
    assert row["b_detail"]["last_held"] == month_start(today(), 3).isoformat()
    cells = {(c.organization_id, c.kind): c.light for c in compliance_table(tree.county, today())}
    assert cells[tree.a1.pk, THEME] == Light.RED
    red = {(r["b_subject_org"], r["b_key"]) for r in rows("meeting_frequency", today())}
    assert red == {key for key, light in cells.items() if light == Light.RED}
    hold_meeting(tree.a1, actor=secretary, kind=THEME, held_on=today())
    assert [r for r in theme_rows(today()) if r["b_subject_org"] == tree.a1.pk] == []


def test_held_last_month_is_not_red(tree, secretary) -> None:
    """Held in the previous month: amber this month (there is still time), no alert; and a
    branch new to the system owes no period before it existed."""
    hold_meeting(tree.a1, actor=secretary, kind=THEME, held_on=month_start(today(), 1))
    assert [r for r in theme_rows(today()) if r["b_subject_org"] == tree.a1.pk] == []
    # A2 was entered today and recorded nothing: nothing was owed yet.
    assert [r for r in rows("meeting_frequency", today()) if r["b_subject_org"] == tree.a2.pk] == []


def test_a_run_opens_the_alerts_of_two_branches(tree, secretary, secretary2) -> None:
    hold_meeting(tree.a1, actor=secretary, kind=THEME, held_on=month_start(today(), 3))
    hold_meeting(tree.b1, actor=secretary2, kind=THEME, held_on=month_start(today(), 3))
    run = run_rules(today(), only=["meeting_frequency"])
    assert run.status == "succeeded", run.error
    theme = [
        (a.organization_id, a.subject_org_id)
        for a in alerts("meeting_frequency")
        if a.subject_key == THEME
    ]
    assert theme == sorted([(tree.a1.pk, tree.a1.pk), (tree.b1.pk, tree.b1.pk)])


def study(member, actor, *hours: str) -> None:
    for amount in hours:
        do_record_study(
            actor=actor,
            member=member,
            kind=StudyKind.COURSE,
            studied_on=today(),
            hours=Decimal(amount),
            title="党的创新理论专题学习",
        )


def test_study_hours_short_at_the_year_end(members, secretary, secretary2, tree) -> None:
    """Checked from 1 December for the year (a reminder) and through January for the year
    closed (an early warning); not in November nor in February. 32 hours exactly is enough,
    31.5 is short; a branch secretary needs 56."""
    year = today().year
    december, january = dt.date(year, 12, 1), dt.date(year + 1, 1, 31)
    study(members["a1"], secretary, "16", "16")
    study(members["b1"], secretary2, "16", "15.5")
    short = {r["b_member"]: r for r in rows("study_hours_short", december)}
    assert members["a1"].pk not in short
    assert short[members["b1"].pk]["b_org"] == tree.b1.pk
    assert short[members["b1"].pk]["b_severity"] == Severity.REMINDER
    assert Decimal(str(short[members["b1"].pk]["b_detail"]["study_hours"])) == Decimal("31.5")
    assert short[members["b1"].pk]["b_period"] == str(year)
    assert rows("study_hours_short", dt.date(year, 11, 30)) == []
    assert rows("study_hours_short", dt.date(year + 1, 2, 1)) == []
    closed = {r["b_member"]: r for r in rows("study_hours_short", january)}
    assert closed[members["b1"].pk]["b_severity"] == Severity.WARNING
    assert closed[members["b1"].pk]["b_period"] == str(year)
    # A member who joined the party during the year is not held to a full year's hours.
    Member.objects.filter(pk=members["b1"].pk).update(
        joined_on=dt.date(year, 1, 1), full_member_on=None, membership="probationary"
    )
    assert members["b1"].pk not in {r["b_member"] for r in rows("study_hours_short", december)}
    do_record_branch_post(
        actor=secretary,
        member=members["a1"],
        post=BranchPostKind.SECRETARY,
        started_on=dt.date(year, 1, 1),
    )
    cadre = {r["b_member"]: r for r in rows("study_hours_short", december)}[members["a1"].pk]
    assert cadre["b_detail"]["required_hours"] == 56
    assert cadre["b_detail"]["is_cadre"] is True


def test_a_quarter_turns_red_on_the_first_day_of_the_next(tree, secretary) -> None:
    """The branch general meeting is quarterly (article 14): held in a quarter, the next quarter
    is amber to its last day and red from the first day after it (the missed quarter)."""
    quarter = month_start(today(), (today().month - 1) % 3)
    held = month_start(quarter, 6)
    hold_meeting(tree.a1, actor=secretary, kind=MeetingKind.GENERAL_MEETING, held_on=held)

    def general(as_of: dt.date) -> list[str]:
        return [
            r["b_period"]
            for r in rows("meeting_frequency", as_of)
            if r["b_key"] == MeetingKind.GENERAL_MEETING and r["b_subject_org"] == tree.a1.pk
        ]

    assert general(quarter - dt.timedelta(days=1)) == []
    assert general(quarter) == [period_key(month_start(quarter, 3), "quarter")]
