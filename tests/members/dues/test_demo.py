"""The demo's two years of dues (issue 11): most members paid up, some a few months behind, a few
six months or more, payments at every organization that holds members and at an inflow one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import TestCase
from django.utils import timezone

from members.models import (
    DuesPayment,
    DuesRelief,
    DuesStandard,
    Member,
    Standing,
)
from members.models.dues import add_months
from organizations.models import Organization


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """`seed_demo --scale small`, rolled back at the module's end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", "--scale", "small", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def dues_shares() -> tuple[int, int, int]:
    """(active members, owing a month or more, owing six months or more) as of today."""
    today = timezone.localdate()
    active = Member.objects.active()
    return (
        active.count(),
        active.in_dues_arrears(today, 1).count(),
        active.in_dues_arrears(today, 6).count(),
    )


def assert_dues_look_real(
    low: float, high: float, long_low: float, long_high: float
) -> tuple[int, int, int]:
    """Most members paid up, `low` to `high` of them owing a month or more, a few (`long_low`
    to `long_high`, and at least one) six months or more: the party constitution art. 9's
    members treated as leaving are rare in a real county."""
    total, behind, long_behind = dues_shares()
    assert low * total <= behind <= high * total, (total, behind, long_behind)
    assert long_behind > 0, (total, behind, long_behind)
    assert long_low * total <= long_behind <= long_high * total, (total, behind, long_behind)
    # Some are only a few months behind, not all who owe owe half a year.
    assert behind - long_behind >= behind / 3
    return total, behind, long_behind


@pytest.mark.django_db
def test_every_member_in_good_standing_has_two_years_of_standards(small_demo) -> None:
    """The 2008 dues rules: a standard from January of last year (or the month a probationary
    member was admitted), reviewed in January of this year."""
    today = timezone.localdate()
    last_january, january = dt.date(today.year - 1, 1, 1), dt.date(today.year, 1, 1)
    members = Member.objects.active().filter(standing=Standing.NORMAL)
    assert not members.filter(dues_standards__isnull=True).exists()
    for member in members.prefetch_related("dues_standards"):
        first = max(last_january, member.joined_on.replace(day=1))
        months = sorted(s.effective_from for s in member.dues_standards.all())
        assert months == ([first, january] if first < january else [first])
    # The yearly review raised most incomes a little; a few reliefs, approved and explained.
    relieved = DuesStandard.objects.exclude(relief=DuesRelief.NONE)
    assert relieved.exists()
    assert not relieved.filter(Q(relief_reason="") | Q(relief_approved_by="")).exists()


@pytest.mark.django_db
def test_most_demo_members_are_paid_up_some_behind_a_few_six_months(small_demo) -> None:
    """Most paid up; some a few months behind; a few six months or more (the party
    constitution art. 9), among them members out of touch."""
    # The small county has about a hundred members: the shares are looser than the full
    # county's (tests/core/test_demo_full.py).
    assert_dues_look_real(0.05, 0.3, 0, 0.1)
    today = timezone.localdate()
    lost = Member.objects.active().filter(lost_contact=True)
    assert lost.in_dues_arrears(today, 6).exists()


@pytest.mark.django_db
def test_every_demo_organization_with_members_has_payments(small_demo) -> None:
    holding = Organization.objects.filter(pk__in=Member.objects.active().values("home_org"))
    assert holding.exists()
    assert not holding.exclude(dues_payments__isnull=False).exists()
    # Mobile members checked in with the station paid some months there, recorded by it.
    at_inflow = DuesPayment.objects.filter(org__kind="station")
    assert at_inflow.exists()
    assert at_inflow.filter(recorded_by__username="station").exists()


@pytest.mark.django_db
def test_demo_payments_are_consistent(small_demo) -> None:
    """Each payment's months are recorded and add up to it; each has a receipt number (unique
    per organization: the constraint)."""
    assert DuesPayment.objects.exists()
    for payment in DuesPayment.objects.prefetch_related("paid_months"):
        months = sorted(m.month for m in payment.paid_months.all())
        assert months == [add_months(payment.first_month, i) for i in range(payment.months)]
        assert sum(m.amount for m in payment.paid_months.all()) == payment.amount
        assert payment.receipt_number
        assert payment.paid_on <= timezone.localdate()
