"""The six-month rule's three conditions (party constitution, article 38: six consecutive months
without organizational life, or without paying dues, or without doing assigned work, without a
proper reason), their early warnings at three and five months, proper reasons, and the standing
rules (lost six months → suspension due; suspended two years → strike-off due)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Value

from education.builders import hold_meeting
from education.life import months_since
from members.builders import decide_standing, lose_contact, pay_dues, set_dues_standard
from members.models import DecisionKind, Member
from oversight import rules as registry
from oversight.builders import assign_work, exempt
from oversight.conditions.actions import do_record_work_done, do_revoke_exemption, do_void_work
from oversight.engine import run_rules
from oversight.models import Alert, Condition, Severity
from oversight.rules.six_months import MonthsSince

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

D = dt.date


def found(code: str, as_of: dt.date) -> dict[int, dict]:
    """The rule's breaches as of `as_of`, by member id."""
    return {row["b_member"]: row for row in registry.RULES[code].breaches(as_of)}


def severity(code: str, as_of: dt.date, member: Member) -> int | None:
    row = found(code, as_of).get(member.pk)
    return None if row is None else row["b_severity"]


# --- organizational life -----------------------------------------------------------------------


def test_life_exactly_six_months_flags_one_day_short_does_not(tree, members, superuser) -> None:
    """Article 38: six consecutive months. Six months before 31 August is 28 February."""
    a1, a2 = members["a1"], members["a2"]
    hold_meeting(tree.a1, actor=superuser, held_on=D(2026, 2, 28), present=[a1])
    hold_meeting(tree.a2, actor=superuser, held_on=D(2026, 3, 1), present=[a2])
    rows = found("life_six_months", D(2026, 8, 31))
    assert rows[a1.pk]["b_severity"] == Severity.SERIOUS
    assert rows[a1.pk]["b_period"] == "since:2026-02-28"
    assert rows[a1.pk]["b_org"] == tree.a1.pk
    assert rows[a1.pk]["b_detail"]["months"] == 6
    assert rows[a1.pk]["b_detail"]["since"] == "2026-02-28"
    # One day short of six months: an early warning (five months), not the breach.
    assert rows[a2.pk]["b_severity"] == Severity.WARNING
    assert rows[a2.pk]["b_detail"]["months"] == 5


def test_life_month_ends_and_the_year_end(tree, members, superuser) -> None:
    """31 October minus six months is 30 April; 30 June minus six months is 30 December of the
    year before."""
    a1, a2 = members["a1"], members["a2"]
    hold_meeting(tree.a1, actor=superuser, held_on=D(2026, 4, 30), present=[a1])
    hold_meeting(tree.a2, actor=superuser, held_on=D(2026, 5, 1), present=[a2])
    assert severity("life_six_months", D(2026, 10, 31), a1) == Severity.SERIOUS
    assert severity("life_six_months", D(2026, 10, 31), a2) == Severity.WARNING

    b1 = members["b1"]
    hold_meeting(tree.b1, actor=superuser, held_on=D(2025, 12, 30), present=[b1])
    assert severity("life_six_months", D(2026, 6, 30), b1) == Severity.SERIOUS
    assert severity("life_six_months", D(2026, 6, 29), b1) == Severity.WARNING


def test_life_warnings_at_three_and_five_months_are_one_alert(tree, members, superuser) -> None:
    """One alert per silence: the same period at three, five and six months, its severity
    rising; taking part again closes it, the next silence is a new alert."""
    a1 = members["a1"]
    hold_meeting(tree.a1, actor=superuser, held_on=D(2026, 1, 15), present=[a1])
    assert severity("life_six_months", D(2026, 4, 14), a1) is None
    for day, expected in (
        (D(2026, 4, 15), Severity.REMINDER),
        (D(2026, 6, 15), Severity.WARNING),
        (D(2026, 7, 15), Severity.SERIOUS),
    ):
        run_rules(day, only=["life_six_months"])
        alert = Alert.objects.get(rule="life_six_months", member=a1)
        assert (alert.severity, alert.period) == (expected, "since:2026-01-15")
    hold_meeting(tree.a1, actor=superuser, held_on=D(2026, 7, 20), present=[a1])
    run_rules(D(2026, 7, 21), only=["life_six_months"])
    assert Alert.objects.get(rule="life_six_months", member=a1).status == "resolved"
    run_rules(D(2026, 10, 20), only=["life_six_months"])
    assert Alert.objects.filter(rule="life_six_months", member=a1).count() == 2
    new = Alert.objects.get(rule="life_six_months", member=a1, status="open")
    assert (new.period, new.severity) == ("since:2026-07-20", Severity.REMINDER)


def test_life_at_the_inflow_organization_saves_the_member(tree, members, superuser) -> None:
    """Attendance at the inflow organization is the member's organizational life."""
    shared, a2 = members["shared"], members["a2"]
    hold_meeting(tree.a2, actor=superuser, held_on=D(2026, 1, 5), present=[shared, a2])
    hold_meeting(tree.bs, actor=superuser, held_on=D(2026, 6, 10), present=[shared])
    rows = found("life_six_months", D(2026, 8, 31))
    assert shared.pk not in rows
    assert rows[a2.pk]["b_severity"] == Severity.SERIOUS


