"""`last_life_by_member`, the grouped read of every member's last organizational life (issue
10, item 3; the nightly six-month rule over a county or the province): the same answers as the
subquery per member, `with_last_life`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q, QuerySet
from django.utils import timezone

from education.builders import hold_meeting
from education.life import last_life_by_member, with_last_life
from education.models import Meeting, MeetingKind
from members.models import Member

pytestmark = pytest.mark.django_db


def _answers(
    members: QuerySet[Member], as_of: dt.date | None
) -> tuple[dict[int, dt.date | None], dict[int, dt.date | None]]:
    """(with_last_life's, last_life_by_member's) member id -> last date."""
    subquery = with_last_life(members, as_of).values_list("pk", "last_life_on")  # type: ignore[misc]
    grouped = last_life_by_member(members, as_of).values_list("pk", "last_life_on")  # type: ignore[misc]
    return dict(subquery), dict(grouped)


def test_grouped_read_agrees_with_the_subquery(tree, members, town, station) -> None:
    """Present, online and at an inflow organization count; absent, on leave and a voided
    meeting do not; `as_of` leaves out what came later; a member with none reads None."""
    today = timezone.localdate()

    def day(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    a1, a2, shared = members["a1"], members["a2"], members["shared"]
    hold_meeting(tree.a1, actor=town, held_on=day(days=40), present=[a1])
    hold_meeting(tree.a1, actor=town, held_on=day(days=10), absent=[a1])
    hold_meeting(tree.a2, actor=town, held_on=day(days=30), online=[a2], leave=[shared])
    voided = hold_meeting(tree.a2, actor=town, held_on=day(days=5), present=[a2, shared])
    Meeting.objects.filter(pk=voided.pk).update(voided_at=timezone.now(), void_reason="重复录入")
    hold_meeting(tree.bs, actor=station, kind=MeetingKind.THEME_DAY, held_on=day(days=3),
                 present=[shared])  # fmt: skip
    everyone = Member.objects.all()
    subquery, grouped = _answers(everyone, None)
    assert grouped == subquery
    assert grouped[a1.pk] == day(days=40)
    assert grouped[a2.pk] == day(days=30)
    assert grouped[shared.pk] == day(days=3)
    assert grouped[members["b1"].pk] is None
    subquery, grouped = _answers(everyone, day(days=20))
    assert grouped == subquery
    assert grouped[shared.pk] is None
    assert grouped[a2.pk] == day(days=30)


def test_the_rule_filters_on_the_grouped_date(tree, members, town) -> None:
    """Members without life since the cutoff (or ever), as the six-month rule asks."""
    today = timezone.localdate()
    a1, a2 = members["a1"], members["a2"]
    hold_meeting(tree.a1, actor=town, held_on=today - dt.timedelta(days=250), present=[a1])
    hold_meeting(tree.a2, actor=town, held_on=today - dt.timedelta(days=20), present=[a2])
    cutoff = today - dt.timedelta(days=182)
    inactive = last_life_by_member(Member.objects.all(), today).filter(
        Q(last_life_on__isnull=True) | Q(last_life_on__lte=cutoff)
    )
    pks = set(inactive.values_list("pk", flat=True))
    assert a1.pk in pks
    assert a2.pk not in pks
    assert members["b1"].pk in pks
