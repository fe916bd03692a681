"""The nightly run's engine: alerts upserted per rule, closed when the condition clears,
reopened when it comes back, a failing rule named while the others finish, one run at a time
(issue 12, items 2, 4 and 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg2
import pytest
from django.db import connection
from django.db.models import F, Value

from members.dues.actions import (
    PaymentInput,
    StandardInput,
    do_record_payment,
    do_set_standard,
    do_void_payment,
)
from members.models import DuesCategory, DuesMethod, DuesPayment, Member
from oversight import rules as registry
from oversight.engine import LOCK_KEY, RunInProgressError, run_rules
from oversight.models import Alert, AlertStatus, NightlyRun, RunStatus, Severity
from oversight.rules import breaches

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

DAY = dt.date(2026, 11, 30)


def owe(member, actor, since=dt.date(2026, 5, 1)) -> None:
    do_set_standard(
        member=member,
        effective_from=since,
        data=StandardInput(category=DuesCategory.SALARIED, base_income=Decimal("4000")),
        actor=actor,
    )


def pay(member, first, months, actor) -> None:
    do_record_payment(
        member=member,
        data=PaymentInput(
            first_month=first,
            months=months,
            amount=Decimal("40") * months,
            method=DuesMethod.CASH,
            paid_on=DAY,
            received_by="李会计",
        ),
        actor=actor,
    )


def dues_alerts() -> list[Alert]:
    return list(Alert.objects.filter(rule="dues_overdue").order_by("member_id"))


def test_a_rerun_changes_nothing_and_a_cleared_breach_closes_then_reopens(
    members, secretary, secretary2
) -> None:
    owe(members["a1"], secretary)
    owe(members["b1"], secretary2)
    first = run_rules(DAY, only=["dues_overdue"])
    alerts = dues_alerts()
    assert [a.member_id for a in alerts] == sorted([members["a1"].pk, members["b1"].pk])
    assert {a.organization_id for a in alerts} == {
        members["a1"].home_org_id,
        members["b1"].home_org_id,
    }
    assert alerts[0].detail["months_owed"] == 6
    rule_run = first.rule_runs.get()
    assert (rule_run.opened, rule_run.still_open, rule_run.closed) == (2, 0, 0)

    again = run_rules(DAY, only=["dues_overdue"])
    assert dues_alerts() == alerts
    rule_run = again.rule_runs.get()
    assert (rule_run.opened, rule_run.reopened, rule_run.still_open, rule_run.closed) == (
        0,
        0,
        2,
        0,
    )

    # a1 pays up: the alert closes by itself.
    pay(members["a1"], dt.date(2026, 5, 1), 6, secretary)
    cleared = run_rules(DAY, only=["dues_overdue"]).rule_runs.get()
    assert (cleared.opened, cleared.still_open, cleared.closed) == (0, 1, 1)
    a1 = Alert.objects.get(rule="dues_overdue", member=members["a1"])
    assert a1.status == AlertStatus.RESOLVED
    assert a1.closed_by is None
    assert a1.closed_on == DAY

    # The payment was a mistake and is voided: the same breach (same first month owed) is back,
    # and the same alert reopens.
    payment = DuesPayment.objects.get(member=members["a1"])
    do_void_payment(payment=payment, reason="录错了", actor=secretary)
    back = run_rules(DAY, only=["dues_overdue"]).rule_runs.get()
    assert (back.opened, back.reopened, back.still_open, back.closed) == (0, 1, 1, 0)
    a1 = Alert.objects.get(pk=a1.pk)
    assert (a1.status, a1.times_reopened, a1.reopened_on, a1.closed_on) == (
        AlertStatus.OPEN,
        1,
        DAY,
        None,
    )
    assert Alert.objects.filter(rule="dues_overdue").count() == 2


def row_versions(rule: str) -> dict[int, str]:
    """Each alert's row version (`xmin`): it changes whenever the row is written."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, xmin::text FROM oversight_alert WHERE rule = %s", [rule])
        return dict(cursor.fetchall())


