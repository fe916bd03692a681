"""Recording meetings, correcting and voiding them, and their files (issue 10, item 1).
Attendance is `education.attendance.actions`."""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, save_valid
from core.scoping import Action
from core.types import AnyUser
from education.models import Meeting, MeetingAttachment, MeetingKind
from organizations.models import (
    BRANCH_KINDS,
    COMMITTEE_KINDS,
    Organization,
    OrgKind,
)
from organizations.scope import require_change, user_scope

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


def kinds_of(org_kind: str) -> frozenset[str]:
    """The kinds of meeting an organization of kind `org_kind` holds (empty: none)."""
    if org_kind == OrgKind.PARTY_GROUP:
        return _GROUP_KINDS
    if org_kind in COMMITTEE_KINDS:
        return _COMMITTEE_KINDS
    if org_kind in BRANCH_KINDS or org_kind == OrgKind.TEMPORARY_BRANCH:
        return _BRANCH_KINDS
    return frozenset()


def kinds_for(organization: Organization) -> frozenset[str]:
    """The kinds of meeting `organization` holds (empty: none)."""
    return kinds_of(organization.kind)


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


def holding_kinds() -> frozenset[str]:
    """The kinds of organization that hold at least one kind of meeting (a picker's filter)."""
    return frozenset(kind for kind in OrgKind.values if kinds_of(kind))


def may_change(user: AnyUser, meeting: Meeting) -> bool:
    """Whether `user` may edit, void, and add or remove files of `meeting`: a change role over
    its organization. The pages (buttons, 403s) and the actions ask this one rule."""
    return user_scope(user).covers(meeting.organization.path, Action.CHANGE)


def change_refusal(meeting: Meeting) -> str | None:
    """Why `meeting` cannot be changed any more (None: it can): a voided meeting is kept as it
    was voided, the record of a mistake."""
    if meeting.is_voided:
        return _("This meeting was voided: it can no longer be changed.")
    return None


def _locked(meeting: Meeting, actor: User) -> Meeting:
    """`meeting` locked for this transaction, after the change checks (raises the refusal)."""
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=meeting.pk)
    )
    require_change(actor, locked.organization)
    refusal = change_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    return locked


@action
def do_update_meeting(*, actor: User, meeting: Meeting, **fields: Any) -> Meeting:
    """Correct what was recorded of `meeting` (not its organization). The kind stays one the
    organization holds; the date moves to the future only while no attendance is recorded
    (attendance is for a meeting that took place)."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"do_update_meeting() got unexpected fields: {sorted(unknown)}")
    meeting = _locked(meeting, actor)
    kind = fields.get("kind", meeting.kind)
    refusal = kind_refusal(meeting.organization, kind)
    if refusal:
        raise ValidationError({"kind": refusal})
    held_on = fields.get("held_on", meeting.held_on)
    if (
        held_on != meeting.held_on
        and held_on > timezone.localdate()
        and meeting.attendance.exists()
    ):
        raise ValidationError(
            {
                "held_on": _(
                    "Attendance is already recorded for this meeting: it cannot move to a "
                    "date in the future."
                )
            }
        )
    for name, value in fields.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    if meeting.study_hours is None:
        meeting.study_hours = 0
    return save_valid(meeting)


@action
def do_void_meeting(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Void a meeting entered by mistake: it stays on record, marked with the reason, takes no
    attendance and counts for nothing (`Meeting.objects.held()`, `Attendance.taking_part`)."""
    meeting = _locked(meeting, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"void_reason": _("Say why the meeting is voided.")})
    meeting.voided_at = timezone.now()
    meeting.void_reason = reason
    return save_valid(meeting, update_fields=["voided_at", "void_reason", "updated_at"])


