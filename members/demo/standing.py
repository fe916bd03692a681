"""The demo's decisions on party standing: members lost six months and more looked for and
suspended (the 2014 opinions on members who lost contact), so that the suspension-due and
strike-off-due lists have members, and one proposal awaiting the first township's approval, so
that its inbox is not empty."""

from __future__ import annotations

import datetime as dt

from core.demo import DemoContext
from members.builders import decide_standing
from members.demo.people import DISTINCTIVE_MEMBER_NAME
from members.mobility.actions import do_record_finding_attempt
from members.models import ContactChannel, DecisionKind, Member, Standing
from organizations.demo import DemoCounty

#: Lost this long before the branch general meeting decides the suspension.
SUSPEND_AFTER = dt.timedelta(days=190)


def create_standing_decisions(ctx: DemoContext) -> int:
    """The two clocks of lost members, and one proposal pending; answers how many decisions.

    Of the members lost six months and more, the branch looked for each (an attempt on
    record): the longest-lost was suspended over two years ago (strike-off due), the next two
    recently, and the rest wait on the suspension-due list."""
    admin = ctx.admin
    long_lost = list(
        Member.objects.filter(
            lost_contact=True,
            lost_contact_since__lt=ctx.today - SUSPEND_AFTER,
            standing=Standing.NORMAL,
            archived_at=None,
        )
        .select_related("home_org")
        .order_by("lost_contact_since", "id")[: 6 if ctx.small else 12]
    )
    for member in long_lost:
        assert member.lost_contact_since is not None
        do_record_finding_attempt(
            actor=admin,
            member=member,
            attempted_on=ctx.date_between(
                member.lost_contact_since + dt.timedelta(days=30),
                member.lost_contact_since + SUSPEND_AFTER - dt.timedelta(days=10),
            ),
            channel=ContactChannel.VISIT,
            result="走访家属和原工作单位，均不知其下落",
            found=False,
        )
    for member in long_lost[:3]:
        assert member.lost_contact_since is not None
        decide_standing(
            member,
            kind=DecisionKind.SUSPEND,
            proposer=admin,
            approver=admin,
            on=min(member.lost_contact_since + SUSPEND_AFTER, ctx.today),
            grounds="失去联系超过六个月，经多次查找仍无音讯，依照规定停止党籍。",
        )
    suspended = min(3, len(long_lost))
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
    return suspended + (pending is not None)