def test_the_steady_state_writes_nothing_and_changed_figures_are_written(
    members, secretary, secretary2
) -> None:
    """A night that finds the same breaches with the same figures leaves every alert row as it
    was (no rewrite of a million live alerts); a night whose figures moved writes just those."""
    owe(members["a1"], secretary)
    owe(members["b1"], secretary2)
    run_rules(DAY, only=["dues_overdue"])
    before = row_versions("dues_overdue")
    assert len(before) == 2

    run_rules(DAY, only=["dues_overdue"])
    assert row_versions("dues_overdue") == before

    # A month later a1 and b1 owe a month more: both alerts' figures are written, and the day.
    later = dt.date(2026, 12, 31)
    second = run_rules(later, only=["dues_overdue"]).rule_runs.get()
    assert (second.opened, second.reopened, second.still_open, second.closed) == (0, 0, 2, 0)
    after = row_versions("dues_overdue")
    assert after.keys() == before.keys()
    assert all(after[pk] != before[pk] for pk in before)
    alert = Alert.objects.get(rule="dues_overdue", member=members["a1"])
    assert (alert.detail["months_owed"], alert.seen_on, alert.opened_on) == (7, later, DAY)


def test_a_period_and_severity_from_the_details_are_what_the_rule_answers(
    members, secretary, secretary2, town
) -> None:
    """`FromDetail`: the engine computes the dues rules' period and severity from the stored
    details (the dues read once per member); the alerts hold exactly what the rule's own query
    answers, at each severity (reminder at three months owed, warning at five, serious at six:
    party constitution, article 38)."""
    owe(members["a1"], secretary, since=dt.date(2026, 5, 1))  # six months owed
    owe(members["a2"], town, since=dt.date(2026, 6, 1))  # five
    owe(members["b1"], secretary2, since=dt.date(2026, 8, 1))  # three
    codes = ["dues_six_months", "dues_overdue"]
    for code in codes:
        _rows, derived = registry.derived_columns(registry.RULES[code].breaches(DAY))
        assert "b_period" in derived
    run_rules(DAY, only=codes)
    for code in codes:
        expected = {
            (row["b_member"], row["b_period"], row["b_severity"])
            for row in registry.RULES[code].breaches(DAY)
        }
        stored = set(Alert.objects.filter(rule=code).values_list("member_id", "period", "severity"))
        assert stored == expected, code
    severities = dict(
        Alert.objects.filter(rule="dues_six_months").values_list("member_id", "severity")
    )
    assert severities == {
        members["a1"].pk: Severity.SERIOUS,
        members["a2"].pk: Severity.WARNING,
        members["b1"].pk: Severity.REMINDER,
    }
    assert Alert.objects.get(rule="dues_six_months", member=members["a2"]).period == (
        "since:2026-06-01"
    )


def test_a_failing_rule_is_named_and_the_others_finish(members, secretary) -> None:
    owe(members["a1"], secretary)

    def broken(as_of):
        raise RuntimeError("boom")

    registry.RULES["broken"] = registry.Rule("broken", "broken", "", "dues", broken)
    try:
        run = run_rules(DAY, only=["broken", "dues_overdue"])
    finally:
        del registry.RULES["broken"]
    assert run.status == RunStatus.PARTIAL
    assert "broken" in run.error
    assert run.rule_runs.get(rule="broken").error.endswith("boom")
    assert run.rule_runs.get(rule="dues_overdue").opened == 1


def test_a_rule_answering_one_breach_twice_opens_one_alert(members) -> None:
    def twice(as_of):
        qs = Member.objects.filter(pk=members["a1"].pk)
        return breaches(
            qs,
            organization=F("home_org_id"),
            member=F("pk"),
            period=Value("p"),
        ).union(
            breaches(qs, organization=F("home_org_id"), member=F("pk"), period=Value("p")),
            all=True,
        )

    registry.RULES["twice"] = registry.Rule("twice", "twice", "", "dues", twice)
    try:
        run = run_rules(DAY, only=["twice"])
    finally:
        del registry.RULES["twice"]
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert Alert.objects.filter(rule="twice").count() == 1


def test_two_runs_at_once_one_runs_the_other_says_so(members) -> None:
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        with pytest.raises(RunInProgressError):
            run_rules(DAY, only=["dues_overdue"])
    finally:
        other.close()
    assert not NightlyRun.objects.filter(as_of=DAY).exists()
    assert run_rules(DAY, only=["dues_overdue"]).status == RunStatus.SUCCEEDED


def test_a_run_left_running_by_a_dead_worker_is_marked_interrupted(members) -> None:
    from django.utils import timezone

    dead = NightlyRun.objects.create(as_of=DAY, trigger="schedule", started_at=timezone.now())
    run_rules(DAY, only=["dues_overdue"])
    dead.refresh_from_db()
    assert dead.status == RunStatus.INTERRUPTED
