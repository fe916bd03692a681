"""Writes on the member register. Each is atomic, audited and names its actor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.actions import action
from core.audit import record_event
from core.models import User
from core.scoping import Action
from members.models import RECORD_LIFE_PERMISSION, Member
from organizations.models import Organization
from organizations.scope import require_change, user_scope

#: Fields the member form edits; identity and handling belong to the home organization.
MEMBER_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "id_number",
    "birth_date",
    "education",
    "personnel_category",
    "home_org",
    "joined_on",
    "full_member_on",
    "membership",
    "job",
    "phone",
    "home_address",
    "household_registration",
    "residence",
    "employer",
    "standing",
    "lost_contact",
    "lost_contact_since",
    "is_mobile",
    "mobile_destination",
    "report_every_months",
)
#: Register fields the mobility and lost-contact actions keep: an import may set them, the
#: member form shows them but does not edit them (an outflow registration or a lost-contact
#: record changes them, with its own trail).
STATE_FIELDS = ("lost_contact", "lost_contact_since", "is_mobile", "mobile_destination")
SHARE_PERMISSIONS = ("view_member", RECORD_LIFE_PERMISSION)


def require_record(actor: User, member: Member) -> None:
    """Refuse (403) unless `actor` may record the member's life: the home side's changers, or
    those of an organization the member is shared with."""
    if not Member.objects.visible_to(actor, Action.RECORD).filter(pk=member.pk).exists():
        raise PermissionDenied


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
    member.full_clean()
    member.save()
    return member


@action
def do_update_member(*, actor: User, member: Member, **fields: Any) -> Member:
    member = Member.objects.select_for_update().select_related("home_org").get(pk=member.pk)
    require_change(actor, member.home_org)
    if member.is_archived:
        raise ValidationError(_("An archived member cannot be edited; restore them first."))
    _apply(member, fields)
    # Moving a member to another organization in one's own scope is an edit; moving them out of
    # scope is a transfer, which has its own workflow.
    require_change(actor, member.home_org)
    member.full_clean()
    member.save()
    return member


@action
def do_archive_member(*, actor: User, member: Member, reason: str) -> Member:
    """Take a member off the active register. Nothing is deleted; the record stays readable."""
    member = Member.objects.select_for_update().select_related("home_org").get(pk=member.pk)
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
    member = Member.objects.select_for_update().select_related("home_org").get(pk=member.pk)
    require_change(actor, member.home_org)
    member.archived_at = None
    member.archive_reason = ""
    member.save(update_fields=["archived_at", "archive_reason", "updated_at"])
    return member


def may_reveal_id_number(actor: User, member: Member) -> bool:
    """Only the home side's staff (not inspectors, not organizations it is shared with)."""
    return user_scope(actor).covers(member.home_org.path, Action.CHANGE)


@action
def do_reveal_id_number(*, actor: User, member: Member) -> str:
    """Return the full ID-card number, recording that `actor` saw it."""
    if not may_reveal_id_number(actor, member):
        raise PermissionDenied
    record_event(actor=actor, instance=member, event="member.id_number_viewed")
    return member.id_number


def do_share_member(*, actor: User | None, member: Member, organization: Organization) -> None:
    """Every share permission at once. Actions derive shares (members.sharing.sync_shares);
    this is for repairs and tests that set a grant by hand."""
    do_change_shares(actor=actor, member=member, organization=organization, grant=SHARE_PERMISSIONS)


def do_unshare_member(*, actor: User | None, member: Member, organization: Organization) -> None:
    do_change_shares(
        actor=actor, member=member, organization=organization, revoke=SHARE_PERMISSIONS
    )


@action
def do_change_shares(
    *,
    actor: User | None,
    member: Member,
    organization: Organization,
    grant: Iterable[str] = (),
    revoke: Iterable[str] = (),
) -> None:
    """Grant and revoke some share permissions of `organization` on the member (see
    members.sharing, which decides what is justified)."""
    granted, revoked = sorted(grant), sorted(revoke)
    for codename in granted:
        assign_perm(codename, organization.group, member)
    for codename in revoked:
        remove_perm(codename, organization.group, member)
    if granted:
        record_event(
            actor=actor,
            instance=member,
            event="member.shared",
            details={
                "organization": organization.name,
                "organization_id": organization.pk,
                "permissions": granted,
            },
        )
    if revoked:
        record_event(
            actor=actor,
            instance=member,
            event="member.unshared",
            details={
                "organization": organization.name,
                "organization_id": organization.pk,
                "permissions": revoked,
            },
        )
