"""Arrears totals per organization and dues anomalies (issue 11, items 3 and 4), as of fixed days,
with the amounts written out by hand from the 2008 dues rules (salaried members: up to 3,000 yuan
0.5 %, 3,000-5,000 1 %, 5,000-10,000 1.5 %, above 10,000 2 % of the monthly income)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from members.builders import pay_dues, set_dues_standard
from members.dues.actions import do_void_payment
from members.dues.queries import AnomalyKind, anomalies, arrears_totals, members_of
from members.models import DuesRelief, DuesStandard, Member
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

D = dt.date


def lines(totals) -> dict[str, tuple[int, int, int, Decimal, int]]:
    """name → (members, in arrears, months owed, amount owed, owing six months or more)."""
    return {
        line.name: (line.members, line.in_arrears, line.months_owed, line.amount_owed, line.lapsed)
        for line in totals.lines
    }


@pytest.fixture
def dues(members, tree, superuser) -> dict[str, Member]:
    """As of 15 March 2026 (months up to February are due):

    - a1 (甲一支部): 4,000 yuan → 40.00 a month from November 2025, nothing paid: owes Nov 2025
      to Feb 2026, 4 months, 160.00 (across the year end);
    - a2 (甲二支部): 6,000 yuan → 90.00 from January 2026, January paid: owes February, 90.00;
    - shared (甲二支部): 2,000 yuan → 10.00 from January 2026, January and February paid: owes
      nothing;
    - b1 (乙一支部): 12,000 yuan → 240.00 from June 2025, nothing paid: owes June 2025 to February
      2026, 9 months, 2,160.00 (six months or more: the party constitution, art. 9);
    - a second member of B1, 4,000 yuan from January 2026, paid up;
    - an archived member of A1 with a standard and nothing paid: not on the register, not counted;
    - county_branch (县直机关党支部): no standard, owes nothing.
    """
    s = superuser
    set_dues_standard(members["a1"], actor=s, base_income="4000", from_month=D(2025, 11, 1))
    set_dues_standard(members["a2"], actor=s, base_income="6000", from_month=D(2026, 1, 1))
    pay_dues(members["a2"], actor=s, first_month=D(2026, 1, 1), paid_on=D(2026, 1, 20))
    set_dues_standard(members["shared"], actor=s, base_income="2000", from_month=D(2026, 1, 1))
    pay_dues(members["shared"], actor=s, first_month=D(2026, 1, 1), months=2, paid_on=D(2026, 1, 5))
    set_dues_standard(members["b1"], actor=s, base_income="12000", from_month=D(2025, 6, 1))
    other = MemberFactory.create(name="赵乙二", home_org=tree.b1)
    set_dues_standard(other, actor=s, base_income="4000", from_month=D(2026, 1, 1))
    pay_dues(other, actor=s, first_month=D(2026, 1, 1), months=2, paid_on=D(2026, 1, 5))
    gone = MemberFactory.create(name="钱已转出", home_org=tree.a1)
    set_dues_standard(gone, actor=s, base_income="4000", from_month=D(2025, 1, 1))
    Member.objects.filter(pk=gone.pk).update(archived_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    return {**members, "other": other, "gone": gone}


def test_the_county_totals_per_township(dues, tree) -> None:
    """Two townships and the county's own branch: each township sums its branches."""
    totals = arrears_totals(tree.county, D(2026, 3, 15))
    assert [line.name for line in totals.lines] == ["甲镇", "乙镇", "县直机关党支部"]
    assert lines(totals) == {
        # a1 160.00 (4 months) + a2 90.00 (1 month); shared paid up.
        "甲镇": (3, 2, 5, Decimal("250.00"), 0),
        # b1 9 x 240.00; the other member paid up.
        "乙镇": (2, 1, 9, Decimal("2160.00"), 1),
        "县直机关党支部": (1, 0, 0, Decimal("0.00"), 0),
    }
    total = totals.total
    assert (total.members, total.in_arrears, total.months_owed, total.amount_owed) == (
        6, 3, 14, Decimal("2410.00"),
    )  # fmt: skip
    assert total.owing == {1: 3, 3: 2, 6: 1}
    assert all(not line.is_root for line in totals.lines)


