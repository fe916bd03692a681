"""The member page's section "proper reasons and assigned work": the proper reasons running or
to come, the work not yet done, and the home side's buttons. Two queries."""

from __future__ import annotations

from django.utils import timezone

from core.panels import Panel, PanelContext
from members.pages import MemberPage
from oversight.models import Exemption, WorkAssignment


def conditions(page: MemberPage) -> PanelContext:
    member = page.member
    today = timezone.localdate()
    exemptions = list(
        Exemption.objects.filter(member=member, revoked_at__isnull=True, ends_on__gte=today)
        .select_related("recorded_by")
        .order_by("starts_on", "id")
    )
    work = list(
        WorkAssignment.objects.filter(member=member, voided_at__isnull=True, done_on__isnull=True)
        .select_related("organization")
        .order_by("assigned_on", "id")
    )
    can_change = page.can_change and not member.is_archived
    if not (exemptions or work or can_change):
        return None
    return {"exemptions": exemptions, "work": work, "can_change": can_change, "today": today}


PANEL: Panel[MemberPage] = Panel(
    "oversight_conditions", conditions, {"sections": "oversight/conditions/_section.html"}, 75
)
