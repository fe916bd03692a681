"""Writes on the member register: create, edit, archive, restore, reveal the ID-card number.
Each is atomic, audited and names its actor."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, record_event, save_valid
from members.access import lock_for_change, may_reveal_id_number
from members.models import Member
from members.models.member import MEMBER_FIELDS
from organizations.scope import require_change


def _apply(member: Member, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in MEMBER_FIELDS:
            raise ValueError(f"{name} is not a member register field")
        setattr(member, name, value)


@action
def do_create_member(*, actor: User, **fields: Any) -> Member:
    member = Member()
    _apply(member, fields)
    require_change(actor, member.home_org)
    return save_valid(member)


@action
def do_update_member(*, actor: User, member: Member, **fields: Any) -> Member:
    member = lock_for_change(
        actor, member, archived=_("An archived member cannot be edited; restore them first.")
    )
    _apply(member, fields)
    # Moving a member to another organization in one's own scope is an edit; moving them out of
    # scope is a transfer, which has its own workflow.
    require_change(actor, member.home_org)
    return save_valid(member)


@action
def do_archive_member(*, actor: User, member: Member, reason: str) -> Member:
    """Take a member off the active register. Nothing is deleted; the record stays readable."""
    member = Member.objects.locked(member)
    require_change(actor, member.home_org)
    if not reason.strip():
        raise ValidationError({"archive_reason": _("Give the reason for archiving.")})
    if member.is_archived:
        return member
    member.archived_at = timezone.now()
    member.archive_reason = reason.strip()
    member.save(update_fields=["archived_at", "archive_reason", "updated_at"])
    return member


@action
def do_restore_member(*, actor: User, member: Member) -> Member:
    member = Member.objects.locked(member)
    require_change(actor, member.home_org)
    member.archived_at = None
    member.archive_reason = ""
    member.save(update_fields=["archived_at", "archive_reason", "updated_at"])
    return member


@action
def do_reveal_id_number(*, actor: User, member: Member) -> str:
    """Return the full ID-card number, recording that `actor` saw it."""
    if not may_reveal_id_number(actor, member):
        raise PermissionDenied
    record_event(actor=actor, instance=member, event="member.id_number_viewed")
    return member.id_number
