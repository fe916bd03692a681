"""Standing decisions' panel on the member's page: every decision, newest first, in one query,
and the branch's "propose a decision" button."""

from __future__ import annotations

from core.panels import Panel, PanelContext
from members.access import may_propose_decision
from members.models import StandingDecision
from members.pages import MemberPage


def decisions(page: MemberPage) -> PanelContext:
    rows = list(
        StandingDecision.objects.filter(member=page.member)
        .select_related("committee")
        .order_by("-created_at", "-id")
    )
    can_propose = page.can_change and may_propose_decision(page.user, page.member)
    return {"decisions": rows, "can_propose": can_propose}


PANELS: tuple[Panel[MemberPage], ...] = (
    Panel("standing", decisions, {"sections": "members/standing/_section.html"}, 60),
)
