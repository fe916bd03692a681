"""What the handling adds to members' pages (registered from `registration.register`: members
does not import oversight): the member page's section "education and handling" and the
education and handling card's lines on the five cards."""

from __future__ import annotations

from typing import Any

from core.panels import Panel, PanelContext
from members.models import Member
from members.pages import MemberPage
from oversight.handling.steps import (
    AWAITING,
    INFORMED,
    INVESTIGATED,
    STEP_LABELS,
    procedure_step,
)
from oversight.handling.views import rule_title
from oversight.models import Handling, HandlingKind

#: The latest handlings the member's page shows (a member has few; the card says "more").
PAGE_SHOWN = 10

#: The latest lines on the education and handling card, beside the standing decisions, the
#: failed yearly checks and the evaluation's handling notes: what keeps the sheet one A4 page
#: with all of them at their longest (tests/browser/test_print_handling_card.py; each line is
#: at most three lines of text, 61 px, and the sheet had 33 px to spare before these).
CARD_SHOWN = 2


def _latest(member: Member, limit: int) -> list[Any]:
    """The member's latest handlings with their decisions and alerts, newest first: one query.
    Each carries `step` and `step_label` (procedures) and `alert_title`."""
    rows = list(
        Handling.objects.filter(member=member)
        .select_related("decision__committee", "alert")
        .order_by("-handled_on", "-id")[:limit]
    )
    for row in rows:
        extra: Any = row
        extra.step = procedure_step(row) if row.kind == HandlingKind.PROCEDURE else ""
        extra.step_label = STEP_LABELS[extra.step] if extra.step else ""
        extra.alert_title = rule_title(row.alert) if row.alert else ""
    return rows


def member_section(page: MemberPage) -> PanelContext:
    member = page.member
    rows = _latest(member, PAGE_SHOWN + 1)
    can_handle = page.can_change and not member.is_archived
    if not rows and not can_handle:
        return None
    return {
        "handlings": rows[:PAGE_SHOWN],
        "more": len(rows) > PAGE_SHOWN,
        "can_handle": can_handle,
        # The action refuses a second procedure anyway; the button hides when one shown is
        # still under way.
        "can_start_procedure": can_handle
        and not any(row.step in (INVESTIGATED, INFORMED, AWAITING) for row in rows),
    }


def handling_card(member: Member) -> PanelContext:
    rows = _latest(member, CARD_SHOWN)
    return {"handlings": rows} if rows else None


MEMBER_PANEL: Panel[MemberPage] = Panel(
    "handling", member_section, {"sections": "oversight/handling/_member_section.html"}, 65
)
CARD_PANEL: Panel[Member] = Panel(
    "oversight_handling", handling_card, {"handling": "oversight/handling/_card.html"}, 110
)
