"""What the navigation needs to know about the user: which menus their roles open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.scoping import Action
from organizations.scope import AUDIT, MANAGE, user_scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = user_scope(user)
    return {
        "nav_scope": scope,
        "nav_can_manage_staff": scope.can(MANAGE),
        "nav_can_audit": scope.can(AUDIT),
        # Every role that may change sits on a branch or a committee above branches.
        "nav_can_check_in": scope.can(Action.CHANGE),
    }
