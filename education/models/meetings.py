"""Meetings and the attendance at them: the record of every member's organizational life,
wherever it took place (issue 10, items 1 to 3)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from core.scoping import Action
from core.types import AnyUser
from core.validators import past_date, plan_date
from education.models.choices import (
    TAKING_PART,
    AttendanceStatus,
    MeetingKind,
    MeetingMode,
    OtherActivity,
)
from members.models import Member
from organizations.models import Organization
from organizations.scope import user_scope


class PrivateStorage(FileSystemStorage):
    """Files kept under settings.PRIVATE_MEDIA_ROOT, read at every use rather than once when
    the model is defined: a deployment's setting and a test's temporary folder both hold."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    """Attachments live outside MEDIA_ROOT: nothing serves them but the scoped view."""
    return PrivateStorage()


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> MeetingQuerySet:
        """A meeting is its organization's: those whose scope covers the organization see it
        (and the committees above, whose subtrees hold it); its changers record it."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        return self.filter(scope.q("organization__path", action))

    def held(self) -> MeetingQuerySet:
        """Not voided: a voided meeting (entered by mistake) counts for nothing."""
        return self.filter(voided_at__isnull=True)


class Meeting(models.Model):
    """One meeting or activity of an organization: 三会一课, a theme party day, an
    organizational-life meeting, a talk, or another activity. Held in person, online or both;
    at any time that suits its members (members in non-public enterprises who cannot take
    leave, members home only for holidays)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("organization"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    activity = models.CharField(
        _("kind of activity"),
        max_length=20,
        choices=OtherActivity.choices,
        blank=True,
        help_text=_("For other activities: a lecture, video study, red-tradition education..."),
    )
    held_on = models.DateField(_("date"), validators=[plan_date])
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    mode = models.CharField(
        _("held"), max_length=20, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    presenter = models.CharField(_("presided or taught by"), max_length=50, blank=True)
    recorder = models.CharField(_("recorded by (minutes)"), max_length=50, blank=True)
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    decisions = models.TextField(_("decisions"), max_length=5000, blank=True)
    study_hours = models.DecimalField(
        _("study hours"),
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
        help_text=_("Hours that count as study for those present (a party lecture: e.g. 2)."),
    )
    #: A short code members type to sign themselves in on the spot (empty: none given).
    sign_in_code = models.CharField(_("sign-in code"), max_length=8, blank=True)
    sign_in_until = models.DateTimeField(_("sign-in open until"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "kind", "held_on"], name="meeting_org_kind_idx"),
            models.Index(fields=["held_on"], name="meeting_held_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=MeetingKind.OTHER) | Q(activity=""),
                name="meeting_activity_only_other",
            ),
            models.CheckConstraint(
                condition=Q(sign_in_code="") | Q(sign_in_until__isnull=False),
                name="meeting_sign_in_code_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}: {self.topic}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.organization.path}

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == MeetingKind.OTHER and not self.activity:
            errors["activity"] = _("Say what kind of activity it was.")
        if self.mode == MeetingMode.ONLINE and not (self.online_link or self.place):
            errors["online_link"] = _(
                "An online meeting needs its link (or name the group or platform under place)."
            )
        if self.mode != MeetingMode.ONLINE and not self.place:
            errors["place"] = _("Enter where the meeting was held.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def is_in_future(self, today: dt.date) -> bool:
        return self.held_on > today


class MeetingAttachment(models.Model):
    """A file of a meeting's record (minutes scanned, a sign-in sheet, photos): stored privately,
    served only through the scoped view. Removing one hides it; the file stays."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("meeting")
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="meetings/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.meeting.organization.path}


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> AttendanceQuerySet:
        """Both sides see a member's attendance, and the committees above them: the meeting's
        organization (its scope), and whoever sees the member (the home side, and the inflow
        side the member is shared with). Nobody else."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        return self.filter(
            Q(scope.q("meeting__organization__path", action))
            | Q(member__in=Member.objects.visible_to(user, action))
        )

    def taking_part(self) -> AttendanceQuerySet:
        """Rows that count as organizational life: a status that counts, at a meeting held (not
        voided)."""
        return self.filter(status__in=TAKING_PART, meeting__voided_at__isnull=True)

    def as_of(self, day: dt.date) -> AttendanceQuerySet:
        return self.filter(meeting__held_on__lte=day)

    def last_participation(self) -> models.QuerySet[Any]:
        """(member_id, last) per member: the date of each member's last organizational life,
        one grouped query (the nightly six-month rule reads this, never a stored flag)."""
        return (
            self.taking_part().order_by().values("member_id").annotate(last=Max("meeting__held_on"))
        )


class Attendance(models.Model):
    """One member at one meeting: present, online, at another organization, on leave (with the
    reason) or absent. A meeting of the inflow organization (or a station, a temporary branch,
    a party group) records the members who took part there; the row counts for the member at
    home, and both sides see it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("member")
    )
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices)
    note = models.CharField(
        _("reason or note"),
        max_length=200,
        blank=True,
        help_text=_("The reason for leave; where the member took part instead."),
    )
    #: How the row came: entered by staff, or the member signed in with the meeting's code.
    signed_in = models.BooleanField(_("signed in by the member"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
        ]
        indexes = [
            # The member's timeline and "last participation": by member, then meeting.
            models.Index(fields=["member", "meeting"], name="attendance_member_idx"),
            # Only the rows that count, read without the table (index-only): every member's
            # last participation at province scale (docs/benchmarks.md, "Organizational life").
            models.Index(
                fields=["member", "meeting"],
                condition=Q(status__in=sorted(TAKING_PART)),
                name="attendance_life_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.meeting}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.meeting.organization.path}

    def clean(self) -> None:
        if (
            self.status in (AttendanceStatus.LEAVE, AttendanceStatus.ELSEWHERE)
            and not (self.note or "").strip()
        ):
            raise ValidationError(
                {
                    "note": _("Give the reason for the leave.")
                    if self.status == AttendanceStatus.LEAVE
                    else _("Say where the member took part.")
                }
            )

    @property
    def counts(self) -> bool:
        return self.status in TAKING_PART


class GroupMembershipQuerySet(models.QuerySet["GroupMembership"]):
    def current(self, day: dt.date | None = None) -> GroupMembershipQuerySet:
        if day is None:
            return self.filter(left_on__isnull=True)
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gte=day), joined_on__lte=day)


class GroupMembership(models.Model):
    """A member of a party group (党小组) inside their branch, or of a temporary branch
    (临时党支部) of mobile members who left together (three or more). The member's relationship
    stays with their branch; the group holds their organizational life, so while the membership
    lasts the group sees the member and records their attendance (a share, like a check-in)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="group_memberships",
        verbose_name=_("party group or temporary branch"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="group_memberships",
        verbose_name=_("member"),
    )
    joined_on = models.DateField(_("joined on"), validators=[past_date])
    left_on = models.DateField(_("left on"), validators=[past_date], null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GroupMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "member"],
                condition=Q(left_on__isnull=True),
                name="group_membership_once",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="group_membership_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.organization}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.organization.path}
