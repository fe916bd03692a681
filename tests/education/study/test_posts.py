"""Branch posts (who is a cadre for the study requirement) and study recorded for many members
at once (issue 10, item 6; the 2019 education-management regulations: secretaries and committee
members at least 56 hours a year)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from education.models import BranchPost, BranchPostKind, StudyKind, StudyRecord
from education.study.actions import (
    do_end_branch_post,
    do_record_branch_committee,
    do_record_group_study,
)
from education.study.builders import give_post

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()


def test_a_post_is_recorded_and_ended_from_the_members_page(members, secretary, login):
    member = members["a1"]
    client = login(secretary)
    url = reverse("education:branch_post", args=[member.pk])
    response = client.post(url, {"post": "secretary", "started_on": "2024-03-01"})
    assert response.status_code == 302
    post = BranchPost.objects.get(member=member)
    assert (post.organization_id, post.post, post.ended_on) == (
        member.home_org_id,
        "secretary",
        None,
    )
    # A second current post in the same branch: end the first.
    page = client.post(url, {"post": "committee", "started_on": "2024-04-01"})
    assert "请先结束原职务" in str(page.context["form"].errors)
    end = reverse("education:branch_post_end", args=[post.pk])
    page = client.post(end, {"ended_on": "2024-01-01"})
    assert "不能早于开始日期" in str(page.context["form"].errors)
    assert client.post(end, {"ended_on": "2025-12-31"}).status_code == 302
    post.refresh_from_db()
    assert post.ended_on == dt.date(2025, 12, 31)
    with pytest.raises(ValidationError, match="已结束"):
        do_end_branch_post(actor=secretary, post=post, ended_on=TODAY)


def test_a_branch_committee_as_elected(tree, members, secretary, secretary2):
    """All or nothing: only the branch's own members, none holding a post already."""
    with pytest.raises(PermissionDenied):
        do_record_branch_committee(
            actor=secretary2,
            organization=tree.a1,
            posts={members["a1"]: BranchPostKind.SECRETARY},
            started_on=TODAY,
        )
    with pytest.raises(ValidationError, match="本支部党员"):
        do_record_branch_committee(
            actor=secretary,
            organization=tree.a1,
            posts={members["a1"]: BranchPostKind.SECRETARY, members["a2"]: "committee"},
            started_on=TODAY,
        )
    assert not BranchPost.objects.exists()
    assert (
        do_record_branch_committee(
            actor=secretary,
            organization=tree.a1,
            posts={members["a1"]: BranchPostKind.SECRETARY},
            started_on=TODAY,
        )
        == 1
    )
    with pytest.raises(ValidationError, match="请先结束"):
        do_record_branch_committee(
            actor=secretary,
            organization=tree.a1,
            posts={members["a1"]: BranchPostKind.DEPUTY_SECRETARY},
            started_on=TODAY,
        )
    assert AuditEntry.objects.filter(event="branch.committee_recorded").count() == 1


def test_a_course_for_several_members_is_all_or_nothing(members, town, secretary):
    """The township records its winter training for its members; a member outside the
    recorder's reach refuses the whole batch."""
    with pytest.raises(PermissionDenied):
        do_record_group_study(
            actor=secretary,
            members=[members["a1"], members["a2"]],
            kind=StudyKind.TRAINING,
            title="党员冬训",
            studied_on=TODAY,
            hours=Decimal(16),
        )
    assert not StudyRecord.objects.exists()
    with pytest.raises(ValidationError) as caught:
        do_record_group_study(
            actor=town,
            members=[members["a1"]],
            kind=StudyKind.TRAINING,
            title="党员冬训",
            studied_on=TODAY,
            hours=Decimal(25),
        )
    assert "hours" in caught.value.message_dict
    recorded = do_record_group_study(
        actor=town,
        members=[members["a1"], members["a2"]],
        kind=StudyKind.TRAINING,
        title="党员冬训",
        studied_on=TODAY,
        hours=Decimal(16),
    )
    assert recorded == StudyRecord.objects.filter(hours=16, title="党员冬训").count() == 2
    entry = AuditEntry.objects.get(event="study.group_recorded")
    assert entry.org_path == members["a1"].home_org.path[:8]  # township A, above both branches


def test_a_post_ended_before_the_year_does_not_make_a_cadre(members, superuser):
    give_post(
        members["a1"], actor=superuser, since=dt.date(2020, 1, 1), until=dt.date(2020, 12, 31)
    )
    assert BranchPost.objects.held_in(2020).exists()
    assert not BranchPost.objects.held_in(2021).exists()
    assert not BranchPost.objects.held_in(2019).exists()
