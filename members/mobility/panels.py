"""Mobility's panels on the member's page: the mobility information card (流动信息卡, with the
"register outflow" button), the whereabouts (失联 and finding attempts), regular reports and the
pairing card's contacts (结对联心卡). One query each."""

from __future__ import annotations

from core.panels import Panel, PanelContext
from members.access import episode_update_fields
from members.models import (
    ContactRecord,
    EpisodeUpdate,
    FindingAttempt,
    MobilityEpisode,
    RegularReport,
)
from members.pages import MemberPage

#: How many entries of each log the member's page shows.
CONTACTS_SHOWN = 10
FINDING_ATTEMPTS_SHOWN = 10
REPORTS_SHOWN = 5
HISTORY_SHOWN = 20


def episodes(page: MemberPage) -> PanelContext:
    """Every absence, newest first, each with its history of changes and moves (the latest
    HISTORY_SHOWN of the member's, in one query), and whether the user may record a change on
    the current one (Issue 9, item 4)."""
    rows = list(MobilityEpisode.objects.of_member(page.member))
    history = EpisodeUpdate.objects.latest_for(page.member, HISTORY_SHOWN + 1)
    by_episode: dict[int, list[EpisodeUpdate]] = {}
    for update in history[:HISTORY_SHOWN]:
        by_episode.setdefault(update.episode_id, []).append(update)
    current = next((e for e in rows if e.is_current), None)
    return {
        "episodes": [(episode, by_episode.get(episode.pk, [])) for episode in rows],
        "open_episode": next((e for e in rows if e.is_open), None),
        "history_cut": len(history) > HISTORY_SHOWN,
        "history_shown": HISTORY_SHOWN,
        "can_update": current is not None and bool(episode_update_fields(page.user, current)),
    }


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
