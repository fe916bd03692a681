"""The organizations app's sections of the home page: the user's roles and unread notices."""

from __future__ import annotations

from core.models import User
from core.panels import Panel, PanelContext
from organizations.models import Notice
from organizations.scope import user_scope

#: Unread notices shown on the home page (all of them are at /notices/).
NOTICES_SHOWN = 5


def roles(user: User) -> PanelContext:
    """The roles (already read with the user's scope: no query)."""
    return {"scope": user_scope(user)}


def notices(user: User) -> PanelContext:
    return {
        "notices": list(
            Notice.objects.unread_by(user)
            .select_related("organization")
            .order_by("-created_at")[:NOTICES_SHOWN]
        )
    }


HOME_PANELS: tuple[Panel[User], ...] = (
    Panel("roles", roles, {"sections": "organizations/_home_roles.html"}, 10),
    Panel("notices", notices, {"sections": "organizations/_home_notices.html"}, 20),
)
