"""Who may do what with a member: the one place actions, views and templates ask.

Seeing a member is the queryset's business (`Member.objects.visible_to`); the rules here are the
finer ones the pages and the actions share: recording life on a shared member, revealing the full
ID-card number, checking members in, filling a certificate's parts. An action calls the
`require_*` form (403 inside its transaction); a view or template asks the boolean form to decide
what to offer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from core.models import User
from core.scoping import Action
from members.models import (
    Member,
)
from organizations.models import BRANCH_KINDS, Organization
from organizations.scope import user_scope


def require_record(actor: User, member: Member) -> None:
    """Refuse (403) unless `actor` may record the member's life (`may_record`)."""
    if not may_record(actor, member):
        raise PermissionDenied


def may_reveal_id_number(actor: User, member: Member) -> bool:
    """Only the home side's staff (not inspectors, not organizations it is shared with)."""
    return may_change(actor, member)


def check_in_organizations(user: Any) -> Any:
    """The organizations `user` may check members in at: active branches and stations in their
    change scope."""
    return (
        Organization.objects.visible_to(user, Action.CHANGE)
        .active()
        .filter(kind__in=BRANCH_KINDS)
        .order_by("path")
    )


def require_check_in_scope(user: User) -> None:
    """Checking members in (and finding them) needs a branch or station in change scope."""
    if not check_in_organizations(user).exists():
        raise PermissionDenied


def may_change(user: User, member: Member) -> bool:
    """The home side (changers over the member's branch): identity, handling, the absence,
    certificates. Never granted by a share."""
    return user_scope(user).covers(member.home_org.path, Action.CHANGE)


def may_record(user: User, member: Member) -> bool:
    """The home side's changers, or those of an organization the member is shared with:
    contacts, finding attempts, the certificate's inflow and departure parts."""
    return Member.objects.visible_to(user, Action.RECORD).filter(pk=member.pk).exists()
