"""The home page's compliance counts: how many required (organization, kind) cells in the
user's scope are overdue or not yet held this period, linking to the table. Registered in
`EducationConfig.ready`; two queries (`queries.table_for`)."""

from __future__ import annotations

from django.utils import timezone

from core.models import User
from core.panels import Panel, PanelContext
from core.scoping import Action
from education.compliance.queries import Light, table_for
from organizations.scope import user_scope


def home_compliance(user: User) -> PanelContext:
    """Counts by colour as of today; nothing for a user whose scope holds no branch."""
    scope = user_scope(user)
    prefixes = [""] if scope.is_superuser else list(scope.paths_for(Action.VIEW))
    if not prefixes:
        return None
    rows = table_for(prefixes, timezone.localdate())
    if not rows:
        return None
    counts = dict.fromkeys(Light.values, 0)
    for row in rows:
        counts[row.light] += 1
    return {"compliance": counts}


HOME_PANEL: Panel[User] = Panel(
    "compliance", home_compliance, {"sections": "education/compliance/_home.html"}, 60
)
