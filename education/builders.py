"""Meetings with attendance in one call, for the demo county and the tests: the real actions
(validated, audited) with defaults for what the caller does not care about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from core.models import User
from education.attendance.actions import do_record_attendance
from education.meetings.actions import do_record_meeting
from education.models import AttendanceStatus, Meeting, MeetingKind
from members.models import Member
from organizations.models import Organization


def hold_meeting(
    organization: Organization,
    *,
    actor: User,
    kind: str = MeetingKind.THEME_DAY,
    held_on: dt.date | None = None,
    topic: str = "学习党的创新理论",
    present: Iterable[Member] = (),
    online: Iterable[Member] = (),
    absent: Iterable[Member] = (),
    leave: Iterable[Member] = (),
    **fields: Any,
) -> Meeting:
    """A meeting of `organization` on `held_on` (today by default) with its attendance."""
    fields.setdefault("place", "党员活动室")
    if kind == MeetingKind.OTHER:
        fields.setdefault("activity", "lecture")
    meeting = do_record_meeting(
        actor=actor,
        organization=organization,
        kind=kind,
        held_on=held_on or timezone.localdate(),
        topic=topic,
        **fields,
    )
    entries: dict[int, tuple[str, str]] = {}
    for members, status, note in (
        (present, AttendanceStatus.PRESENT, ""),
        (online, AttendanceStatus.ONLINE, ""),
        (absent, AttendanceStatus.ABSENT, ""),
        (leave, AttendanceStatus.LEAVE, "外出务工"),
    ):
        for member in members:
            entries[member.pk] = (status, note)
    if entries:
        do_record_attendance(actor=actor, meeting=meeting, entries=entries)
    return meeting
