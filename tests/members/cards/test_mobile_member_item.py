"""Item 16 of the national form (是否流动党员) on the basic information card: yes only for an
absence expected or lasting six months or more (Issue 9, item 12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.builders import away
from members.models.mobility import months_after

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()


def item_16(client, member) -> bool:
    response = client.get(reverse("members:five_cards", args=[member.pk]))
    assert response.status_code == 200
    return bool(response.context["mobile_member"])


def test_months_after_clamps_to_the_month_end():
    assert months_after(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert months_after(dt.date(2026, 3, 1), 6) == dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("days_ago", "expected_in_days", "mobile"),
    [
        (30, 60, False),  # a three-month trip: an absence, not a mobile member
        (30, None, False),  # nothing expected, one month so far
        (30, 300, True),  # expected to last about eleven months
        (200, 10, True),  # expected shorter, but it has lasted over six months
    ],
)
def test_item_16_counts_six_months_expected_or_lasting(
    days_ago, expected_in_days, mobile, members, secretary, login
):
    """Issue 9, item 12: item 16 ("mobile member") is yes only for absences expected or lasting
    six months or more; the register's "away" flag is set for any absence."""
    member = members["a1"]
    out_date = TODAY - dt.timedelta(days=days_ago)
    expected = None if expected_in_days is None else TODAY + dt.timedelta(days=expected_in_days)
    away(member, actor=secretary, out_date=out_date, expected_return=expected)
    member.refresh_from_db()
    assert member.is_mobile
    assert item_16(login(secretary), member) is mobile


def test_no_absence_is_no(members, secretary, login):
    """Issue 9, item 12: a member at home is no mobile member."""
    assert item_16(login(secretary), members["a1"]) is False
