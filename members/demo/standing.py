"""The demo's decisions on party standing: members lost six months and more suspended (the
2014 opinions on members who lost contact), and one proposal awaiting the first township's
approval, so that its inbox is not empty."""

from __future__ import annotations

import datetime as dt

from core.demo import DemoContext
from members.builders import decide_standing
from members.demo.people import DISTINCTIVE_MEMBER_NAME
from members.models import DecisionKind, Member, Standing
from organizations.demo import DemoCounty

#: Lost this long before the branch general meeting decides the suspension.
SUSPEND_AFTER = dt.timedelta(days=190)


def create_standing_decisions(ctx: DemoContext) -> int:
    """Suspend a few long-lost members and leave one proposal pending; answers how many."""
    admin = ctx.admin
    long_lost = list(
        Member.objects.filter(
            lost_contact=True,
            lost_contact_since__lt=ctx.today - SUSPEND_AFTER,
            standing=Standing.NORMAL,
            archived_at=None,
        )
        .select_related("home_org")
        .order_by("lost_contact_since", "id")[:3]
    )
    for member in long_lost:
        assert member.lost_contact_since is not None
        decide_standing(
            member,
            kind=DecisionKind.SUSPEND,
            proposer=admin,
            approver=admin,
            on=min(member.lost_contact_since + SUSPEND_AFTER, ctx.today),
            grounds="失去联系超过六个月，经多次查找仍无音讯，依照规定停止党籍。",
        )
    first_township = ctx.get("county", DemoCounty).townships[0]
    pending = (
        Member.objects.filter(
            home_org__path__startswith=first_township.path,
            standing=Standing.NORMAL,
            archived_at=None,
            is_mobile=False,
            lost_contact=False,
        )
        .exclude(name=DISTINCTIVE_MEMBER_NAME)
        .select_related("home_org")
        .order_by("-id")
        .first()
    )
    if pending is not None:
        decide_standing(
            pending,
            kind=DecisionKind.PERSUADE_WITHDRAW,
            proposer=admin,
            on=ctx.days_ago(5),
            grounds="连续六个月以上不参加党的组织生活，经多次谈心谈话教育仍无转变。",
        )
    return len(long_lost) + (pending is not None)
