"""The derived dues state: paid up to, months and amount owed (issue 11, item 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

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
    assert state(member, dt.date(2026, 11, 30)).paid_until == dt.date(2025, 9, 1)
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
