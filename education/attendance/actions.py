"""Attendance: who took part in a meeting, entered for the whole meeting at once (issue 10,
item 2). The inflow organization (or a station, a temporary branch, a party group) records the
members checked in with it, or belonging to it, at its own meetings; the rows count for the
member at home."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.actions import action
from core.models import User, record_event, save_valid
from core.scoping import Action
from core.validators import normalize_id_number
from education.meetings.actions import MEETING_FIELDS, kind_refusal
from education.models import Attendance, AttendanceStatus, GroupMembership, Meeting
from members.models import (
    GOOD_STANDINGS,
    RECORD_LIFE_PERMISSION,
    Member,
    MemberGroupObjectPermission,
)
from members.models.member import MemberQuerySet
from members.sharing import sync_shares
from organizations.models import LIFE_GROUP_KINDS, Organization, OrgKind
from organizations.scope import require_change

#: (status, note) per member id: what a meeting's attendance form posts.
Entries = Mapping[int, tuple[str, str]]


def attendable_members(organization: Organization) -> MemberQuerySet:
    """Who may be recorded at `organization`'s meetings: its own members (relationship held in
    its subtree) and the members it records life for (checked in with it or an organization
    below it, or belonging to its party group or temporary branch: `members.sharing`), not
    archived and in good standing."""
    subtree = Organization.objects.filter(path__startswith=organization.path).order_by()
    shared = MemberGroupObjectPermission.objects.filter(
        permission__codename=RECORD_LIFE_PERMISSION,
        group_id__in=subtree.values("group_id"),
    ).values("content_object_id")
    return Member.objects.active().filter(
        Q(home_org_id__in=subtree.values("id")) | Q(pk__in=shared),
        standing__in=GOOD_STANDINGS,
    )


def attendance_refusal(meeting: Meeting) -> str | None:
    """Why attendance cannot be entered for `meeting` now (None: it can)."""
    if meeting.is_voided:
        return _("This meeting was voided: it takes no attendance.")
    if meeting.held_on > timezone.localdate():
        return _("This meeting is on %(date)s: enter its attendance on the day or after.") % {
            "date": meeting.held_on.isoformat()
        }
    return None


#: The longest note a row takes (Attendance.note).
NOTE_MAX_LENGTH = 200


def entry_refusal(status: str, note: str) -> str | None:
    """Why one member's (status, note) cannot be recorded (None: it can): the rule the action
    applies to every row and the attendance page shows beside the row."""
    if status not in AttendanceStatus.values:
        return _("Unknown attendance “%(status)s”.") % {"status": status[:20]}
    if "\x00" in note:
        return _("A note cannot hold a NUL character.")
    if len(note) > NOTE_MAX_LENGTH:
        return _("A note is at most 200 characters.")
    if status == AttendanceStatus.LEAVE and not note.strip():
        return _("Give the reason for each leave.")
    if status == AttendanceStatus.ELSEWHERE and not note.strip():
        return _("Say where each member recorded elsewhere took part.")
    return None


def _entry_errors(entries: Entries) -> list[str]:
    refusals = (entry_refusal(status, note) for status, note in entries.values())
    return sorted({refusal for refusal in refusals if refusal})


@action
def do_record_attendance(*, actor: User, meeting: Meeting, entries: Entries) -> int:
    """Record (or correct) the attendance of the members in `entries` at `meeting`, all or
    nothing. Answers how many rows changed. One audit entry names every change."""
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    require_change(actor, meeting.organization)
    refusal = attendance_refusal(meeting)
    if refusal:
        raise ValidationError(refusal)
    errors = _entry_errors(entries)
    if errors:
        raise ValidationError(errors)
    ids = set(entries)
    allowed = set(
        attendable_members(meeting.organization).filter(pk__in=ids).values_list("pk", flat=True)
    )
    strangers = ids - allowed
    if strangers:
        raise ValidationError(
            ngettext(
                "%(count)d member is neither %(org)s's own nor checked in with it: "
                "nothing was saved.",
                "%(count)d members are neither %(org)s's own nor checked in with it: "
                "nothing was saved.",
                len(strangers),
            )
            % {"count": len(strangers), "org": meeting.organization.name}
        )
    before = {
        row.member_id: (row.status, row.note)
        for row in Attendance.objects.filter(meeting=meeting, member_id__in=ids)
    }
    changed = {
        member_id: (status, note.strip())
        for member_id, (status, note) in entries.items()
        if before.get(member_id) != (status, note.strip())
    }
    if not changed:
        return 0
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                member_id=member_id,
                status=status,
                note=note,
                recorded_by=actor,
                signed_in=False,
            )
            for member_id, (status, note) in sorted(changed.items())
        ],
        update_conflicts=True,
        unique_fields=["meeting", "member"],
        update_fields=["status", "note", "recorded_by", "signed_in", "updated_at"],
    )
    record_event(
        actor=actor,
        instance=meeting,
        event="meeting.attendance_recorded",
        details={
            "changes": {
                str(member_id): [before.get(member_id, (None, ""))[0], status]
                for member_id, (status, _note) in sorted(changed.items())
            }
        },
    )
    return len(changed)


# --- Signing in with a code (签到码) ---------------------------------------------------------

#: How long a sign-in code may stay open, in minutes (a meeting of a morning or an afternoon).
SIGN_IN_MAX_MINUTES = 240
#: Digits in a sign-in code.
SIGN_IN_CODE_LENGTH = 6


def sign_in_refusal(meeting: Meeting, today: dt.date) -> str | None:
    """Why members cannot sign in to `meeting` today (None: they can): only on the day it is
    held, and never at a voided meeting."""
    if meeting.is_voided:
        return _("This meeting was voided: it takes no attendance.")
    if meeting.held_on != today:
        return _("Members sign in on the day of the meeting (%(date)s).") % {
            "date": meeting.held_on.isoformat()
        }
    return None


def _open_meetings(now: dt.datetime) -> QuerySet[Meeting]:
    """Meetings whose sign-in is open at `now`. Only a meeting held today opens one, so the
    search reads today's and yesterday's meetings (a code opened late in the evening) through
    the date index, never the whole table."""
    today = timezone.localdate(now)
    return Meeting.objects.filter(
        held_on__gte=today - dt.timedelta(days=1),
        held_on__lte=today,
        voided_at__isnull=True,
        sign_in_until__gt=now,
    ).exclude(sign_in_code="")


def _new_code(now: dt.datetime) -> str:
    """A code no other open meeting holds (a clash among a day's open codes is rare: retried)."""
    while True:
        code = f"{secrets.randbelow(10**SIGN_IN_CODE_LENGTH):0{SIGN_IN_CODE_LENGTH}d}"
        if not _open_meetings(now).filter(sign_in_code=code).exists():
            return code


@action
def do_open_sign_in(*, actor: User, meeting: Meeting, minutes: int) -> Meeting:
    """Give `meeting` a new six-digit code members sign in with for the next `minutes`
    (a code already open is replaced)."""
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    require_change(actor, meeting.organization)
    now = timezone.now()
    refusal = sign_in_refusal(meeting, timezone.localdate(now))
    if refusal:
        raise ValidationError(refusal)
    if not 1 <= minutes <= SIGN_IN_MAX_MINUTES:
        raise ValidationError(
            {
                "minutes": _("Keep sign-in open between 1 and %(max)d minutes.")
                % {"max": SIGN_IN_MAX_MINUTES}
            }
        )
    meeting.sign_in_code = _new_code(now)
    meeting.sign_in_until = now + dt.timedelta(minutes=minutes)
    return save_valid(meeting)


@action
def do_close_sign_in(*, actor: User, meeting: Meeting) -> Meeting:
    """Stop signing in with the meeting's code (the rows already signed in stay)."""
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    require_change(actor, meeting.organization)
    meeting.sign_in_code = ""
    meeting.sign_in_until = None
    return save_valid(meeting)


def id_tail(value: str) -> str:
    """The last characters of an ID-card number as typed: full-width digits, spaces and a small
    x read as the stored number has them."""
    return normalize_id_number(value)


@action
def do_sign_in(*, actor: None, code: str, name: str, id_number_tail: str) -> Attendance | None:
    """A member signs themself in at a meeting with its code, their name and the last six
    characters of their ID-card number: recorded present (signed in), unless a row other than
    "absent" is there already. None when the code is not open or no member attendable at that
    meeting has that name and number: the caller answers both alike, so the page never tells
    whether a person exists."""
    del actor  # nobody is logged in: the audit entry names no actor
    now = timezone.now()
    meeting = (
        _open_meetings(now)
        .select_for_update(of=("self",))
        .select_related("organization")
        .filter(sign_in_code=code.strip())
        .first()
    )
    tail = id_tail(id_number_tail)
    name = "".join(name.split())
    # Open only on the meeting's day, and never at a voided meeting (`_open_meetings`); a code
    # opened late in the evening works until it expires.
    if meeting is None or len(tail) != SIGN_IN_CODE_LENGTH or not name:
        return None
    found = list(
        attendable_members(meeting.organization).filter(name=name, id_number__endswith=tail)[:2]
    )
    if len(found) != 1:
        return None
    member = found[0]
    row = Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()
    if row is not None and row.status != AttendanceStatus.ABSENT:
        return row
    if row is None:
        row = Attendance(meeting=meeting, member=member)
    row.status = AttendanceStatus.PRESENT
    row.note = ""
    row.signed_in = True
    row.recorded_by = None
    return save_valid(row)


# --- Party groups and temporary branches ----------------------------------------------------

#: Three or more members who leave together form a temporary branch or group (the activity
#: certificate's rules, MISSION.md "Official facts"): fewer current members earn a warning.
TEMPORARY_BRANCH_MIN_MEMBERS = 3


def group_member_refusal(actor: User, group: Organization, member: Member) -> str | None:
    """Why `member` cannot join `group` (None: they can). A party group (党小组) holds members
    of its own branch; a temporary branch (临时党支部) mobile members the actor records life
    for, whatever their branch (a member the actor may not record for is a 403, as a forged
    request: the page never offers one). `member.home_org` is read with the member."""
    if group.kind not in LIFE_GROUP_KINDS:
        return _("%(org)s is not a party group or a temporary branch.") % {"org": group.name}
    if not group.is_active:
        return _("%(org)s is closed.") % {"org": group.name}
    if member.is_archived or member.standing not in GOOD_STANDINGS:
        return _("%(name)s is not a member in good standing on the register.") % {
            "name": member.name
        }
    if group.kind == OrgKind.PARTY_GROUP:
        if member.home_org.path != group.path[: -group.steplen]:
            return _("A party group holds members of its own branch: %(name)s is not one.") % {
                "name": member.name
            }
        return None
    if not Member.objects.visible_to(actor, Action.RECORD).filter(pk=member.pk).exists():
        raise PermissionDenied
    if not member.is_mobile:
        return _(
            "A temporary branch holds mobile members who left together: %(name)s is not "
            "registered as away."
        ) % {"name": member.name}
    return None


@action
def do_add_group_member(
    *, actor: User, group: Organization, member: Member, joined_on: dt.date
) -> GroupMembership:
    """`member` joins the party group or temporary branch `group` from `joined_on`: the group
    then sees the member and records their organizational life (a share)."""
    group = Organization.objects.select_for_update().get(pk=group.pk)
    require_change(actor, group)
    member = Member.objects.locked(member)
    refusal = group_member_refusal(actor, group, member)
    if refusal:
        raise ValidationError(refusal)
    if GroupMembership.objects.current().filter(organization=group, member=member).exists():
        raise ValidationError(
            _("%(name)s already belongs to %(org)s.") % {"name": member.name, "org": group.name}
        )
    membership = save_valid(
        GroupMembership(organization=group, member=member, joined_on=joined_on, recorded_by=actor)
    )
    sync_shares(actor=actor, member=member)
    return membership


@action
def do_end_group_membership(
    *, actor: User, membership: GroupMembership, left_on: dt.date
) -> GroupMembership:
    """The member leaves the group on `left_on`; the record stays, the share ends."""
    membership = (
        GroupMembership.objects.select_for_update()
        .select_related("organization", "member")
        .get(pk=membership.pk)
    )
    require_change(actor, membership.organization)
    if membership.left_on is not None:
        raise ValidationError(
            _("%(name)s left %(org)s on %(date)s already.")
            % {
                "name": membership.member.name,
                "org": membership.organization.name,
                "date": membership.left_on.isoformat(),
            }
        )
    if left_on < membership.joined_on:
        raise ValidationError(
            {
                "left_on": _("The member joined on %(date)s: they cannot leave before.")
                % {"date": membership.joined_on.isoformat()}
            }
        )
    membership.left_on = left_on
    save_valid(membership)
    sync_shares(actor=actor, member=membership.member)
    return membership


# --- a year of meetings at once (the demo county; an import of past records) -------------------


@dataclass
class PlannedMeeting:
    """One meeting to record: its fields (`MEETING_FIELDS`) and its attendance."""

    kind: str
    held_on: dt.date
    topic: str
    fields: dict[str, Any] = field(default_factory=dict)
    entries: dict[int, tuple[str, str]] = field(default_factory=dict)


@action
def do_record_meetings_in_bulk(
    *, actor: User, organization: Organization, meetings: Sequence[PlannedMeeting]
) -> tuple[int, int]:
    """Record `organization`'s `meetings` with their attendance at once, all or nothing: the
    checks of `do_record_meeting` and `do_record_attendance` (kinds the organization holds,
    every field valid, no attendance for a meeting in the future, leave with its reason, only
    members the organization may record), then one insert of the meetings, one of the rows
    (in batches), and one audit event. Answers (meetings, attendance rows)."""
    require_change(actor, organization)
    allowed = set(attendable_members(organization).values_list("pk", flat=True))
    built: list[Meeting] = []
    for planned in meetings:
        refusal = kind_refusal(organization, planned.kind)
        if refusal:
            raise ValidationError({"kind": refusal})
        unknown = set(planned.fields) - set(MEETING_FIELDS)
        if unknown:
            raise TypeError(f"unexpected meeting fields: {sorted(unknown)}")
        meeting = Meeting(
            organization=organization,
            kind=planned.kind,
            held_on=planned.held_on,
            topic=planned.topic,
            created_by=actor,
            **planned.fields,
        )
        # The organization and the actor are checked above; the rest as `save_valid` would.
        meeting.clean_fields(exclude=["organization", "created_by"])
        meeting.clean()
        if planned.entries:
            refusal = attendance_refusal(meeting)
            if refusal:
                raise ValidationError(refusal)
        strangers = set(planned.entries) - allowed
        if strangers:
            raise ValidationError(
                _("%(count)d members are neither %(org)s's own nor checked in with it.")
                % {"count": len(strangers), "org": organization.name}
            )
        errors = _entry_errors(planned.entries)
        if errors:
            raise ValidationError(errors)
        built.append(meeting)
    Meeting.objects.bulk_create(built)
    rows = [
        Attendance(
            meeting=meeting, member_id=member_id, status=status, note=note, recorded_by=actor
        )
        for meeting, planned in zip(built, meetings, strict=True)
        for member_id, (status, note) in planned.entries.items()
    ]
    Attendance.objects.bulk_create(rows, batch_size=5000)
    record_event(
        actor=actor,
        instance=organization,
        event="meeting.bulk_recorded",
        details={
            "meetings": len(built),
            "attendance": len(rows),
            "from": min(m.held_on for m in built).isoformat() if built else None,
            "to": max(m.held_on for m in built).isoformat() if built else None,
        },
    )
    return len(built), len(rows)