def test_life_clock_of_a_member_with_no_rows(tree, members, superuser) -> None:
    """Nothing recorded: the clock starts at the first meeting recorded (or joining, later)."""
    a1 = members["a1"]
    hold_meeting(tree.a1, actor=superuser, held_on=D(2026, 3, 10), present=[])
    rows = found("life_six_months", D(2026, 9, 10))
    assert rows[a1.pk]["b_period"] == "since:2026-03-10"
    assert rows[a1.pk]["b_detail"]["last_life_on"] is None
    assert found("life_six_months", D(2026, 6, 9)) == {}


def test_life_proper_reason_running_and_after_it_ended(tree, members, superuser) -> None:
    """A proper reason (正当理由) running on the day: not flagged. After it ended, the silence
    counts from the day after: a member back from an approved stay abroad is not flagged the
    next morning. A proper reason for dues does not excuse life; a revoked one counts for
    nothing."""
    a1, a2, b1 = members["a1"], members["a2"], members["b1"]
    for member in (a1, a2, b1):
        hold_meeting(member.home_org, actor=superuser, held_on=D(2025, 12, 1), present=[member])
    exempt(a1, Condition.LIFE, actor=superuser, starts_on=D(2026, 1, 1), ends_on=D(2026, 9, 30))
    away = exempt(a2, actor=superuser, starts_on=D(2026, 1, 1), ends_on=D(2026, 3, 31))
    exempt(b1, Condition.DUES, actor=superuser, starts_on=D(2026, 1, 1), ends_on=D(2026, 9, 30))
    rows = found("life_six_months", D(2026, 8, 31))
    assert a1.pk not in rows
    assert rows[a2.pk]["b_period"] == "since:2026-04-01"
    assert rows[a2.pk]["b_severity"] == Severity.REMINDER
    assert rows[a2.pk]["b_detail"]["months"] == 4
    assert rows[b1.pk]["b_severity"] == Severity.SERIOUS
    assert severity("life_six_months", D(2026, 10, 1), a2) == Severity.SERIOUS
    assert severity("life_six_months", D(2026, 10, 1), a1) is None  # ended 30 September
    do_revoke_exemption(actor=superuser, exemption=away, reason="核实后并未出国")
    assert found("life_six_months", D(2026, 8, 31))[a2.pk]["b_period"] == "since:2025-12-01"


def test_life_population_is_the_register_in_good_standing(tree, members, superuser):
    a1 = members["a1"]
    hold_meeting(tree.a1, actor=superuser, held_on=D(2025, 12, 1), present=[a1])
    decide_standing(a1, kind=DecisionKind.SUSPEND, proposer=superuser, approver=superuser)
    assert a1.pk not in found("life_six_months", D(2026, 8, 31))


def test_months_count_as_months_before_does() -> None:
    """`MonthsSince` in SQL agrees with `education.life.months_since` at month ends."""
    pairs = [
        (D(2026, 2, 28), D(2026, 8, 31)),
        (D(2026, 3, 1), D(2026, 8, 31)),
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2025, 12, 31), D(2026, 6, 30)),
        (D(2026, 4, 30), D(2026, 10, 31)),
        (D(2024, 2, 29), D(2024, 8, 31)),
    ]
    for since, as_of in pairs:
        value = (
            Member.objects.annotate(m=MonthsSince(Value(since), as_of)).values_list("m", flat=True)
        )[:1]
        assert list(value) == [months_since(since, as_of)], (since, as_of)


# --- party dues --------------------------------------------------------------------------------


def test_dues_six_months_owed_and_its_warnings(tree, members, superuser) -> None:
    """Article 38: six consecutive months without paying dues (owing six months; the current
    month is not owed until it is over)."""
    a1 = members["a1"]
    set_dues_standard(a1, actor=superuser, from_month=D(2026, 1, 1))
    assert severity("dues_six_months", D(2026, 3, 31), a1) is None
    assert severity("dues_six_months", D(2026, 4, 1), a1) == Severity.REMINDER
    assert severity("dues_six_months", D(2026, 6, 30), a1) == Severity.WARNING
    row = found("dues_six_months", D(2026, 7, 1))[a1.pk]
    assert row["b_severity"] == Severity.SERIOUS
    assert row["b_period"] == "since:2026-01-01"
    assert row["b_org"] == tree.a1.pk
    assert row["b_detail"]["months"] == 6
    assert row["b_detail"]["months_owed"] == 6
    assert row["b_detail"]["amount_owed"] == "240.00"
    pay_dues(a1, actor=superuser, first_month=D(2026, 1, 1), months=2)
    row = found("dues_six_months", D(2026, 7, 1))[a1.pk]
    assert (row["b_severity"], row["b_period"]) == (Severity.REMINDER, "since:2026-03-01")


