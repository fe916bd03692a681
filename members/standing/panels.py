"""Standing decisions' panel on the member's page: every decision, newest first, in one query,
and the branch's "propose a decision" button."""

from __future__ import annotations

from core.panels import Panel, PanelContext
from members.access import may_propose_decision
from members.models import DecisionStatus, Standing, StandingDecision
from members.pages import MemberPage


def decisions(page: MemberPage) -> PanelContext:
    rows = list(
        StandingDecision.objects.filter(member=page.member)
        .select_related("committee")
        .order_by("-created_at", "-id")
    )
    can_propose = page.can_change and may_propose_decision(page.user, page.member)
    member = page.member
    return {
        "decisions": rows,
        "can_propose": can_propose,
        # Found again while suspended: the branch should decide on restoring the membership
        # (issue 9, item 3), unless it already asked.
        "restoration_due": member.standing == Standing.SUSPENDED
        and not member.lost_contact
        and not any(d.status == DecisionStatus.PROPOSED for d in rows),
    }


PANELS: tuple[Panel[MemberPage], ...] = (
    Panel(
        "standing",
        decisions,
        {"notices": "members/standing/_notice.html", "sections": "members/standing/_section.html"},
        60,
    ),
)
