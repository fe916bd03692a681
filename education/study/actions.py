"""Writes of classified and online education: publishing, editing and withdrawing column items
(the publishing organization's changers), recording a member's study (whoever records the
member's life), recording that members read an item online, and members' branch posts (the
home side)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.actions import action
from core.models import User, record_event, save_valid
from core.scoping import Action
from education.models import (
    Audience,
    BranchPost,
    ColumnItem,
    StudyKind,
    StudyRecord,
)
from education.models.study import PUBLISHER_KINDS
from education.study.queries import applicable_members
from members.access import lock_for_change, require_record
from members.models import Member
from organizations.models import Organization
from organizations.scope import require_change


def _clean_text(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


def _check_audience(
    publisher: Organization, audience: str, organizations: Iterable[Organization]
) -> list[Organization]:
    chosen = list(organizations)
    if audience == Audience.CHOSEN:
        if not chosen:
            raise ValidationError({"organizations": _("Choose the organizations it is for.")})
        outside = [o.name for o in chosen if not o.path.startswith(publisher.path)]
        if outside:
            raise ValidationError(
                {
                    "organizations": _("%(orgs)s are not under %(publisher)s.")
                    % {"orgs": "、".join(outside), "publisher": publisher.name}
                }
            )
        return chosen
    return []


@action
def do_publish_column_item(
    *,
    actor: User,
    organization: Organization,
    organizations: Iterable[Organization] = (),
    **fields: Any,
) -> ColumnItem:
    """A notice or study material of `organization` in the column, for its audience (the
    chosen `organizations`, under the publisher, when the audience is "chosen")."""
    require_change(actor, organization)
    unknown = set(fields) - set(ColumnItem.FIELDS)
    if unknown:
        raise TypeError(f"do_publish_column_item() got unexpected fields: {sorted(unknown)}")
    if organization.kind not in PUBLISHER_KINDS or not organization.is_active:
        raise ValidationError(
            {
                "organization": _("%(org)s does not publish in the column.")
                % {"org": organization.name}
            }
        )
    fields.setdefault("published_on", timezone.localdate())
    item = ColumnItem(
        organization=organization,
        created_by=actor,
        **{k: _clean_text(v) if isinstance(v, str) else v for k, v in fields.items()},
    )
    if item.study_hours is None:
        item.study_hours = Decimal(0)
    chosen = _check_audience(organization, item.audience, organizations)
    save_valid(item)
    item.organizations.set(chosen)
    return item


def _locked_item(actor: User, item: ColumnItem) -> ColumnItem:
    locked: ColumnItem = (
        ColumnItem.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=item.pk)
    )
    require_change(actor, locked.organization)
    return locked


@action
def do_edit_column_item(
    *,
    actor: User,
    item: ColumnItem,
    organizations: Iterable[Organization] = (),
    **fields: Any,
) -> ColumnItem:
    """Correct an item (not a withdrawn one). Its hours may change: readings already recorded
    keep the hours they were recorded with."""
    item = _locked_item(actor, item)
    if item.is_withdrawn:
        raise ValidationError(_("This item was withdrawn: it is no longer edited."))
    unknown = set(fields) - set(ColumnItem.FIELDS)
    if unknown:
        raise TypeError(f"do_edit_column_item() got unexpected fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(item, name, _clean_text(value) if isinstance(value, str) else value)
    chosen = _check_audience(item.organization, item.audience, organizations)
    save_valid(item)
    item.organizations.set(chosen)
    return item


@action
def do_withdraw_column_item(*, actor: User, item: ColumnItem, reason: str) -> ColumnItem:
    """Take an item out of the column. Nothing is deleted: the item and the study recorded for
    it stay; it can no longer be recorded as read."""
    item = _locked_item(actor, item)
    if item.is_withdrawn:
        raise ValidationError(_("This item is already withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the item is withdrawn.")})
    item.withdrawn_at = timezone.now()
    item.withdraw_reason = reason.strip()
    return save_valid(item)


def _reading_refusal(item: ColumnItem) -> str | None:
    if item.is_withdrawn:
        return _("This item was withdrawn: its reading is no longer recorded.")
    if item.study_hours <= 0:
        return _("This item carries no study hours: reading it is not recorded as study.")
    return None


@action
def do_record_study(
    *,
    actor: User,
    member: Member,
    kind: str,
    studied_on: dt.date,
    hours: Decimal | None = None,
    column_item: ColumnItem | None = None,
    title: str = "",
    online: bool = False,
) -> StudyRecord:
    """One piece of `member`'s study. A column item read (one the actor sees, that applies to
    the member) is worth the item's hours (the hours typed are ignored) and is recorded once
    per member: a second time is refused."""
    require_record(actor, member)
    if member.is_archived:
        raise ValidationError(_("An archived member's study is not recorded."))
    if kind == StudyKind.COLUMN:
        if column_item is None:
            raise ValidationError({"column_item": _("Choose the column item read.")})
        applies = ColumnItem.objects.visible_to(actor).for_member(member)
        if not applies.filter(pk=column_item.pk).exists():
            raise ValidationError(
                {"column_item": _("This item is not for %(name)s.") % {"name": member.name}}
            )
        refusal = _reading_refusal(column_item)
        if refusal:
            raise ValidationError({"column_item": refusal})
        if StudyRecord.objects.filter(member=member, column_item=column_item).exists():
            raise ValidationError(
                {
                    "column_item": _("%(name)s's reading of this item is already recorded.")
                    % {"name": member.name}
                }
            )
        hours = column_item.study_hours
        title = ""
    else:
        column_item = None
        if hours is None:
            raise ValidationError({"hours": _("Enter the study hours.")})
    record = StudyRecord(
        member=member,
        kind=kind,
        column_item=column_item,
        title=title.strip(),
        studied_on=studied_on,
        hours=hours,
        online=online,
        recorded_by=actor,
    )
    return save_valid(record)


@action
def do_record_readers(
    *,
    actor: User,
    item: ColumnItem,
    members: Iterable[Member],
    read_on: dt.date | None = None,
) -> tuple[int, int]:
    """`members` read `item` online: a study record each, worth the item's hours. Each member
    must be one the item applies to and whom `actor` records for (403 otherwise, nothing
    saved); members already recorded for the item are skipped, not recorded twice. Answers
    (recorded, skipped). One audit event names them all."""
    item = ColumnItem.objects.select_related("organization").get(pk=item.pk)
    refusal = _reading_refusal(item)
    if refusal:
        raise ValidationError(refusal)
    day = read_on or timezone.localdate()
    if day < item.published_on:
        raise ValidationError({"read_on": _("The item was published later than that.")})
    ids = {member.pk for member in members}
    if not ids:
        raise ValidationError({"members": _("Choose who read it.")})
    allowed = set(
        applicable_members(item)
        .filter(pk__in=ids)
        .filter(pk__in=Member.objects.visible_to(actor, Action.RECORD).values("pk"))
        .values_list("pk", flat=True)
    )
    if ids - allowed:
        raise PermissionDenied
    done = set(
        StudyRecord.objects.filter(column_item=item, member_id__in=ids).values_list(
            "member_id", flat=True
        )
    )
    new = sorted(ids - done)
    records = [
        StudyRecord(
            member_id=member_id,
            kind=StudyKind.COLUMN,
            column_item=item,
            studied_on=day,
            hours=item.study_hours,
            online=True,
            recorded_by=actor,
        )
        for member_id in new
    ]
    for record in records:
        record.full_clean(
            exclude=["member", "column_item", "recorded_by"], validate_constraints=False
        )
    # ON CONFLICT DO NOTHING: a reading recorded meanwhile by someone else is skipped too.
    StudyRecord.objects.bulk_create(records, ignore_conflicts=True)
    if new:
        record_event(
            actor=actor,
            instance=item,
            event="column_item.read_recorded",
            details={"members": new, "hours": str(item.study_hours), "read_on": day.isoformat()},
        )
    return len(new), len(done)


@action
def do_record_group_study(
    *,
    actor: User,
    members: Iterable[Member],
    kind: str,
    title: str,
    studied_on: dt.date,
    hours: Decimal,
    online: bool = False,
) -> int:
    """The same course or training for several members at once (a branch's winter training,
    党员冬训): a study record each, all or nothing; every member must be one `actor` records
    for (403 otherwise). One audit event names them all. Answers how many were recorded."""
    if kind == StudyKind.COLUMN:
        raise ValidationError({"kind": _("A column item's readers are recorded from the item.")})
    ids = sorted({member.pk for member in members})
    if not ids:
        raise ValidationError({"members": _("Choose who studied.")})
    paths = list(
        Member.objects.visible_to(actor, Action.RECORD)
        .active()
        .filter(pk__in=ids)
        .values_list("home_org__path", flat=True)
    )
    if len(paths) != len(ids):
        raise PermissionDenied
    records = [
        StudyRecord(
            member_id=member_id,
            kind=kind,
            title=title.strip(),
            studied_on=studied_on,
            hours=hours,
            online=online,
            recorded_by=actor,
        )
        for member_id in ids
    ]
    # One record validates them all: they differ only in the member.
    records[0].full_clean(exclude=["member", "recorded_by"], validate_constraints=False)
    StudyRecord.objects.bulk_create(records)
    record_event(
        actor=actor,
        instance=records[0],
        event="study.group_recorded",
        details={"members": ids, "title": title.strip(), "hours": str(hours)},
        # A batch may span branches: filed under the organization above all of them.
        org_path=_common_path(paths),
    )
    return len(records)


def _common_path(paths: list[str]) -> str:
    """The path of the nearest organization at or above every one of `paths`."""
    # The lexically first and last paths share exactly what all of them share.
    first, last, step, size = min(paths), max(paths), Organization.steplen, 0
    while size + step <= min(len(first), len(last)) and first[: size + step] == last[: size + step]:
        size += step
    return first[:size]


def readers_message(recorded: int, skipped: int) -> str:
    """What the "read by" page says once it is done."""
    said = ngettext(
        "Reading recorded for %(count)d member.",
        "Reading recorded for %(count)d members.",
        recorded,
    ) % {"count": recorded}
    if skipped:
        said += " " + ngettext(
            "%(count)d was already recorded and was skipped.",
            "%(count)d were already recorded and were skipped.",
            skipped,
        ) % {"count": skipped}
    return said


@action
def do_record_branch_post(
    *,
    actor: User,
    member: Member,
    post: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
) -> BranchPost:
    """`member` holds (or held) a post in their home branch: the home side records it."""
    member = lock_for_change(actor, member, archived=_("An archived member holds no post."))
    return save_valid(
        BranchPost(
            member=member,
            organization=member.home_org,
            post=post,
            started_on=started_on,
            ended_on=ended_on,
            recorded_by=actor,
        )
    )


@action
def do_record_branch_committee(
    *,
    actor: User,
    organization: Organization,
    posts: Mapping[Member, str],
    started_on: dt.date,
) -> int:
    """A branch's committee as elected (换届): each member's post from `started_on`, all or
    nothing. Every member must be the branch's own and hold no current post in it. One audit
    event names them all. Answers how many posts were recorded."""
    require_change(actor, organization)
    ids = {member.pk: post for member, post in posts.items()}
    if not ids:
        raise ValidationError(_("Choose the members elected."))
    own = set(
        Member.objects.active()
        .filter(pk__in=ids, home_org=organization)
        .values_list("pk", flat=True)
    )
    if own != set(ids):
        raise ValidationError(_("Only the branch's own members hold its posts: nothing was saved."))
    if BranchPost.objects.current().filter(organization=organization, member_id__in=ids).exists():
        raise ValidationError(
            _("A member chosen already holds a post in this branch: end it first.")
        )
    rows = [
        BranchPost(
            member_id=member_id,
            organization=organization,
            post=post,
            started_on=started_on,
            recorded_by=actor,
        )
        for member_id, post in sorted(ids.items())
    ]
    for row in rows:
        row.full_clean(
            exclude=["member", "organization", "recorded_by"], validate_constraints=False
        )
    BranchPost.objects.bulk_create(rows)
    record_event(
        actor=actor,
        instance=organization,
        event="branch.committee_recorded",
        details={
            "posts": {str(k): v for k, v in sorted(ids.items())},
            "from": started_on.isoformat(),
        },
    )
    return len(rows)


@action
def do_end_branch_post(*, actor: User, post: BranchPost, ended_on: dt.date) -> BranchPost:
    """The member left the post on `ended_on`."""
    post = (
        BranchPost.objects.select_for_update(of=("self",)).select_related("member").get(pk=post.pk)
    )
    lock_for_change(actor, post.member)
    if post.ended_on is not None:
        raise ValidationError(_("This post has already ended."))
    post.ended_on = ended_on
    return save_valid(post)
