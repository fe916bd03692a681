"""Proper reasons and assigned work in one call each, for the tests and the demo: the real
actions (validated, audited) with defaults for what the caller does not care about."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.models import User
from members.models import Member
from oversight.conditions.actions import do_assign_work, do_record_exemption
from oversight.models import Condition, Exemption, ExemptionReason, WorkAssignment


def exempt(
    member: Member,
    condition: str = Condition.ALL,
    *,
    actor: User,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str = ExemptionReason.ABROAD,
    note: str = "经组织批准出国（境）务工",
) -> Exemption:
    """A proper reason for `member` on `condition` (all three unless given) for the period."""
    return do_record_exemption(
        actor=actor,
        member=member,
        condition=condition,
        reason=reason,
        note=note,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def assign_work(
    member: Member,
    *,
    actor: User,
    assigned_on: dt.date | None = None,
    due_on: dt.date | None = None,
    task: str = "联系本组流动党员，每月报告一次情况",
) -> WorkAssignment:
    """Work assigned to `member` by their branch on `assigned_on` (today unless given)."""
    return do_assign_work(
        actor=actor,
        member=member,
        task=task,
        assigned_on=assigned_on or timezone.localdate(),
        due_on=due_on,
    )