def test_a_township_per_branch_and_a_branch_alone(dues, tree) -> None:
    """Drilling down: township A by branch; a branch is its own one line."""
    town = arrears_totals(tree.town_a, D(2026, 3, 15))
    assert lines(town) == {
        "甲一支部": (1, 1, 4, Decimal("160.00"), 0),
        "甲二支部": (2, 1, 1, Decimal("90.00"), 0),
    }
    assert [line.has_children for line in town.lines] == [False, False]
    branch = arrears_totals(tree.b1, D(2026, 3, 15))
    assert lines(branch) == {"乙一支部": (2, 1, 9, Decimal("2160.00"), 1)}
    assert branch.lines[0].is_root
    town_b = arrears_totals(tree.town_b, D(2026, 3, 15))
    # The station holds no members: a line of zeros.
    assert lines(town_b)["乙镇流动党员服务站"] == (0, 0, 0, Decimal("0"), 0)


def test_totals_agree_with_each_members_state(dues, tree) -> None:
    """The totals are the sum of `with_dues` over the same members (one definition)."""
    day = D(2026, 3, 15)
    states = [m.dues for m in Member.objects.active().with_dues(day)]
    total = arrears_totals(tree.county, day).total
    assert total.months_owed == sum(s.months_owed for s in states)
    assert total.amount_owed == sum((s.amount_owed for s in states), Decimal(0))
    assert total.in_arrears == Member.objects.active().in_dues_arrears(day, 1).count()


def test_arrears_and_paid_up_to_across_a_year_end(members, tree, superuser) -> None:
    """Paid June to October 2025: on 10 February 2026 the member owes November, December and
    January (3 x 40.00), paid up to October 2025; February is not overdue before it is over."""
    member = members["a1"]
    set_dues_standard(member, actor=superuser, base_income="4000", from_month=D(2025, 6, 1))
    pay_dues(member, actor=superuser, first_month=D(2025, 6, 1), months=5, paid_on=D(2025, 6, 3))
    day = D(2026, 2, 10)
    state = Member.objects.with_dues(day).get(pk=member.pk).dues
    assert (state.months_owed, state.amount_owed) == (3, Decimal("120.00"))
    assert state.paid_until == D(2025, 10, 1)
    assert state.first_owed == D(2025, 11, 1)
    assert state.last_paid_on == D(2025, 6, 3)
    line = lines(arrears_totals(tree.town_a, day))["甲一支部"]
    assert line == (1, 1, 3, Decimal("120.00"), 0)
    assert list(Member.objects.in_dues_arrears(day, 3)) == [member]
    assert not Member.objects.in_dues_arrears(day, 4).exists()
    # January paid: two months left, paid up to October still (November is the gap).
    pay_dues(member, actor=superuser, first_month=D(2026, 1, 1), paid_on=D(2026, 2, 1))
    state = Member.objects.with_dues(day).get(pk=member.pk).dues
    assert (state.months_owed, state.paid_until) == (2, D(2025, 10, 1))


def found(rows) -> set[tuple[str, dt.date, str]]:
    names = dict(Member.objects.values_list("pk", "name"))
    return {(names[r.member_id], r.month, r.kind) for r in rows}