#: The files a meeting's record may hold: extension → (content type, how the file begins).
#: Word and Excel files are ZIP archives; which one is told by the part inside (`_ZIP_PART`).
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}
_ZIP_PART = {"docx": "word/", "xlsx": "xl/"}
#: Characters never kept in a file's shown name: controls (NUL, newlines, escapes) and format
#: characters (a right-to-left override makes "exe.pdf" read as "fdp.exe").
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
NAME_MAX_LENGTH = 200


def clean_file_name(name: str) -> str:
    """The name a person gave their file, safe to show and to offer back on download: without
    the folders some browsers send, control and format characters, or NUL; at most
    NAME_MAX_LENGTH characters, the extension kept."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in _UNSAFE_CATEGORIES)
    base = base.strip().strip(".").strip()
    if len(base) > NAME_MAX_LENGTH:
        stem, dot, ext = base.rpartition(".")
        keep = NAME_MAX_LENGTH - len(ext) - 1
        base = f"{stem[:keep]}.{ext}" if dot and 0 < len(ext) < 10 else base[:NAME_MAX_LENGTH]
    return base


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _is_office_file(upload: UploadedFile, part: str) -> bool:
    """A Word or Excel file is a ZIP archive holding its `part` folder: read the archive's
    directory only (nothing is extracted)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(n.startswith(part) for n in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)


def file_refusal(upload: UploadedFile) -> str | None:
    """Why `upload` cannot be attached (None: it can): too big, empty, or not a PDF, JPEG, PNG,
    Word (.docx) or Excel (.xlsx) file, told by its name AND its first bytes (a renamed
    program is refused)."""
    size = upload.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        return _("The file is too big: at most %(max)s MB.") % {
            "max": f"{settings.ATTACHMENT_MAX_BYTES / (1024 * 1024):g}"
        }
    if size == 0:
        return _("The file is empty.")
    ext = _extension(clean_file_name(upload.name or ""))
    allowed = _("Attach a PDF, JPG, PNG, Word (.docx) or Excel (.xlsx) file.")
    if ext not in ATTACHMENT_TYPES:
        return allowed
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    _type, magic = ATTACHMENT_TYPES[ext]
    if not head.startswith(magic) or (
        ext in _ZIP_PART and not _is_office_file(upload, _ZIP_PART[ext])
    ):
        return _("This file is not what its name says (%(ext)s): %(allowed)s") % {
            "ext": ext,
            "allowed": allowed,
        }
    return None


@action
def do_attach_meeting_file(
    *, actor: User, meeting: Meeting, upload: UploadedFile
) -> MeetingAttachment:
    """Keep a file of `meeting`'s record (scanned minutes, a sign-in sheet, photos) in private
    storage under a generated name; the name the person gave it is kept to show."""
    meeting = _locked(meeting, actor)
    refusal = file_refusal(upload)
    if refusal:
        raise ValidationError({"file": refusal})
    name = clean_file_name(upload.name or "")
    ext = _extension(name)
    attachment = MeetingAttachment(
        meeting=meeting,
        name=name,
        size=upload.size or 0,
        content_type=ATTACHMENT_TYPES[ext][0],
        uploaded_by=actor,
    )
    attachment.file.save(f"{uuid.uuid4().hex}.{ext}", upload, save=False)
    try:
        return save_valid(attachment)
    except Exception:
        # Nothing refers to the file just written: take it away again.
        attachment.file.storage.delete(attachment.file.name)
        raise


@action
def do_remove_meeting_attachment(
    *, actor: User, attachment: MeetingAttachment
) -> MeetingAttachment:
    """Hide a file from the meeting's record (put there by mistake): the row and the file stay,
    for the audit trail. A voided meeting's files may be hidden too."""
    attachment = (
        MeetingAttachment.objects.select_for_update(of=("self",))
        .select_related("meeting__organization")
        .get(pk=attachment.pk)
    )
    require_change(actor, attachment.meeting.organization)
    if attachment.removed_at is not None:
        raise ValidationError(_("This file was removed already."))
    attachment.removed_at = timezone.now()
    return save_valid(attachment, update_fields=["removed_at"])
