"""Importing organizational life from the Excel template (issue 13): past meetings (三会一课 and
the other kinds) and who attended them, one row per member per meeting.

Rows with the same organization, date and kind are one meeting. A meeting already recorded
with that organization, date and kind is reused as it is recorded, and only the attendance
that differs is written (`do_record_attendance`, the attendance page's action); the others are
new, and every new meeting of one organization is recorded with its attendance in one call
(`do_record_meetings_in_bulk`, the action for records of the past). Each row is checked as the
pages check it: the organization among those the importer records meetings for (an unknown name
and one outside the scope read alike), the meeting's fields by the meeting form, the member
among those the organization's attendance sheet lists (`attendable_members`: its own, and those
checked in with it), their (status, note) by the sheet's own rule (`entry_refusal`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.models import User
from core.scoping import Action
from core.validators import normalize_id_number
from education.attendance.actions import (
    PlannedMeeting,
    attendable_members,
    attendance_refusal,
    do_record_attendance,
    do_record_meetings_in_bulk,
    entry_refusal,
)
from education.meetings.actions import kind_refusal
from education.meetings.forms import EditMeetingForm, recording_organizations
from education.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingMode,
    OtherActivity,
)
from ledgers.imports import ImportColumn, ImportSpec, Plan, RowError
from organizations.models import Organization
from organizations.scope import user_scope

#: A meeting of the file: (organization id, date, kind).
MeetingKey = tuple[int, dt.date, str]

#: The columns that describe the meeting rather than the member: read from the meeting's first
#: row; its other rows may leave them empty, or must say the same.
MEETING_COLUMNS = ("activity", "topic", "mode", "place", "presenter")

#: What the bulk action takes as the meeting's own arguments rather than among its fields.
_PLANNED_ARGUMENTS = ("kind", "held_on", "topic")


def _header(text: str) -> Any:
    return pgettext_lazy("attendance import", text)


@dataclass
class FileMeeting:
    """One meeting of the file (its rows share the organization, date and kind): recorded
    already (`existing`: only the attendance that differs is written), or new, with the fields
    the meeting form cleaned, recorded with the organization's other new meetings (`batch`,
    one list shared by them) by the first of their rows applied."""

    organization: Organization
    key: MeetingKey
    first_row: int
    #: The meeting columns as its first row has them (later rows are compared with these).
    values: dict[str, Any]
    existing: Meeting | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    #: (status, note) per member id: what the import writes (new, or different from stored).
    entries: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: The row of each member at this meeting (a member twice is a mistake).
    rows: dict[int, int] = field(default_factory=dict)
    batch: list[FileMeeting] = field(default_factory=list)
    recorded: bool = False

    def planned(self) -> PlannedMeeting:
        _organization_id, held_on, kind = self.key
        return PlannedMeeting(
            kind=kind,
            held_on=held_on,
            topic=self.fields["topic"],
            fields={k: v for k, v in self.fields.items() if k not in _PLANNED_ARGUMENTS},
            entries=self.entries,
        )


@dataclass
class AttendanceImportContext:
    """What every row needs, read once: the organizations the importer records meetings for
    (by name), the members each organization of the file may record (by ID-card number: a
    member it may not record is never read, so a number outside the scope reads as unknown),
    the meetings recorded already on the file's days and the attendance stored at them for
    the file's members; and, filled as the rows are planned, the file's meetings."""

    organizations: dict[str, list[Organization]]
    #: organization id → ID-card number → (member id, name).
    attendable: dict[int, dict[str, tuple[int, str]]]
    existing: dict[MeetingKey, list[Meeting]]
    #: (meeting id, member id) → (status, note) stored.
    stored: dict[tuple[int, int], tuple[str, str]]
    meetings: dict[MeetingKey, FileMeeting] = field(default_factory=dict)
    #: organization id → its new meetings, recorded together.
    new_meetings: dict[int, list[FileMeeting]] = field(default_factory=dict)


class AttendanceImport(ImportSpec):
    """Past organizational life: meetings and their attendance, one row per member per
    meeting, checked as the meeting and attendance pages check them and recorded by their
    actions. Importing the same file again changes nothing: its meetings are found recorded,
    their attendance the same."""

    key = "attendance"
    title = _("Organizational life records")
    sheet = _("Organizational life records")
    list_url = "education:meetings"
    instructions = (
        _(
            "One row per member per meeting. Rows with the same organization, date and kind are "
            "one meeting: its topic, place and other meeting columns are read from its first "
            "row and may be left empty on its other rows."
        ),
        _(
            "A meeting already recorded with the same organization, date and kind is kept as "
            "it is recorded: only the attendance that differs is written."
        ),
        _(
            "Only members of the organization, or checked in with it, can be recorded: the "
            "members its attendance page lists. Attendance is recorded for meetings held on "
            "or before today."
        ),
    )
    columns = (
        ImportColumn(
            _header("Organization"),
            "organization",
            required=True,
            width=22,
            help=_("The organization's name as the system writes it (the drop-down list)."),
        ),
        ImportColumn(_header("Date"), "held_on", kind="date", required=True, width=11),
        ImportColumn(
            _header("Kind"), "kind", kind="choice", choices=MeetingKind.choices, required=True
        ),
        ImportColumn(
            _header("Kind of activity"),
            "activity",
            kind="choice",
            choices=OtherActivity.choices,
            help=_("Only for an other activity: what kind of activity it was."),
        ),
        ImportColumn(_header("Topic"), "topic", required=True, width=24),
        ImportColumn(
            _header("Held"),
            "mode",
            kind="choice",
            choices=MeetingMode.choices,
            width=10,
            help=_("Empty: in person."),
        ),
        ImportColumn(
            _header("Place"),
            "place",
            width=18,
            help=_("Where it was held; for a meeting held online, the group or platform."),
        ),
        ImportColumn(_header("Presided or taught by"), "presenter", width=12),
        ImportColumn(_header("Citizen ID number"), "id_number", required=True, width=21),
        ImportColumn(_header("Name"), "name", required=True, width=10),
        ImportColumn(
            _header("Attendance"),
            "status",
            kind="choice",
            choices=AttendanceStatus.choices,
            required=True,
            width=14,
        ),
        ImportColumn(
            _header("Reason or note"),
            "note",
            width=24,
            help=_(
                "The reason for leave, or where a member recorded as attending at another "
                "organization took part."
            ),
        ),
    )

    def may_import(self, user: User) -> bool:
        return user_scope(user).can(Action.CHANGE)

    def _organizations(self, user: User) -> dict[str, list[Organization]]:
        """Where the importer records meetings (the meeting page's own list), by name."""
        found: dict[str, list[Organization]] = {}
        for organization in recording_organizations(user):
            found.setdefault(organization.name, []).append(organization)
        return found

    def choices_for(self, user: User, column: ImportColumn) -> Sequence[str]:
        if column.field == "organization":
            return list(self._organizations(user))
        return super().choices_for(user, column)

    def prepare(self, user: User, rows: list[tuple[int, dict[str, Any]]]) -> Any:
        """The bulk reads: the importer's organizations; per organization named in the file,
        the file's members it may record (one query each); the meetings recorded already on
        the file's days at those organizations, and the file's members' attendance there."""
        organizations = self._organizations(user)
        numbers: dict[int, set[str]] = {}
        dates: set[dt.date] = set()
        named: dict[int, Organization] = {}
        for _number, values in rows:
            found = organizations.get(str(values.get("organization", "")), [])
            if len(found) != 1:
                continue
            organization = found[0]
            named[organization.pk] = organization
            number = normalize_id_number(str(values.get("id_number", "")))
            if number:
                numbers.setdefault(organization.pk, set()).add(number)
            if isinstance(values.get("held_on"), dt.date):
                dates.add(values["held_on"])
        attendable: dict[int, dict[str, tuple[int, str]]] = {}
        member_ids: set[int] = set()
        for pk, wanted in numbers.items():
            listed = attendable_members(named[pk]).filter(id_number__in=wanted)
            attendable[pk] = {
                id_number: (member_id, name)
                for member_id, id_number, name in listed.values_list("pk", "id_number", "name")
            }
            member_ids.update(member_id for member_id, _name in attendable[pk].values())
        existing: dict[MeetingKey, list[Meeting]] = {}
        if named and dates:
            recorded = (
                Meeting.objects.held()
                .filter(organization_id__in=named, held_on__in=dates)
                .order_by("pk")
            )
            for meeting in recorded:
                meeting.organization = named[meeting.organization_id]
                key = (meeting.organization_id, meeting.held_on, meeting.kind)
                existing.setdefault(key, []).append(meeting)
        meeting_ids = [meeting.pk for found in existing.values() for meeting in found]
        stored = {
            (meeting_id, member_id): (status, note)
            for meeting_id, member_id, status, note in Attendance.objects.filter(
                meeting_id__in=meeting_ids, member_id__in=member_ids
            ).values_list("meeting_id", "member_id", "status", "note")
        }
        return AttendanceImportContext(
            organizations=organizations, attendable=attendable, existing=existing, stored=stored
        )

    def plan_row(self, user: User, row: int, values: dict[str, Any], prepared: Any) -> Plan:
        context: AttendanceImportContext = prepared
        organization = self._organization(context, values)
        errors: dict[str, list[str]] = {}
        for name in ("held_on", "kind", "id_number", "name", "status"):
            if values.get(name, "") == "":
                errors[name] = [gettext("This field is required.")]
        if errors.keys() & {"held_on", "kind"}:
            raise RowError(errors)
        meeting = self._meeting(user, context, organization, row, values, errors)
        member = self._member(context, organization, meeting, row, values, errors)
        status = str(values.get("status", ""))
        note = str(values.get("note", "")).strip()
        if status:
            refusal = entry_refusal(status, note)
            if refusal:
                errors.setdefault("note", []).append(refusal)
        if errors or member is None:
            raise RowError(errors)
        member_id, member_name = member
        label = (
            f"{member_name} · {organization.name} {meeting.key[1].isoformat()} "
            f"{MeetingKind(meeting.key[2]).label}"
        )
        entry = (status, note)
        data = {"member": member_id, "status": status, "note": note}
        if meeting.existing is None:
            meeting.entries[member_id] = entry
            return Plan(row=row, action="create", label=label, data=data, target=meeting)
        before = context.stored.get((meeting.existing.pk, member_id))
        if before == entry:
            return Plan(row=row, action="unchanged", label=label, data=data, target=meeting)
        meeting.entries[member_id] = entry
        action = "create" if before is None else "update"
        return Plan(row=row, action=action, label=label, data=data, target=meeting)

    def _organization(
        self, context: AttendanceImportContext, values: dict[str, Any]
    ) -> Organization:
        """The row's organization among the importer's (raises the row's error)."""
        name = str(values.get("organization", ""))
        found = context.organizations.get(name, [])
        if not name:
            raise RowError({"organization": [gettext("This field is required.")]})
        if not found:
            raise RowError(
                {
                    "organization": [
                        gettext(
                            "You record no organization's meetings under this name: choose it "
                            "from the list."
                        )
                    ]
                }
            )
        if len(found) > 1:
            raise RowError(
                {
                    "organization": [
                        gettext("Several of your organizations have this name: ask the county.")
                    ]
                }
            )
        return found[0]

    def _meeting(
        self,
        user: User,
        context: AttendanceImportContext,
        organization: Organization,
        row: int,
        values: dict[str, Any],
        errors: dict[str, list[str]],
    ) -> FileMeeting:
        """The row's meeting: the first row of a meeting checks it (the meeting's errors are
        that row's); a later row only says the same of it, or nothing."""
        key: MeetingKey = (organization.pk, values["held_on"], values["kind"])
        meeting = context.meetings.get(key)
        if meeting is not None:
            for name in MEETING_COLUMNS:
                value = values.get(name, "")
                if value != "" and value != meeting.values.get(name, ""):
                    errors.setdefault(name, []).append(
                        gettext(
                            "Not as on row %(row)d, this meeting's first row: write the same "
                            "or leave it empty."
                        )
                        % {"row": meeting.first_row}
                    )
            return meeting
        meeting = FileMeeting(
            organization=organization,
            key=key,
            first_row=row,
            values={name: values.get(name, "") for name in MEETING_COLUMNS},
        )
        context.meetings[key] = meeting
        refusal = kind_refusal(organization, key[2])
        if refusal:
            errors.setdefault("kind", []).append(refusal)
            return meeting
        recorded = context.existing.get(key, [])
        if len(recorded) > 1:
            errors.setdefault("", []).append(
                gettext(
                    "%(org)s has several meetings of this kind on this day: record this "
                    "attendance on the meeting's page."
                )
                % {"org": organization.name}
            )
            return meeting
        if recorded:
            meeting.existing = recorded[0]
            refusal = attendance_refusal(recorded[0])
            if refusal:
                errors.setdefault("held_on", []).append(refusal)
            return meeting
        data = {name: values.get(name, "") for name in ("held_on", "kind", *MEETING_COLUMNS)}
        data["mode"] = data["mode"] or MeetingMode.IN_PERSON
        form = EditMeetingForm(data, meeting=Meeting(organization=organization, created_by=user))
        if not form.is_valid():
            for name, messages in form.errors.items():
                target = "" if name == "__all__" else name
                errors.setdefault(target, []).extend(strip_tags(str(m)) for m in messages)
            return meeting
        refusal = attendance_refusal(Meeting(held_on=form.cleaned_data["held_on"]))
        if refusal:
            errors.setdefault("held_on", []).append(refusal)
            return meeting
        meeting.fields = form.action_fields()
        meeting.batch = context.new_meetings.setdefault(organization.pk, [])
        meeting.batch.append(meeting)
        return meeting

    def _member(
        self,
        context: AttendanceImportContext,
        organization: Organization,
        meeting: FileMeeting,
        row: int,
        values: dict[str, Any],
        errors: dict[str, list[str]],
    ) -> tuple[int, str] | None:
        """(id, name) of the row's member, one the organization's attendance may include and
        not already on another row of this meeting (None: the row's errors say why)."""
        number = normalize_id_number(str(values.get("id_number", "")))
        if not number:
            return None
        found = context.attendable.get(organization.pk, {}).get(number)
        if found is None:
            errors.setdefault("id_number", []).append(
                gettext(
                    "No member of %(org)s, nor one checked in with it, has this ID-card number."
                )
                % {"org": organization.name}
            )
            return None
        member_id, name = found
        typed = "".join(str(values.get("name", "")).split())
        if typed and typed != "".join(name.split()):
            errors.setdefault("name", []).append(
                gettext("The member with this ID-card number is %(name)s.") % {"name": name}
            )
        first = meeting.rows.setdefault(member_id, row)
        if first != row:
            errors.setdefault("id_number", []).append(
                gettext("The same member as row %(row)d of this meeting.") % {"row": first}
            )
        return found

    def apply(self, user: User, plan: Plan) -> None:
        """The row's meeting, recorded once: a meeting recorded already gets the attendance
        that differs (one call per meeting); new meetings are recorded with their attendance
        per organization (one call for all of them). The meeting's other rows then find it
        done."""
        meeting: FileMeeting = plan.target
        if meeting.recorded:
            return
        if meeting.existing is not None:
            do_record_attendance(actor=user, meeting=meeting.existing, entries=meeting.entries)
            meeting.recorded = True
            return
        do_record_meetings_in_bulk(
            actor=user,
            organization=meeting.organization,
            meetings=[new.planned() for new in meeting.batch],
        )
        for new in meeting.batch:
            new.recorded = True


IMPORTS = (AttendanceImport(),)
