"""Writes on organizations, staff accounts and roles: atomic, audited, naming the actor."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, filed_under, record_event, save_valid
from organizations.lockouts import clear_attempts, current_lockouts
from organizations.models import ROLE_RANK, Organization, Role
from organizations.scope import MANAGE, user_scope

ORG_FIELDS = (
    "name",
    "kind",
    "sector",
    "management_mode",
    "province_code",
    "city_code",
    "county_code",
    "address",
    "postcode",
    "phone",
    "hotline",
    "fax",
    "mailbox",
    "sms_phone",
    "trades",
)


def _require_manage(actor: User, organization: Organization) -> None:
    # Scope is re-checked inside the transaction: a view may have raced a revocation.
    if not user_scope(actor).covers(organization.path, MANAGE):
        raise PermissionDenied


def _new_group() -> Group:
    return Group.objects.create(name=f"org-{uuid.uuid4().hex}")


@action
def do_create_root_organization(*, actor: User | None, **fields: Any) -> Organization:
    """The top of a tree (a county committee); only set-up commands and superusers call this."""
    org = Organization(group=_new_group(), **fields)
    org.full_clean(exclude=["path", "depth"])
    result: Organization = Organization.objects.add_root(instance=org)
    return result


@action
def do_create_organization(*, actor: User, parent: Organization, **fields: Any) -> Organization:
    _require_manage(actor, parent)
    parent = Organization.objects.select_for_update().get(pk=parent.pk)
    kind = fields.get("kind", "")
    if not parent.allows_child(kind):
        raise ValidationError(
            {
                "kind": _("A %(kind)s cannot be placed under %(parent)s.")
                % {
                    "kind": dict(Organization._meta.get_field("kind").choices or []).get(
                        kind, kind
                    ),
                    "parent": parent.name,
                }
            }
        )
    trades = fields.pop("trades", None)
    org = Organization(group=_new_group(), **fields)
    org.full_clean(exclude=["path", "depth", "group"])
    child: Organization = Organization.objects.add_child(parent, instance=org)
    if trades is not None:
        child.trades.set(trades)
    return child


@action
def do_update_organization(
    *, actor: User, organization: Organization, **fields: Any
) -> Organization:
    _require_manage(actor, organization)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    trades = fields.pop("trades", None)
    for name, value in fields.items():
        if name not in ORG_FIELDS or name == "kind":
            raise ValueError(f"{name} cannot be changed here")
        setattr(org, name, value)
    saved: Organization = save_valid(org)
    if trades is not None:
        saved.trades.set(trades)
    return saved


def grantable_role_kinds(actor: User, organization: Organization) -> list[str]:
    """Role kinds `actor` may grant on `organization`: never above their own rank there."""
    scope = user_scope(actor)
    if not scope.covers(organization.path, MANAGE):
        return []
    rank = scope.rank_at(organization.path)
    return [kind for kind, r in ROLE_RANK.items() if r <= rank]


@action
def do_grant_role(*, actor: User, user: User, organization: Organization, kind: str) -> Role:
    if kind not in grantable_role_kinds(actor, organization):
        raise PermissionDenied
    if Role.objects.active().filter(user=user, organization=organization, kind=kind).exists():
        raise ValidationError(_("This user already holds that role on that organization."))
    role = Role(user=user, organization=organization, kind=kind, granted_by=actor)
    save_valid(role)
    record_event(
        actor=actor,
        instance=role,
        event="role.granted",
        details={"user": user.username, "organization": organization.name, "kind": kind},
    )
    return role


@action
def do_revoke_role(*, actor: User, role: Role) -> Role:
    role = Role.objects.select_for_update().select_related("organization", "user").get(pk=role.pk)
    if (
        ROLE_RANK[role.kind] > user_scope(actor).rank_at(role.organization.path)
        or not user_scope(actor).covers(role.organization.path, MANAGE)
        or outranks(role.user, actor)
    ):
        raise PermissionDenied
    if role.revoked_at is not None:
        return role
    if role.user_id == actor.pk and not (
        Role.objects.select_for_update()
        .filter(user=actor, revoked_at__isnull=True)
        .exclude(pk=role.pk)
        .exists()
    ):
        raise ValidationError(_("You cannot revoke your own last role."))
    role.revoked_at = timezone.now()
    role.revoked_by = actor
    role.save(update_fields=["revoked_at", "revoked_by"])
    record_event(
        actor=actor,
        instance=role,
        event="role.revoked",
        details={
            "user": role.user.username,
            "organization": role.organization.name,
            "kind": role.kind,
        },
    )
    return role


@action
def do_create_staff_user(
    *,
    actor: User,
    username: str,
    full_name: str,
    phone: str,
    initial_password: str,
    organization: Organization,
    kind: str,
) -> User:
    """A new staff account with its first role; the user must choose a password at first login."""
    if kind not in grantable_role_kinds(actor, organization):
        raise PermissionDenied
    user = User(username=username, full_name=full_name, phone=phone, must_change_password=True)
    user.set_password(initial_password)
    user.full_clean(exclude=["password"])
    with filed_under(organization.path):
        user.save()
    do_grant_role(actor=actor, user=user, organization=organization, kind=kind)
    return user


def _current_roles(user: User) -> list[Role]:
    # Not `Role.objects.active()`: an inactive account's roles still say whom it outranks.
    return list(
        Role.objects.filter(user=user, revoked_at__isnull=True).select_related("organization")
    )


def outranks(user: User, actor: User) -> bool:
    """Whether `user` outranks `actor` anywhere, so that `actor` may neither deactivate nor
    demote them (issue 9, item 17). A superuser outranks everyone but another superuser; any
    other user outranks the actor if one of their current roles ranks above what the actor
    holds over that role's organization (nothing at all outside the actor's scope)."""
    scope = user_scope(actor)
    if scope.is_superuser:
        return False
    if user.is_superuser:
        return True
    return any(
        ROLE_RANK[role.kind] > scope.rank_at(role.organization.path)
        for role in _current_roles(user)
    )


def staff_user_in_scope(actor: User, user: User) -> bool:
    scope = user_scope(actor)
    return (
        scope.is_superuser
        or Role.objects.filter(user=user).filter(scope.q("organization__path", MANAGE)).exists()
    )


@action
def do_set_user_active(*, actor: User, user: User, active: bool) -> User:
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not staff_user_in_scope(actor, user):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    if outranks(user, actor):
        raise PermissionDenied
    user.is_active = active
    with filed_under(_filing_path(actor, _current_roles(user))):
        user.save(update_fields=["is_active"])
    return user


def _filing_path(actor: User, roles: list[Role]) -> str:
    # A user belongs to no organization of its own: file a change under the organization of
    # a role the actor manages, so the officers above it see it on their audit page.
    scope = user_scope(actor)
    in_scope = [r.organization.path for r in roles if scope.covers(r.organization.path, MANAGE)]
    return min(in_scope, default="")


@action
def do_lift_lockout(*, actor: User, user: User) -> int:
    """End `user`'s login lockouts before their time (issue 9, item 18): for the officers who
    manage the account; audited, filed under the organizations of their roles. How many
    lockouts were lifted."""
    if not staff_user_in_scope(actor, user):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    lockouts = current_lockouts(actor, of=User.objects.filter(pk=user.pk))
    if not lockouts:
        raise ValidationError(_("This account is not locked out."))
    clear_attempts(user)
    record_event(
        actor=actor,
        instance=user,
        event="login.lockout_lifted",
        details={
            "user": user.username,
            "ip_addresses": [lockout.ip_address for lockout in lockouts],
        },
        org_path=_filing_path(actor, _current_roles(user)),
    )
    return len(lockouts)


@action
def do_complete_password_change(*, actor: User) -> None:
    if actor.must_change_password:
        actor.must_change_password = False
        actor.save(update_fields=["must_change_password"])
