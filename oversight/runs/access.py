"""Who sees the run log and may run the checks by hand: county officers (the run log is
county-wide: every rule over every organization) and superusers. Anyone else is refused (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from core.types import AnyUser
from organizations.models import RoleKind
from organizations.scope import user_scope


def county_paths(user: AnyUser) -> list[str]:
    """The paths of the counties where `user` is a county officer (read with their scope)."""
    return [
        role.organization.path
        for role in user_scope(user).roles
        if role.kind == RoleKind.COUNTY_OFFICER
    ]


def may_run_checks(user: AnyUser) -> bool:
    """The run log's pages, the button and the home page's warning."""
    return user_scope(user).is_superuser or bool(county_paths(user))


def require_run_checks(user: AnyUser) -> None:
    if not may_run_checks(user):
        raise PermissionDenied
