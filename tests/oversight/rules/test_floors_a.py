"""The benchmark's bare-SQL floors (benchmarks/oversight_floors_a.py) answer what the rules
answer: the same members, on a world where each rule has members on both sides of its edges."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from benchmarks.oversight_floors_a import FLOORS, PARAMS
from education.builders import hold_meeting
from members.builders import decide_standing, lose_contact, pay_dues, set_dues_standard
from members.models import DecisionKind
from oversight import rules as registry
from oversight.builders import assign_work, exempt
from oversight.models import Condition
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

D = dt.date


def floor_ids(code: str, as_of: dt.date) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(FLOORS[code], PARAMS(as_of))
        return {row[0] for row in cursor.fetchall()}


def rule_ids(code: str, as_of: dt.date) -> set[int]:
    return {row["b_member"] for row in registry.RULES[code].breaches(as_of)}


def test_every_floor_finds_what_its_rule_finds(tree, members, superuser) -> None:
    a1, a2, b1, cb, shared = (members[k] for k in ("a1", "a2", "b1", "county_branch", "shared"))
    more = [MemberFactory.create(home_org=tree.a1) for _ in range(4)]
    # Life: participation at both edges, at the inflow organization, proper reasons.
    hold_meeting(tree.a1, actor=superuser, held_on=D(2026, 2, 28), present=[a1, more[0]])
    hold_meeting(tree.a2, actor=superuser, held_on=D(2026, 3, 1), present=[a2])
    hold_meeting(tree.bs, actor=superuser, held_on=D(2026, 7, 1), present=[shared])
    hold_meeting(tree.a1, actor=superuser, held_on=D(2026, 5, 30), present=[more[1]])
    exempt(
        more[0], Condition.LIFE, actor=superuser, starts_on=D(2026, 3, 1), ends_on=D(2026, 4, 30)
    )
    exempt(more[1], actor=superuser, starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
    # Dues: owing since January, paying some, a proper reason that ended.
    for member in (a1, a2, b1, more[2]):
        set_dues_standard(member, actor=superuser, from_month=D(2026, 1, 1))
    pay_dues(a2, actor=superuser, first_month=D(2026, 1, 1), months=3)
    exempt(b1, Condition.DUES, actor=superuser, starts_on=D(2026, 1, 1), ends_on=D(2026, 4, 15))
    # Work: open, due later, done, voided, excused.
    assign_work(a1, actor=superuser, assigned_on=D(2026, 2, 28))
    assign_work(a2, actor=superuser, assigned_on=D(2026, 1, 10), due_on=D(2026, 4, 1))
    assign_work(more[3], actor=superuser, assigned_on=D(2026, 1, 10))
    exempt(
        more[3], Condition.WORK, actor=superuser, starts_on=D(2026, 2, 1), ends_on=D(2026, 3, 31)
    )
    # Standing: lost with and without a finding attempt; suspended.
    lose_contact(cb, actor=superuser, since=D(2026, 2, 1), tried_on=D(2026, 2, 10))
    lose_contact(more[2], actor=superuser, since=D(2026, 2, 1))
    decide_standing(
        more[3],
        kind=DecisionKind.SUSPEND,
        proposer=superuser,
        approver=superuser,
        on=D(2024, 8, 31),
    )
    compared = 0
    for as_of in (D(2026, 5, 31), D(2026, 7, 1), D(2026, 8, 30), D(2026, 8, 31), D(2026, 11, 30)):
        for code in FLOORS:
            expected = rule_ids(code, as_of)
            assert floor_ids(code, as_of) == expected, (code, as_of)
            compared += len(expected)
    assert compared > 30
    assert set(FLOORS) == {
        "life_six_months",
        "dues_six_months",
        "work_six_months",
        "dues_overdue",
        "suspension_due",
        "strike_off_due",
    }
