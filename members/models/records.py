"""The small records kept about one member: contacts (the pairing card), finding attempts while
lost, and regular reports. Each is visible exactly as its member is."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, NamedTuple

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import Action
from core.types import AnyUser
from core.validators import past_date
from members.models.choices import ContactChannel
from members.models.member import Member


class MemberRecordQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> MemberRecordQuerySet:
        """A record about a member is visible (or recordable) exactly as the member is."""
        return self.filter(member__in=Member.objects.visible_to(user, action))

    def latest_for(self, member: Member, limit: int) -> list[Any]:
        """The member's latest `limit` entries of a log (`LogRecord`), newest first, with who
        recorded them."""
        model: Any = self.model
        return list(
            self.filter(member=member)
            .select_related(model.BY_FIELD)
            .order_by(f"-{model.DATE_FIELD}", "-id")[:limit]
        )


class MemberRecord(models.Model):
    """The small records kept about one member (contacts, finding attempts, reports): scoped
    and filed in the audit trail through their member."""

    member: Member
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.member.home_org.path}


class RecordRow(NamedTuple):
    """One line of a member's log, whatever its kind: when, how, by whom, and what."""

    date: dt.date
    channel: str
    by: Any
    text: str


class LogRecord(MemberRecord):
    """A dated line of a log kept about a member (contacts, finding attempts, reports): the
    member page and the five cards list every kind the same way (`row`)."""

    DATE_FIELD: ClassVar[str]
    BY_FIELD: ClassVar[str]
    TEXT_FIELD: ClassVar[str]

    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)

    class Meta:
        abstract = True

    @property
    def row(self) -> RecordRow:
        return RecordRow(
            getattr(self, self.DATE_FIELD),
            str(self.get_channel_display()),
            getattr(self, self.BY_FIELD),
            getattr(self, self.TEXT_FIELD),
        )


class ContactRecord(LogRecord):
    """One contact with a member: a line of the pairing card (结对联心卡).

    Recorded by the home branch's contact person or by the inflow organization the member is
    shared with; the list shows how long ago the member was last reached.
    """

    DATE_FIELD = "contacted_on"
    BY_FIELD = "recorded_by"
    TEXT_FIELD = "summary"

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("member")
    )
    contacted_on = models.DateField(_("date of contact"), validators=[past_date])
    summary = models.CharField(_("summary"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        indexes = [models.Index(fields=["member", "-contacted_on"], name="contact_member_date_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.contacted_on}"


class FindingAttempt(LogRecord):
    """One attempt to find a member whose whereabouts are unknown (双找: the organization looks
    for the member). An attempt that finds them closes the lost-contact state."""

    DATE_FIELD = "attempted_on"
    BY_FIELD = "recorded_by"
    TEXT_FIELD = "result"

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="finding_attempts", verbose_name=_("member")
    )
    attempted_on = models.DateField(_("date of attempt"), validators=[past_date])
    result = models.CharField(_("result"), max_length=500)
    found = models.BooleanField(_("found"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("finding attempt")
        verbose_name_plural = _("finding attempts")
        indexes = [models.Index(fields=["member", "-attempted_on"], name="finding_member_date_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.attempted_on}"


class RegularReport(LogRecord):
    """A mobile member's regular report to the home branch (定期汇报): when, how, what about,
    and who received it. Members away report at least quarterly unless the branch says
    otherwise (`Member.report_every_months`)."""

    DATE_FIELD = "reported_on"
    BY_FIELD = "received_by"
    TEXT_FIELD = "summary"

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="reports", verbose_name=_("member")
    )
    reported_on = models.DateField(_("date of report"), validators=[past_date])
    summary = models.CharField(_("content"), max_length=1000)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        verbose_name = _("regular report")
        verbose_name_plural = _("regular reports")
        indexes = [models.Index(fields=["member", "-reported_on"], name="report_member_date_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.reported_on}"
