"""Recording meetings (issue 10, item 1). Attendance is `education.attendance.actions`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, save_valid
from education.models import Meeting, MeetingKind
from organizations.models import (
    BRANCH_KINDS,
    COMMITTEE_KINDS,
    Organization,
    OrgKind,
)
from organizations.scope import require_change

#: What the recorder fills in (the action's keyword arguments, the form's fields).
MEETING_FIELDS = (
    "kind",
    "activity",
    "held_on",
    "starts_at",
    "mode",
    "place",
    "online_link",
    "topic",
    "presenter",
    "recorder",
    "minutes",
    "decisions",
    "study_hours",
)

#: The kinds each kind of organization holds: a party group its own meetings and talks;
#: committees lectures, their leadership's democratic life meeting and other activities; every
#: branch-level organization (a station and a temporary branch too) the rest.
_GROUP_KINDS = frozenset({MeetingKind.PARTY_GROUP, MeetingKind.TALK, MeetingKind.OTHER})
_COMMITTEE_KINDS = frozenset(
    {MeetingKind.LECTURE, MeetingKind.DEMOCRATIC_LIFE, MeetingKind.THEME_DAY, MeetingKind.OTHER}
)
_BRANCH_KINDS = frozenset(MeetingKind.values) - {
    MeetingKind.PARTY_GROUP,
    MeetingKind.DEMOCRATIC_LIFE,
}


def kinds_for(organization: Organization) -> frozenset[str]:
    """The kinds of meeting `organization` holds (empty: none)."""
    if organization.kind == OrgKind.PARTY_GROUP:
        return _GROUP_KINDS
    if organization.kind in COMMITTEE_KINDS:
        return _COMMITTEE_KINDS
    if organization.kind in BRANCH_KINDS or organization.kind == OrgKind.TEMPORARY_BRANCH:
        return _BRANCH_KINDS
    return frozenset()


def kind_refusal(organization: Organization, kind: str) -> str | None:
    if kind in kinds_for(organization):
        return None
    return _("%(org)s does not hold a “%(kind)s”.") % {
        "org": organization.name,
        "kind": MeetingKind(kind).label if kind in MeetingKind.values else kind,
    }


@action
def do_record_meeting(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    held_on: dt.date,
    topic: str,
    **fields: Any,
) -> Meeting:
    """A meeting of `organization` (held, or planned: attendance waits for the day)."""
    require_change(actor, organization)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"do_record_meeting() got unexpected fields: {sorted(unknown)}")
    refusal = kind_refusal(organization, kind)
    if refusal:
        raise ValidationError({"kind": refusal})
    if not organization.is_active:
        raise ValidationError(_("%(org)s is closed.") % {"org": organization.name})
    meeting = Meeting(
        organization=organization,
        kind=kind,
        held_on=held_on,
        topic=topic.strip(),
        created_by=actor,
        **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()},
    )
    if meeting.study_hours is None:
        meeting.study_hours = 0
    return save_valid(meeting)
