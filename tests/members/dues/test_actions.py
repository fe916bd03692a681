"""The yearly review (年度核定, issue 11, item 4) as an action: the 2008 rules
(《关于中国共产党党费收缴、使用和管理的规定》) fix the monthly amount at the start of the year
from the previous year's income; a branch confirms everyone's standard in one go, or nobody's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEntry
from members.dues.actions import StandardInput, do_confirm_review, do_set_standard, this_month
from members.models import DuesCategory, DuesStandard, Membership
from members.models.dues import add_months
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

S = DuesCategory.SALARIED


@pytest.fixture
def branch_members(tree, members):
    """Branch A1: a1's member and two more (A2's members stay out of it)."""
    return [
        members["a1"],
        MemberFactory.create(name="张甲", home_org=tree.a1),
        MemberFactory.create(name="李甲", home_org=tree.a1),
    ]


def salaried(income: str) -> StandardInput:
    return StandardInput(category=S, base_income=Decimal(income))


def test_the_review_sets_everyones_standard_from_january(tree, branch_members, secretary) -> None:
    year = this_month().year
    one, two, three = branch_members
    saved = do_confirm_review(
        org=tree.a1,
        year=year,
        entries=[
            (one, salaried("3000.00")),
            (two, salaried("5000.01")),
            (three, StandardInput(category=DuesCategory.FARMER, amount=Decimal("0.50"))),
        ],
        actor=secretary,
    )
    assert [s.effective_from for s in saved] == [dt.date(year, 1, 1)] * 3
    assert [s.amount for s in saved] == [Decimal("15.00"), Decimal("75.00"), Decimal("0.50")]
    assert AuditEntry.objects.filter(event="dues.review").count() == 1


def test_all_or_nothing_with_errors_keyed_by_member(tree, branch_members, secretary) -> None:
    one, two, three = branch_members
    with pytest.raises(ValidationError) as exc:
        do_confirm_review(
            org=tree.a1,
            year=this_month().year,
            entries=[
                (one, salaried("4000")),
                (two, salaried("-1")),
                (three, StandardInput(category=DuesCategory.FARMER, amount=Decimal("1.01"))),
            ],
            actor=secretary,
        )
    errors = exc.value.message_dict
    assert set(errors) == {str(two.pk), str(three.pk)}
    assert errors[str(two.pk)] == ["张甲: 金额不能为负数。"]
    assert errors[str(three.pk)] == ["李甲: 请在0.20元到1.00元之间为该类别选择金额。"]
    assert not DuesStandard.objects.filter(member__in=branch_members).exists()
    assert not AuditEntry.objects.filter(event="dues.review").exists()


def test_a_member_who_joined_during_the_year_from_the_month_they_joined(tree, secretary) -> None:
    """Probationary members pay from the month they are admitted (the 2008 rules, art. 4)."""
    joined = timezone.localdate()
    newcomer = MemberFactory.create(
        name="赵新",
        home_org=tree.a1,
        joined_on=joined,
        membership=Membership.PROBATIONARY,
        full_member_on=None,
    )
    [standard] = do_confirm_review(
        org=tree.a1, year=joined.year, entries=[(newcomer, salaried("2000"))], actor=secretary
    )
    assert standard.effective_from == joined.replace(day=1)
    assert standard.amount == Decimal("10.00")


def test_reviewing_again_corrects_in_place(tree, members, secretary) -> None:
    year = this_month().year
    member = members["a1"]
    [first] = do_confirm_review(
        org=tree.a1, year=year, entries=[(member, salaried("3000"))], actor=secretary
    )
    [second] = do_confirm_review(
        org=tree.a1, year=year, entries=[(member, salaried("3000.01"))], actor=secretary
    )
    assert second.pk == first.pk
    assert list(DuesStandard.objects.filter(member=member).values_list("amount", flat=True)) == [
        Decimal("30.00")
    ]
    # One audit entry per review, naming the amount before and after.
    entry = AuditEntry.objects.filter(event="dues.review").order_by("-id").first()
    assert entry.changes["standards"][str(member.pk)]["before"] == "15.00"
    assert entry.changes["standards"][str(member.pk)]["amount"] == "30.00"


def test_a_member_listed_twice_is_refused(tree, members, secretary) -> None:
    member = members["a1"]
    with pytest.raises(ValidationError) as exc:
        do_confirm_review(
            org=tree.a1,
            year=this_month().year,
            entries=[(member, salaried("3000")), (member, salaried("4000"))],
            actor=secretary,
        )
    assert exc.value.messages == ["同一名党员在年度核定中出现了两次。"]
    assert not DuesStandard.objects.filter(member=member).exists()


def test_a_standard_later_than_january_blocks_the_review(tree, members, secretary) -> None:
    """Past months keep their standard: a review cannot start before a standard set since."""
    member = members["a1"]
    later = this_month() if this_month().month > 1 else add_months(this_month(), 1)
    do_set_standard(member=member, effective_from=later, data=salaried("4000"), actor=secretary)
    with pytest.raises(ValidationError) as exc:
        do_confirm_review(
            org=tree.a1, year=later.year, entries=[(member, salaried("3000"))], actor=secretary
        )
    assert str(member.pk) in exc.value.message_dict


@pytest.mark.parametrize("offset", [-2, 2])
def test_the_review_is_for_last_this_or_next_year(tree, members, secretary, offset) -> None:
    with pytest.raises(ValidationError) as exc:
        do_confirm_review(
            org=tree.a1,
            year=this_month().year + offset,
            entries=[(members["a1"], salaried("3000"))],
            actor=secretary,
        )
    assert exc.value.messages == ["年度核定只能针对上一年、本年或下一年。"]


def test_only_the_home_side_confirms(tree, members, secretary, secretary2, inspector) -> None:
    for user in (secretary2, inspector):
        with pytest.raises(PermissionDenied):
            do_confirm_review(
                org=tree.a1,
                year=this_month().year,
                entries=[(members["a1"], salaried("3000"))],
                actor=user,
            )
    # A member of another branch cannot be slipped into A1's review.
    with pytest.raises(PermissionDenied):
        do_confirm_review(
            org=tree.a1,
            year=this_month().year,
            entries=[(members["a2"], salaried("3000"))],
            actor=secretary,
        )
    assert not DuesStandard.objects.exists()
