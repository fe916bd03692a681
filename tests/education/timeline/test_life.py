"""A member's organizational life read from attendance (issue 10, item 3): the last
participation, the counts by kind and year, and the six-month condition of the party
constitution (article 38: six consecutive months without organizational life, without proper
reason), all set-based and computed, never a stored flag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from core.months import months_before
from education.builders import hold_meeting
from education.life import (
    LifeCounts,
    life_counts,
    life_status,
    months_since,
    with_last_life,
    without_life,
)
from education.models import MeetingKind
from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.shared_world

TODAY = timezone.localdate()


def ago(months: int, days: int = 0) -> dt.date:
    return months_before(TODAY, months) - dt.timedelta(days=days)


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_only_taking_part_counts_wherever_it_was(tree, members, secretary, station):
    """Present, online and at the inflow organization count; on leave and absent do not."""
    a1, shared = members["a1"], members["shared"]
    hold_meeting(tree.a1, actor=secretary, held_on=ago(2), online=[a1])
    hold_meeting(tree.a1, actor=secretary, held_on=ago(1), leave=[a1])
    hold_meeting(tree.bs, actor=station, held_on=ago(1, 3), present=[shared])
    hold_meeting(tree.a1, actor=secretary, held_on=ago(0, 2), absent=[a1])
    rows = {
        m.pk: m.last_life_on  # type: ignore[attr-defined]
        for m in with_last_life(Member.objects.filter(pk__in=[a1.pk, shared.pk]))
    }
    assert rows == {a1.pk: ago(2), shared.pk: ago(1, 3)}
    # As of an earlier day, later meetings do not count.
    assert with_last_life(Member.objects.filter(pk=a1.pk), ago(3)).get().last_life_on is None  # type: ignore[attr-defined]


def test_counts_by_kind_and_year_are_one_grouped_query(
    tree, members, secretary, station, django_assert_num_queries
):
    a1, a2, shared = members["a1"], members["a2"], members["shared"]
    this_year = dt.date(TODAY.year, 1, 2)
    last_year = dt.date(TODAY.year - 1, 6, 1)
    hold_meeting(tree.a1, actor=secretary, held_on=this_year, present=[a1])
    hold_meeting(tree.a1, actor=secretary, kind=MeetingKind.LECTURE, held_on=this_year, online=[a1])
    hold_meeting(tree.a1, actor=secretary, held_on=last_year, present=[a1])
    hold_meeting(tree.a1, actor=secretary, held_on=last_year, leave=[a1])
    hold_meeting(tree.bs, actor=station, held_on=last_year, present=[shared])
    with django_assert_num_queries(1):
        counts = life_counts([a1.pk, a2.pk, shared.pk])
    assert set(counts) == {a1.pk, shared.pk}  # a2 took part in nothing
    assert counts[a1.pk].by_year == {
        TODAY.year: {MeetingKind.THEME_DAY: 1, MeetingKind.LECTURE: 1},
        TODAY.year - 1: {MeetingKind.THEME_DAY: 1},
    }
    assert counts[a1.pk].last_life_on == this_year
    assert counts[a1.pk].total(TODAY.year) == 2
    with translation.override("zh-hans"):
        # In the kinds' order (三会一课 first), with their labels.
        assert counts[a1.pk].year(TODAY.year) == [
            (str(MeetingKind.LECTURE.label), 1),
            (str(MeetingKind.THEME_DAY.label), 1),
        ]
    assert counts[shared.pk].by_year == {TODAY.year - 1: {MeetingKind.THEME_DAY: 1}}
    assert LifeCounts().total(TODAY.year) == 0


def test_six_months_without_life_is_the_constitution_article_38(
    tree, members, secretary, town, station
):
    """Party constitution, article 38: six consecutive months without organizational life.
    The clock runs from the last participation anywhere (the inflow organization's meetings
    count at home); leave does not stop it."""
    a1, a2, b1, shared = members["a1"], members["a2"], members["b1"], members["shared"]
    last = ago(7).replace(day=min(ago(7).day, 28))
    hold_meeting(tree.a1, actor=secretary, held_on=last, present=[a1])
    hold_meeting(tree.a1, actor=secretary, held_on=ago(2), leave=[a1])
    hold_meeting(tree.a2, actor=town, held_on=ago(5), present=[a2])
    # The member shared with the station took part there only: not silent.
    hold_meeting(tree.bs, actor=station, held_on=ago(1), present=[shared])
    population = Member.objects.filter(pk__in=[a1.pk, a2.pk, b1.pk, shared.pk])
    # b1 never took part, joined long ago, and the records started seven months ago.
    assert ids(without_life(population, as_of=TODAY)) == {a1.pk, b1.pk}
    # Six calendar months after the last participation: flagged; the day before: not yet.
    six_months_on = months_before(last, -6)
    assert a1.pk in ids(without_life(population, as_of=six_months_on))
    assert a1.pk not in ids(without_life(population, as_of=six_months_on - dt.timedelta(days=1)))
    # Three months: the warning threshold is a parameter too.
    assert ids(without_life(population, as_of=TODAY, months=3)) == {a1.pk, a2.pk, b1.pk}


def test_no_records_and_a_new_member_flag_nobody(tree, members, secretary):
    """A member with no participation counts from the later of joining the party and the start
    of the records (the first meeting recorded): a new member and a new deployment are not six
    months silent."""
    b1 = members["b1"]
    population = Member.objects.filter(pk=b1.pk)
    assert not without_life(population, as_of=TODAY).exists()  # nothing recorded yet
    hold_meeting(tree.a1, actor=secretary, held_on=ago(2), present=[members["a1"]])
    assert not without_life(population, as_of=TODAY).exists()  # records two months old
    hold_meeting(tree.a1, actor=secretary, held_on=ago(8), present=[members["a1"]])
    assert without_life(population, as_of=TODAY).exists()
    newcomer = MemberFactory.create(
        home_org=tree.b1, joined_on=ago(2), full_member_on=None, membership="probationary"
    )
    assert not without_life(Member.objects.filter(pk=newcomer.pk), as_of=TODAY).exists()


def test_the_colour_follows_the_settings(settings):
    settings.LIFE_WARNING_MONTHS, settings.LIFE_ALERT_MONTHS = 3, 6
    assert life_status(ago(6), since=ago(100), today=TODAY) == "alert"
    assert life_status(ago(5, 20), since=ago(100), today=TODAY) == "warning"
    assert life_status(ago(1), since=ago(100), today=TODAY) == ""
    # Never took part: from joining the party.
    assert life_status(None, since=ago(1), today=TODAY) == ""
    assert life_status(None, since=ago(9), today=TODAY) == "alert"
    settings.LIFE_ALERT_MONTHS = 12
    assert life_status(ago(6), since=ago(100), today=TODAY) == "warning"
    assert months_since(dt.date(2026, 1, 31), dt.date(2026, 3, 30)) == 1
    assert months_since(dt.date(2026, 1, 31), dt.date(2026, 3, 31)) == 2
    assert months_since(TODAY, TODAY) == 0
