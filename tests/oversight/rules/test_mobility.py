"""The mobility rules (issue 12): the secretary's lists as rules (not checked in, contact
overdue, report overdue), two-nobody members (两不管) and nominal members (挂名党员)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from core.months import months_before
from education.builders import hold_meeting
from members import builders
from members.mobility.actions import do_record_contact, do_record_report
from members.models import ContactChannel
from oversight.alerts.words import day_counts
from oversight.engine import run_rules
from oversight.models import Severity
from tests.oversight.rules.helpers import alerts, days_ago, members_of, rows, today

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def contact(member, actor, on) -> None:
    do_record_contact(
        actor=actor, member=member, contacted_on=on, channel=ContactChannel.PHONE, summary="通话"
    )


def test_not_checked_in_from_the_grace_periods_last_day(members, secretary, tree) -> None:
    """Registered as leaving and not checked in MOBILE_CHECK_IN_GRACE_DAYS later: listed on the
    day the grace period ends, not the day before; a check-in clears it."""
    grace = settings.MOBILE_CHECK_IN_GRACE_DAYS
    episode = builders.away(members["a1"], actor=secretary, out_date=days_ago(grace))
    assert members_of("mobile_not_checked_in", today()) == {members["a1"].pk}
    assert members_of("mobile_not_checked_in", days_ago(1)) == set()
    (row,) = rows("mobile_not_checked_in", today())
    assert row["b_org"] == tree.a1.pk
    assert row["b_period"] == str(episode.pk)
    # Counts of days are stored as their first day and counted when read: stable figures.
    assert row["b_detail"]["days_late_from"] == today().isoformat()
    assert day_counts(row["b_detail"], today())["days_away"] == grace
    assert day_counts(row["b_detail"], today())["days_late"] == 0
    assert day_counts(row["b_detail"], today() + dt.timedelta(days=3))["days_late"] == 3
    builders.check_in_outside(episode, actor=secretary)
    assert members_of("mobile_not_checked_in", today()) == set()


def test_contact_overdue_after_the_interval(members, secretary) -> None:
    """No contact for more than MOBILE_CONTACT_OVERDUE_DAYS (counted from leaving): listed;
    exactly the interval is not yet overdue; a contact clears it and starts a new period."""
    days = settings.MOBILE_CONTACT_OVERDUE_DAYS
    builders.away(members["a1"], actor=secretary, out_date=days_ago(days + 1))
    assert members_of("mobile_contact_overdue", today()) == {members["a1"].pk}
    assert members_of("mobile_contact_overdue", days_ago(1)) == set()
    (row,) = rows("mobile_contact_overdue", today())
    assert row["b_period"] == days_ago(days + 1).isoformat()
    assert day_counts(row["b_detail"], today())["days_silent"] == days + 1
    contact(members["a1"], secretary, days_ago(days))
    assert members_of("mobile_contact_overdue", today()) == set()
    (row,) = rows("mobile_contact_overdue", today() + dt.timedelta(days=1))
    assert row["b_period"] == days_ago(days).isoformat()


def test_report_overdue_after_the_members_interval(members, secretary) -> None:
    """The regular report (定期汇报) is due every `report_every_months` (3) after the last one
    or the date of leaving: overdue the day after; a report clears it."""
    out = months_before(today(), 3) - dt.timedelta(days=1)
    builders.away(members["a1"], actor=secretary, out_date=out)
    assert members_of("mobile_report_overdue", today()) == {members["a1"].pk}
    assert members_of("mobile_report_overdue", days_ago(1)) == set()
    (row,) = rows("mobile_report_overdue", today())
    assert row["b_severity"] == Severity.REMINDER
    do_record_report(
        actor=secretary,
        member=members["a1"],
        reported_on=today(),
        channel=ContactChannel.WECHAT,
        summary="在宁波务工，一切正常",
    )
    assert members_of("mobile_report_overdue", today()) == set()


def test_two_nobody_member(members, secretary, station, tree) -> None:
    """两不管: away, checked in nowhere, no contact for the contact interval. A check-in at a
    station clears it, and so does a contact; exactly the interval is not yet."""
    days = settings.MOBILE_CONTACT_OVERDUE_DAYS
    builders.away(members["a1"], actor=secretary, out_date=days_ago(days + 1))
    assert members_of("mobile_two_nobody", today()) == {members["a1"].pk}
    assert members_of("mobile_two_nobody", days_ago(1)) == set()
    (row,) = rows("mobile_two_nobody", today())
    assert (row["b_org"], row["b_severity"]) == (tree.a1.pk, Severity.SERIOUS)
    builders.check_in(members["a1"], actor=station, at=tree.bs)
    assert members_of("mobile_two_nobody", today()) == set()
    # Still overdue for contact: the home branch's list, not a two-nobody member.
    assert members_of("mobile_contact_overdue", today()) == {members["a1"].pk}


def test_two_nobody_cleared_by_a_contact_or_an_outside_check_in(members, secretary, town) -> None:
    days = settings.MOBILE_CONTACT_OVERDUE_DAYS
    builders.away(members["a1"], actor=secretary, out_date=days_ago(days + 10))
    episode = builders.away(members["a2"], actor=town, out_date=days_ago(days + 10))
    assert members_of("mobile_two_nobody", today()) == {members["a1"].pk, members["a2"].pk}
    contact(members["a1"], secretary, days_ago(5))
    builders.check_in_outside(episode, actor=town)
    assert members_of("mobile_two_nobody", today()) == set()


@pytest.fixture
def records_began(tree, county) -> None:
    """The records span more than the nominal months: a meeting of A2 two years ago."""
    hold_meeting(tree.a2, actor=county, held_on=days_ago(800))


def silent_member(member, actor) -> None:
    """Owes dues since January last year and never took part, paid nor was contacted."""
    builders.set_dues_standard(member, actor=actor)


def test_nominal_member_needs_all_three(records_began, members, town, tree) -> None:
    """挂名党员: no organizational life, no dues paid and no contact for
    OVERSIGHT_NOMINAL_MONTHS (12), all three. Any one of them clears it."""
    secretary = town
    for key in ("a1", "a2"):
        silent_member(members[key], secretary)
    nominal = members_of("mobile_nominal", today())
    assert nominal == {members["a1"].pk, members["a2"].pk}
    (row, _other) = rows("mobile_nominal", today())
    assert row["b_severity"] == Severity.SERIOUS
    assert row["b_detail"]["dues"]["months_owed"] >= 12
    # a1 was contacted within the year: not nominal. a2 paid a month within it: not nominal.
    contact(members["a1"], secretary, months_before(today(), 12) + dt.timedelta(days=1))
    builders.pay_dues(members["a2"], actor=secretary, first_month=dt.date(today().year - 1, 1, 1))
    assert members_of("mobile_nominal", today()) == set()


def test_nominal_member_edges(records_began, members, secretary, tree) -> None:
    """A contact exactly twelve months ago is a year of silence; organizational life within the
    year (at any organization) clears it."""
    silent_member(members["a1"], secretary)
    cutoff = months_before(today(), settings.OVERSIGHT_NOMINAL_MONTHS)
    contact(members["a1"], secretary, cutoff)
    assert members_of("mobile_nominal", today()) == {members["a1"].pk}
    (row,) = rows("mobile_nominal", today())
    assert row["b_period"] == cutoff.isoformat()
    hold_meeting(tree.a1, actor=secretary, held_on=days_ago(3), present=[members["a1"]])
    assert members_of("mobile_nominal", today()) == set()


def test_a_run_opens_each_branchs_alerts(members, secretary, secretary2, tree) -> None:
    """Two branches in two townships: each alert goes to the member's home branch."""
    days = settings.MOBILE_CONTACT_OVERDUE_DAYS
    builders.away(members["a1"], actor=secretary, out_date=days_ago(days + 10))
    builders.away(members["b1"], actor=secretary2, out_date=days_ago(days + 10))
    codes = [
        "mobile_not_checked_in",
        "mobile_contact_overdue",
        "mobile_report_overdue",
        "mobile_two_nobody",
        "mobile_nominal",
    ]
    run = run_rules(today(), only=codes)
    assert run.status == "succeeded", run.error
    for code in codes[:4]:
        assert [(a.organization_id, a.member_id) for a in alerts(code)] == sorted(
            [(tree.a1.pk, members["a1"].pk), (tree.b1.pk, members["b1"].pk)]
        ), code
