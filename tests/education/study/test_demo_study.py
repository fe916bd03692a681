"""The demo's study part (education/demo/study.py) on the test tree: column items for every
audience from the county and the townships, each branch's secretary, and a year of study in
which most members meet the requirement and some do not."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from core.demo import DemoContext, Scale
from education.demo.study import create_study
from education.models import Audience, BranchPost, BranchPostKind, ColumnItem, StudyRecord
from education.study.queries import with_study_hours
from members.models import Member
from organizations.demo import DemoBranch, DemoCounty
from tests.factories import MemberFactory


def test_the_demo_holds_items_for_every_audience_and_a_year_of_study(tree, members, db):
    for n in range(14):
        MemberFactory.create(name=f"王演示{n}", home_org=tree.a1)
    ctx = DemoContext(scale=Scale.SMALL, write=lambda line: None)
    ctx.put(
        "county",
        DemoCounty(
            county=tree.county,
            townships=[tree.town_a, tree.town_b],
            branches=[DemoBranch(tree.a1, "village", "甲镇", "甲一村", 20)],
            secretary_branch=tree.a1,
            secretary2_branch=tree.b1,
            station=tree.bs,
            organizations=8,
        ),
    )
    items, posts, records = create_study(ctx)
    assert items == ColumnItem.objects.count() >= 7
    assert set(ColumnItem.objects.values_list("audience", flat=True)) == set(Audience.values)
    assert records == StudyRecord.objects.count()
    # A secretary in every branch holding members, and a committee member where it has seven.
    branches = set(Member.objects.values_list("home_org_id", flat=True))
    assert set(BranchPost.objects.values_list("organization_id", flat=True)) == branches
    assert posts == len(branches) + 1
    assert BranchPost.objects.filter(post=BranchPostKind.COMMITTEE, organization=tree.a1).exists()
    counts = with_study_hours(Member.objects.all(), timezone.localdate().year).aggregate(
        everyone=Count("pk"), short=Count("pk", filter=Q(is_short=True))
    )
    assert 0 < counts["short"] < counts["everyone"] / 2, counts
