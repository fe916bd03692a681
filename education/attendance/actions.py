"""Attendance: who took part in a meeting, entered for the whole meeting at once (issue 10,
item 2). The inflow organization (or a station, a temporary branch, a party group) records the
members checked in with it, or belonging to it, at its own meetings; the rows count for the
member at home."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.actions import action
from core.models import User, record_event
from education.models import Attendance, AttendanceStatus, Meeting
from members.models import (
    GOOD_STANDINGS,
    RECORD_LIFE_PERMISSION,
    Member,
    MemberGroupObjectPermission,
)
from members.models.member import MemberQuerySet
from organizations.models import Organization
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


def _entry_errors(entries: Entries) -> list[str]:
    errors: list[str] = []
    for member_id, (status, note) in entries.items():
        if status not in AttendanceStatus.values:
            errors.append(_("Unknown attendance “%(status)s”.") % {"status": status})
        elif status == AttendanceStatus.LEAVE and not note.strip():
            errors.append(_("Give the reason for each leave."))
        elif status == AttendanceStatus.ELSEWHERE and not note.strip():
            errors.append(_("Say where each member recorded elsewhere took part."))
        if len(note) > 200:
            errors.append(_("A note is at most 200 characters."))
        if "\x00" in note:
            errors.append(_("A note cannot hold a NUL character."))
        del member_id
    return sorted(set(errors))


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