def test_dues_proper_reason(tree, members, superuser) -> None:
    a1, a2 = members["a1"], members["a2"]
    set_dues_standard(a1, actor=superuser, from_month=D(2026, 1, 1))
    set_dues_standard(a2, actor=superuser, from_month=D(2026, 1, 1))
    exempt(a1, Condition.DUES, actor=superuser, starts_on=D(2026, 1, 1), ends_on=D(2026, 7, 31))
    exempt(a2, Condition.DUES, actor=superuser, starts_on=D(2026, 1, 1), ends_on=D(2026, 4, 15))
    rows = found("dues_six_months", D(2026, 7, 1))
    assert a1.pk not in rows
    # Back on 16 April: April is counted (it could be paid in April), not the months before.
    assert rows[a2.pk]["b_period"] == "since:2026-04-01"
    assert rows[a2.pk]["b_detail"]["months"] == 3
    assert rows[a2.pk]["b_detail"]["months_owed"] == 6
    assert rows[a2.pk]["b_severity"] == Severity.REMINDER
    assert severity("dues_six_months", D(2026, 10, 1), a2) == Severity.SERIOUS


# --- assigned work -----------------------------------------------------------------------------


def test_work_not_done_six_months(tree, members, superuser) -> None:
    a1, a2, b1 = members["a1"], members["a2"], members["b1"]
    first = assign_work(a1, actor=superuser, assigned_on=D(2026, 2, 28))
    assign_work(a1, actor=superuser, assigned_on=D(2026, 4, 1))
    # Due a month later: the clock starts when it was due.
    assign_work(a2, actor=superuser, assigned_on=D(2026, 2, 28), due_on=D(2026, 3, 31))
    voided = assign_work(b1, actor=superuser, assigned_on=D(2026, 1, 5))
    do_void_work(actor=superuser, work=voided, reason="录入错误")
    rows = found("work_six_months", D(2026, 8, 31))
    assert rows[a1.pk]["b_severity"] == Severity.SERIOUS
    assert rows[a1.pk]["b_period"] == "since:2026-02-28"
    assert rows[a1.pk]["b_detail"]["open_assignments"] == 2
    assert rows[a2.pk]["b_severity"] == Severity.WARNING
    assert b1.pk not in rows
    assert severity("work_six_months", D(2026, 8, 30), a1) == Severity.SERIOUS  # 28 Feb again
    assert severity("work_six_months", D(2026, 8, 27), a1) == Severity.WARNING
    do_record_work_done(actor=superuser, work=first, done_on=D(2026, 6, 1), outcome="已完成")
    # Done on 1 June: as of 31 May it was still open; after, the other one starts a new period.
    assert found("work_six_months", D(2026, 5, 31))[a1.pk]["b_period"] == "since:2026-02-28"
    row = found("work_six_months", D(2026, 8, 31))[a1.pk]
    assert (row["b_period"], row["b_severity"]) == ("since:2026-04-01", Severity.REMINDER)


def test_work_proper_reason(tree, members, superuser) -> None:
    a1 = members["a1"]
    assign_work(a1, actor=superuser, assigned_on=D(2026, 1, 5))
    exempt(a1, Condition.WORK, actor=superuser, starts_on=D(2026, 2, 1), ends_on=D(2026, 8, 31))
    assert found("work_six_months", D(2026, 8, 31)) == {}
    row = found("work_six_months", D(2026, 12, 1))[a1.pk]
    assert (row["b_period"], row["b_severity"]) == ("since:2026-09-01", Severity.REMINDER)


# --- standing ----------------------------------------------------------------------------------


def test_suspension_due_after_six_months_lost_and_a_finding_attempt(
    tree, members, superuser
) -> None:
    """The 2014 opinions on members who lost contact: lost six months after an attempt to
    find them → suspension (停止党籍) due."""
    a1, a2 = members["a1"], members["a2"]
    lose_contact(a1, actor=superuser, since=D(2026, 4, 30), tried_on=D(2026, 5, 10))
    lose_contact(a2, actor=superuser, since=D(2026, 4, 30))  # nobody tried to find them
    rows = found("suspension_due", D(2026, 10, 31))
    assert set(rows) == {a1.pk}
    assert rows[a1.pk]["b_period"] == "lost:2026-04-30"
    assert rows[a1.pk]["b_org"] == tree.a1.pk
    assert rows[a1.pk]["b_detail"]["last_attempt_on"] == "2026-05-10"
    assert found("suspension_due", D(2026, 10, 29)) == {}


def test_strike_off_due_after_two_years_suspended(tree, members, superuser) -> None:
    a1 = members["a1"]
    decide_standing(
        a1, kind=DecisionKind.SUSPEND, proposer=superuser, approver=superuser, on=D(2024, 11, 30)
    )
    assert found("strike_off_due", D(2026, 11, 29)) == {}
    row = found("strike_off_due", D(2026, 11, 30))[a1.pk]
    assert (row["b_period"], row["b_org"]) == ("suspended:2024-11-30", tree.a1.pk)