def test_anomalies(members, tree, superuser) -> None:
    """As of 15 June 2026 (settings.DUES_AHEAD_ANOMALY_MONTHS = 3: up to September 2026 is not
    far ahead): a month paid six months ahead is listed, three months ahead is not; a month paid
    before the member's first standard (the standard's start corrected to a later month after
    the payment), a month exempt on approval after it was paid, and a month paid after the
    member left the register are listed; a voided payment is not."""
    s = superuser
    a1, a2, b1, cb = members["a1"], members["a2"], members["b1"], members["county_branch"]
    for member in (a1, a2, b1, cb):
        set_dues_standard(member, actor=s, base_income="4000", from_month=D(2026, 1, 1))
    pay_dues(a1, actor=s, first_month=D(2026, 9, 1), paid_on=D(2026, 6, 1))  # 3 ahead
    pay_dues(a1, actor=s, first_month=D(2026, 12, 1), paid_on=D(2026, 6, 1))  # 6 ahead
    voided = pay_dues(a1, actor=s, first_month=D(2027, 1, 1), paid_on=D(2026, 6, 1))
    do_void_payment(payment=voided, reason="录错", actor=s)
    # A2 paid February; the standard is then found to start in March (corrected in place).
    pay_dues(a2, actor=s, first_month=D(2026, 2, 1), paid_on=D(2026, 2, 5))
    DuesStandard.objects.filter(member=a2).update(effective_from=D(2026, 3, 1))
    # B1 paid March; then exempted from March on (hardship, approved by the branch committee).
    pay_dues(b1, actor=s, first_month=D(2026, 3, 1), paid_on=D(2026, 3, 5))
    set_dues_standard(
        b1, actor=s, base_income="4000", from_month=D(2026, 3, 1),
        relief=DuesRelief.EXEMPT, relief_reason="生活困难", relief_approved_by="支部委员会",
        relief_approved_on=D(2026, 3, 10),
    )  # fmt: skip
    # The county's branch member paid April and left the register in March.
    pay_dues(cb, actor=s, first_month=D(2026, 4, 1), paid_on=D(2026, 3, 2))
    Member.objects.filter(pk=cb.pk).update(archived_at=dt.datetime(2026, 3, 20, tzinfo=dt.UTC))
    rows = anomalies(members_of(tree.county), D(2026, 6, 15))
    assert found(rows) == {
        ("王甲一", D(2026, 12, 1), AnomalyKind.AHEAD),
        ("王甲二", D(2026, 2, 1), AnomalyKind.BEFORE_STANDARD),
        ("王乙一", D(2026, 3, 1), AnomalyKind.EXEMPT),
        ("王县直", D(2026, 4, 1), AnomalyKind.AFTER_LEFT),
    }
    ahead = next(r for r in rows if r.kind == AnomalyKind.AHEAD)
    assert (ahead.amount, ahead.paid_on) == (Decimal("40.00"), D(2026, 6, 1))
    # Scoped: township A's members only.
    assert {r.member_id for r in anomalies(members_of(tree.town_a), D(2026, 6, 15))} == {
        a1.pk, a2.pk,
    }  # fmt: skip
    # A year later December 2026 is no longer ahead.
    later = found(anomalies(members_of(tree.a1), D(2026, 12, 15)))
    assert later == set()


def test_the_per_member_shape_answers_the_same(dues, tree) -> None:
    """The benchmark's other shape (each member's `DUES_STATE_SQL` in a lateral subquery) gives
    the same rows as the set-based statement."""
    from django.db import connection

    from members.dues.queries import totals_sql

    answers = []
    for lateral in (False, True):
        sql, params = totals_sql(tree.county, D(2026, 3, 15), lateral=lateral)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            answers.append(cursor.fetchall())
    assert answers[0] == answers[1]
    assert len(answers[0]) == 4  # the county (no members of its own) and its three children


def test_arrears_inside_a_subquery(dues) -> None:
    """`in_dues_arrears` and `with_dues` used in a subquery (a page's rows read again by id, as
    the arrears list does) read the subquery's member, not the outer query's."""
    day = D(2026, 3, 15)
    owing = Member.objects.active().in_dues_arrears(day, 1)
    inner = Member.objects.filter(pk__in=owing.order_by("name_pinyin", "id")[:2].values("pk"))
    assert set(inner) == set(owing.order_by("name_pinyin", "id")[:2])
    assert {m.name for m in owing} == {"王甲一", "王甲二", "王乙一"}
    again = Member.objects.filter(pk__in=owing.values("pk")).with_dues(day)
    assert {m.name: m.dues.months_owed for m in again} == {"王甲一": 4, "王甲二": 1, "王乙一": 9}
