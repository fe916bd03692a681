"""Mobility's panels on the member's page: the mobility information card (流动信息卡, with the
"register outflow" button), the whereabouts (失联 and finding attempts), regular reports and the
pairing card's contacts (结对联心卡). One query each."""

from __future__ import annotations

from core.panels import Panel, PanelContext
from members.models import ContactRecord, FindingAttempt, MobilityEpisode, RegularReport
from members.pages import MemberPage

#: How many entries of each log the member's page shows.
CONTACTS_SHOWN = 10
FINDING_ATTEMPTS_SHOWN = 10
REPORTS_SHOWN = 5


def episodes(page: MemberPage) -> PanelContext:
    """Every absence, newest first."""
    rows = list(MobilityEpisode.objects.of_member(page.member))
    return {"episodes": rows, "open_episode": next((e for e in rows if e.is_open), None)}


def whereabouts(page: MemberPage) -> PanelContext:
    """While the member is lost: the attempts to find them."""
    if not page.member.lost_contact:
        return {"finding_attempts": []}
    return {
        "finding_attempts": FindingAttempt.objects.latest_for(page.member, FINDING_ATTEMPTS_SHOWN)
    }


def reports(page: MemberPage) -> PanelContext:
    return {"reports": RegularReport.objects.latest_for(page.member, REPORTS_SHOWN)}


def contacts(page: MemberPage) -> PanelContext:
    return {"contacts": ContactRecord.objects.latest_for(page.member, CONTACTS_SHOWN)}


PANELS: tuple[Panel[MemberPage], ...] = (
    Panel(
        "episodes",
        episodes,
        {
            "actions": "members/mobility/_outflow_action.html",
            "sections": "members/mobility/_episodes_panel.html",
        },
        order=10,
    ),
    Panel("whereabouts", whereabouts, {"sections": "members/mobility/_whereabouts_panel.html"}, 30),
    Panel("reports", reports, {"sections": "members/mobility/_reports_panel.html"}, 40),
    Panel("contacts", contacts, {"sections": "members/mobility/_contacts_panel.html"}, 50),
)
