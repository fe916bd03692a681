"""Which organizations a member is shared with, derived from the records that justify it.

A member's home organization owns the record. Other organizations' groups hold guardian object
permissions on it only while something justifies them:

- an absence checked in there (or lost while checked in there): view + record life;
- a transfer letter issued to it and not yet received (the transfers app registers this
  source): view, so the receiving side can prepare.

Actions that change any of these call `sync_shares(member)`, which grants what is justified and
revokes what is not, so that two reasons for one grant never cancel each other (a member checked
in at the organization a transfer is addressed to keeps both until both end). `verify_grants`
compares the whole table against `desired_shares` and repairs drift.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from core.actions import action
from core.models import User, record_event
from members.models import (
    RECORD_LIFE_PERMISSION,
    EpisodeStatus,
    Member,
    MemberGroupObjectPermission,
    MobilityEpisode,
)
from organizations.models import Organization

SHARE_PERMISSIONS = ("view_member", RECORD_LIFE_PERMISSION)


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
    # The grant rows directly (guardian's direct foreign-key table): one INSERT ... ON CONFLICT
    # DO NOTHING, where guardian's assign_perm reads and inserts each in a savepoint of its own.
    if granted:
        permissions = Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Member), codename__in=granted
        )
        MemberGroupObjectPermission.objects.bulk_create(
            [
                MemberGroupObjectPermission(
                    permission=permission, group_id=organization.group_id, content_object=member
                )
                for permission in permissions
            ],
            ignore_conflicts=True,
        )
    if revoked:
        MemberGroupObjectPermission.objects.filter(
            group_id=organization.group_id,
            content_object=member,
            permission__codename__in=revoked,
        ).delete()
    for event, codenames in (("member.shared", granted), ("member.unshared", revoked)):
        if codenames:
            details = {
                "organization": organization.name,
                "organization_id": organization.pk,
                "permissions": codenames,
            }
            record_event(actor=actor, instance=member, event=event, details=details)


VIEW = "view_member"


#: (member id, organization id) → the permissions justified, for the given members (None: all).
Shares = dict[tuple[int, int], set[str]]


@dataclass(frozen=True)
class ShareSource:
    """A kind of record that shares a member with an organization while it lasts, said as data:
    the records that justify a share now, the fields naming the member and the organization,
    and the permissions the share gives. Apps register theirs (`share_source`): members its
    absences, transfers its issued letters."""

    name: str
    model: type[models.Model]
    justifies: Q
    member_field: str
    organization_field: str
    permissions: frozenset[str]

    def shares(self, member_ids: list[int] | None) -> Shares:
        records = self.model._default_manager.filter(self.justifies)
        if member_ids is not None:
            records = records.filter(**{f"{self.member_field}__in": member_ids})
        pairs = records.values_list(self.member_field, self.organization_field)
        return {pair: set(self.permissions) for pair in pairs}


_sources: dict[str, ShareSource] = {}


def share_source(source: ShareSource) -> ShareSource:
    """Register a kind of record that justifies shares (again under the same name: replaced)."""
    _sources[source.name] = source
    return source


#: An absence checked in at an organization (or lost while there) shares the member with it:
#: the inflow side sees the member and records their life (registered in MembersConfig.ready).
EPISODE_SHARES = ShareSource(
    "episode",
    MobilityEpisode,
    Q(status__in=[EpisodeStatus.CHECKED_IN, EpisodeStatus.LOST], inflow_org__isnull=False),
    "member_id",
    "inflow_org_id",
    frozenset({VIEW, RECORD_LIFE_PERMISSION}),
)


def desired_shares(member_ids: Iterable[int] | None = None) -> Shares:
    """The union of every source's shares: what the grant table should hold."""
    ids = None if member_ids is None else list(member_ids)
    wanted: Shares = {}
    for source in _sources.values():
        for key, codenames in source.shares(ids).items():
            wanted.setdefault(key, set()).update(codenames)
    return wanted


def actual_shares(member_ids: Iterable[int] | None = None) -> Shares:
    """What the grant table holds, for organizations' groups."""
    rows = MemberGroupObjectPermission.objects.filter(
        permission__codename__in=SHARE_PERMISSIONS, group__organization__isnull=False
    )
    if member_ids is not None:
        rows = rows.filter(content_object_id__in=list(member_ids))
    held: Shares = {}
    for member_id, org_id, codename in rows.values_list(
        "content_object_id", "group__organization__id", "permission__codename"
    ):
        held.setdefault((member_id, org_id), set()).add(codename)
    return held


def drift(member_ids: Iterable[int] | None = None) -> tuple[Shares, Shares]:
    """(to grant, to revoke): the permissions missing and the ones held without a reason."""
    ids = None if member_ids is None else list(member_ids)
    wanted = desired_shares(ids)
    held = actual_shares(ids)
    missing = {
        key: codenames - held.get(key, set())
        for key, codenames in wanted.items()
        if codenames - held.get(key, set())
    }
    extra = {
        key: codenames - wanted.get(key, set())
        for key, codenames in held.items()
        if codenames - wanted.get(key, set())
    }
    return missing, extra


def sync_shares(*, actor: User | None, member: Member) -> tuple[Shares, Shares]:
    """Grant and revoke so that the member's shares are exactly the justified ones (audited).
    Runs inside the caller's action, after its records are saved."""
    missing, extra = drift([member.pk])
    if missing or extra:
        org_ids = {org_id for _member_id, org_id in [*missing, *extra]}
        orgs = Organization.objects.select_related("group").in_bulk(org_ids)
        for (_member_id, org_id), codenames in missing.items():
            do_change_shares(actor=actor, member=member, organization=orgs[org_id], grant=codenames)
        for (_member_id, org_id), codenames in extra.items():
            do_change_shares(
                actor=actor, member=member, organization=orgs[org_id], revoke=codenames
            )
    return missing, extra
