"""A user's scope: the subtrees their active roles cover, per capability.

Computed once per request (one query) and cached on the user object. Querysets turn it into a
prefix condition on the materialized path, so scope stays an index range at a million rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from core.models import User
from core.scoping import Action
from core.types import AnyUser
from organizations.models import CAN_AUDIT, CAN_CHANGE, CAN_MANAGE, ROLE_RANK, Organization, Role

#: Capability names used with Scope.q(): the core actions plus organization-level ones.
MANAGE = "manage"  # edit organizations, manage staff accounts
AUDIT = "audit"  # read the audit trail

T = TypeVar("T")


def _outermost(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter prefix in the set."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


class ScopeOrganization(NamedTuple):
    """An organization inside a user's scope, as list queries and pickers need it."""

    pk: int
    group_id: int
    path: str
    depth: int
    name: str


@dataclass(frozen=True)
class Scope:
    is_superuser: bool = False
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    roles: tuple[Role, ...] = ()
    #: Per-request results computed from the scope (see `memo`).
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Compute `key` once per scope, i.e. once per request."""
        if key not in self._memo:
            self._memo[key] = compute()
        result: T = self._memo[key]
        return result

    def organization_rows(self, action: str = Action.VIEW) -> list[ScopeOrganization]:
        """Every organization inside the scope for `action`, in path order: one query.

        Big tables filter on their ids instead of joining the tree by path: an id list lets
        PostgreSQL use the foreign-key index (a branch secretary's 30 members out of a million),
        where an OR of path prefixes forces a scan. The pickers that offer the scope's top
        levels read their names and depths from here too, rather than querying again.
        """
        # Keyed by the subtrees, not the action: for most users (all but inspectors and
        # committee members beside a branch role) seeing and changing cover the same ones.
        return self.memo(
            f"organizations:{self.paths_for(action)}",
            lambda: [
                ScopeOrganization(*row)
                for row in Organization.objects.filter(self.q("path", action))
                .order_by("path")
                .values_list(*ScopeOrganization._fields)
            ],
        )

    def organizations(self, action: str = Action.VIEW) -> list[tuple[int, int]]:
        """(id, group id) of every organization inside the scope for `action`."""
        return [(o.pk, o.group_id) for o in self.organization_rows(action)]

    def organization_ids(self, action: str = Action.VIEW) -> list[int]:
        return [o.pk for o in self.organization_rows(action)]

    def group_ids(self, action: str = Action.VIEW) -> list[int]:
        return [o.group_id for o in self.organization_rows(action)]

    def paths_for(self, action: str) -> tuple[str, ...]:
        return self.paths.get(action, ())

    def q(self, path_field: str, action: str = Action.VIEW) -> Q:
        """A condition "`path_field` lies inside the scope for `action`"; never true if empty."""
        paths = self.paths_for(action)
        if not paths:
            return Q(pk__in=[])
        condition = Q()
        for path in paths:
            condition |= Q(**{f"{path_field}__startswith": path})
        return condition

    def covers(self, path: str, action: str = Action.VIEW) -> bool:
        return self.is_superuser or any(path.startswith(p) for p in self.paths_for(action))

    def rank_at(self, path: str) -> int:
        """The highest role rank the user holds over `path` (-1 if none)."""
        if self.is_superuser:
            return max(ROLE_RANK.values())
        ranks = [ROLE_RANK[r.kind] for r in self.roles if path.startswith(r.organization.path)]
        return max(ranks, default=-1)

    def can(self, action: str = Action.VIEW) -> bool:
        """Whether the user may `action` anything at all (some role allows it somewhere): the one
        test behind "may create a member", "may check members in", the menus, and the pages
        that need such a role."""
        return self.is_superuser or bool(self.paths_for(action))

    @property
    def has_any(self) -> bool:
        return self.can(Action.VIEW)


def require_any(user: AnyUser, action: str) -> None:
    """Refuse (403) a user whose roles allow `action` nowhere."""
    if not user_scope(user).can(action):
        raise PermissionDenied


def require_check_in_point(user: AnyUser) -> None:
    """Refuse (403) a user with no branch or station to check arriving members in at."""
    if not Organization.objects.check_in_points(user).exists():
        raise PermissionDenied


def require_change(user: AnyUser, organization: Any) -> None:
    """Refuse (403) unless `user` may change what belongs to `organization`: the check every
    action makes inside its transaction before it writes."""
    if organization is None or not user_scope(user).covers(organization.path, Action.CHANGE):
        raise PermissionDenied


def staff_users(user: AnyUser) -> QuerySet[User]:
    """The staff accounts `user` manages: those holding a role, current or past, on an
    organization in their management scope (every account for a superuser)."""
    users = User.objects.all()
    scope = user_scope(user)
    if scope.is_superuser:
        return users
    in_scope = Role.objects.filter(scope.q("organization__path", MANAGE)).values("user_id")
    return users.filter(pk__in=in_scope)


def user_scope(user: AnyUser | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached: Scope | None = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(is_superuser=True)
    else:
        roles = tuple(Role.objects.active().filter(user=user).select_related("organization"))
        by_action: dict[str, set[str]] = {
            Action.VIEW: set(),
            Action.CHANGE: set(),
            MANAGE: set(),
            AUDIT: set(),
        }
        for role in roles:
            path = role.organization.path
            by_action[Action.VIEW].add(path)
            if role.kind in CAN_CHANGE:
                by_action[Action.CHANGE].add(path)
            if role.kind in CAN_MANAGE:
                by_action[MANAGE].add(path)
            if role.kind in CAN_AUDIT:
                by_action[AUDIT].add(path)
        scope = Scope(
            paths={action: _outermost(paths) for action, paths in by_action.items()},
            roles=roles,
        )
    # Cached on the user object: one request's user, one scope.
    vars(user)["_scope_cache"] = scope
    return scope
