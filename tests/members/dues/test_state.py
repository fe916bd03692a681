"""The derived dues state: paid up to, months and amount owed (issue 11, item 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from members.dues.actions import (
    PaymentInput,
    StandardInput,
    do_record_payment,
    do_set_standard,
    do_void_payment,
)
from members.models import DuesCategory, DuesMethod, Member

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def state(member: Member, day: dt.date):
    return Member.objects.with_dues(day).get(pk=member.pk).dues


def pay(member, first, months, amount, actor, **kw):
    return do_record_payment(
        member=member,
        data=PaymentInput(
            first_month=first,
            months=months,
            amount=Decimal(amount),
            method=DuesMethod.CASH,
            paid_on=dt.date(2026, 11, 20),
            received_by="李会计",
            **kw,
        ),
        actor=actor,
    )


def test_paid_up_to_and_arrears_across_a_year_end(members, secretary) -> None:
    member = members["a1"]
    do_set_standard(
        member=member,
        effective_from=dt.date(2025, 10, 1),
        data=StandardInput(category=DuesCategory.SALARIED, base_income=Decimal("4000")),
        actor=secretary,
    )
    # Oct 2025 .. Oct 2026 is due on 30 Nov 2026: 13 months at 40.00.
    assert state(member, dt.date(2026, 11, 30)).months_owed == 13
    assert state(member, dt.date(2026, 11, 30)).amount_owed == Decimal("520.00")
    # Nothing paid since the records began: no month to print.
    assert state(member, dt.date(2026, 11, 30)).paid_until is None
    pay(member, dt.date(2025, 10, 1), 3, "120", secretary)
    s = state(member, dt.date(2026, 11, 30))
    assert (s.months_owed, s.amount_owed) == (10, Decimal("400.00"))
    assert s.paid_until == dt.date(2025, 12, 1)
    assert s.last_paid_on == dt.date(2026, 11, 20)
    # Across the year end: January 2026 counts.
    payment = pay(member, dt.date(2026, 1, 1), 10, "400", secretary)
    s = state(member, dt.date(2026, 11, 30))
    assert (s.months_owed, s.paid_until) == (0, dt.date(2026, 10, 1))
    do_void_payment(payment=payment, reason="录错", actor=secretary)
    assert state(member, dt.date(2026, 11, 30)).paid_until == dt.date(2025, 12, 1)


def test_a_probationary_member_owes_from_the_month_admitted(members, secretary) -> None:
    """The 2008 dues rules, art. 4: probationary members pay from the month they are admitted."""
    member = members["a1"]
    member.membership = "probationary"
    member.full_member_on = None
    member.joined_on = dt.date(2025, 6, 20)
    member.save()
    do_set_standard(
        member=member,
        effective_from=dt.date(2025, 6, 1),
        data=StandardInput(category=DuesCategory.STUDENT),
        actor=secretary,
    )
    s = state(member, dt.date(2025, 9, 10))
    # June, July and August are due on 10 September; September is not over.
    assert (s.months_owed, s.amount_owed, s.first_owed) == (3, Decimal("0.60"), dt.date(2025, 6, 1))
    assert s.paid_until is None
    with pytest.raises(ValidationError) as refused:
        pay(member, dt.date(2025, 5, 1), 1, "0.20", secretary)
    assert "2025年6月" in str(refused.value)
    pay(member, dt.date(2025, 6, 1), 1, "0.20", secretary)
    assert state(member, dt.date(2025, 9, 10)).paid_until == dt.date(2025, 6, 1)


def test_relief_and_leaving_the_register_end_what_is_owed(members, secretary) -> None:
    """The 2008 dues rules, art. 8: a member in hardship may be exempted on approval; an exempt
    month is not owed. Nothing is owed after the member left the register."""
    member = members["a1"]
    do_set_standard(
        member=member,
        effective_from=dt.date(2025, 1, 1),
        data=StandardInput(
            category=DuesCategory.RETIRED,
            base_income=Decimal("2000"),
            relief="exempt",
            relief_until=dt.date(2025, 6, 1),
            relief_reason="大病住院",
            relief_approved_by="甲镇党委",
            relief_approved_on=dt.date(2024, 12, 20),
        ),
        actor=secretary,
    )
    s = state(member, dt.date(2025, 10, 5))
    # January to June exempt; July to September owed at 10.00 (0.5 % of 2,000).
    assert (s.months_owed, s.amount_owed, s.first_owed) == (
        3,
        Decimal("30.00"),
        dt.date(2025, 7, 1),
    )
    assert s.paid_until == dt.date(2025, 6, 1)
    Member.objects.filter(pk=member.pk).update(
        archived_at=dt.datetime(2025, 9, 15, 12, tzinfo=dt.UTC)
    )
    s = state(member, dt.date(2025, 10, 5))
    assert (s.months_owed, s.amount_owed) == (2, Decimal("20.00"))


def test_in_dues_arrears_counts_months_owed(members, secretary) -> None:
    """The party constitution, art. 9: six consecutive months without paying dues."""
    owing, paying = members["a1"], members["a2"]
    for member in (owing, paying):
        member.home_org.refresh_from_db()
    do_set_standard(
        member=owing,
        effective_from=dt.date(2025, 1, 1),
        data=StandardInput(category=DuesCategory.STUDENT),
        actor=secretary,
    )
    day = dt.date(2025, 7, 31)  # January to June due
    assert list(Member.objects.in_dues_arrears(day, 6)) == [owing]
    assert list(Member.objects.in_dues_arrears(day, 7)) == []
    pay(owing, dt.date(2025, 3, 1), 1, "0.20", secretary)
    assert list(Member.objects.in_dues_arrears(day, 6)) == []
    assert list(Member.objects.in_dues_arrears(day, 5)) == [owing]
