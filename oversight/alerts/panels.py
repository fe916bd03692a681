"""What the alerts add to other pages: the home page's live counts per rule group (linking to
the filtered list) and the member page's live alerts (with the home side's link to record a
handling). Registered from `registration.register()`: members and core do not import oversight."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from core.models import User
from core.panels import Panel, PanelContext
from members.pages import MemberPage
from organizations.scope import user_scope
from oversight import rules
from oversight.alerts.queries import group_counts, member_alerts
from oversight.alerts.words import SEVERITY_CSS, STATUS_CSS, group_title, groups


def home_alerts(user: User) -> PanelContext:
    """Live alerts per rule group in the user's scope: one grouped query (and, for a narrow
    scope, the scope's member ids, read once per request); nothing for a user without a role."""
    scope = user_scope(user)
    if not (scope.is_superuser or scope.roles):
        return None
    counts = group_counts(user)
    list_url = reverse("oversight:alerts")
    cards = [
        {"group": group, "title": group_title(group), "count": counts[group]}
        for group in groups()
        if counts.get(group)
    ]
    return {"alert_cards": cards, "alert_total": sum(counts.values()), "alerts_url": list_url}


def _handling_url(member_pk: int) -> str:
    """The handling card's "new" page (another package's), or "" while it does not exist."""
    try:
        return reverse("oversight:handling_new", kwargs={"pk": member_pk})
    except NoReverseMatch:
        return ""


def member_panel(page: MemberPage) -> PanelContext:
    """The member's live alerts (one query); nothing when there are none."""
    alerts = list(member_alerts(page.member))
    if not alerts:
        return None
    handling_url = _handling_url(page.member.pk) if page.can_change else ""
    return {
        "member_alerts": [
            {
                "pk": alert.pk,
                "title": rules.title_of(alert.rule),
                "severity": alert.get_severity_display(),
                "severity_css": SEVERITY_CSS.get(alert.severity, "text-bg-secondary"),
                "status": alert.get_status_display(),
                "status_css": STATUS_CSS.get(alert.status, "text-bg-secondary"),
                "organization": alert.organization.name,
                "opened_on": alert.opened_on,
                "handling_url": f"{handling_url}?alert={alert.pk}" if handling_url else "",
            }
            for alert in alerts
        ]
    }


HOME_PANEL: Panel[User] = Panel(
    "oversight_alerts", home_alerts, {"sections": "oversight/alerts/_home.html"}, 40
)
MEMBER_PANEL: Panel[MemberPage] = Panel(
    "oversight_alerts", member_panel, {"notices": "oversight/alerts/_member_panel.html"}, 50
)
