"""What the branch records for the rules: proper reasons (exemptions), assigned work, and the
handling of a member on the education and handling card (教育处理卡)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.validators import past_date, plan_date
from members.models import Member, StandingDecision
from members.models.records import MemberRecordQuerySet
from organizations.models import Organization


class Condition(models.TextChoices):
    """The three conditions of the six-month rule (party constitution, article 38: six
    consecutive months without organizational life, or without paying dues, or without doing
    assigned work, without a proper reason)."""

    LIFE = "life", _("Organizational life")
    DUES = "dues", _("Party dues")
    WORK = "work", _("Assigned work")
    ALL = "all", _("All three")


class ExemptionReason(models.TextChoices):
    ILLNESS = "illness", _("Serious illness")
    ABROAD = "abroad", _("Approved stay abroad")
    ELDERLY = "elderly", _("Old age, unable to move")
    OTHER = "other", _("Other proper reason")


class Exemption(models.Model):
    """A proper reason (正当理由) the branch records for a period: the six-month rule does not
    count the member's silence on the condition while it runs. Revoked, never deleted."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="exemptions", verbose_name=_("member")
    )
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, default=Condition.ALL
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ExemptionReason.choices)
    note = models.CharField(_("explanation"), max_length=300)
    starts_on = models.DateField(_("from"), validators=[plan_date])
    ends_on = models.DateField(_("until"), validators=[plan_date])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("proper reason")
        verbose_name_plural = _("proper reasons")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="exemption_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(
                fields=["member", "ends_on"],
                name="exemption_live_idx",
                condition=Q(revoked_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.condition} {self.starts_on} to {self.ends_on}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.member.home_org.path}


class WorkAssignment(models.Model):
    """Work the branch assigned to a member (a task, a post, a duty) and whether it was done:
    the record the third condition of the six-month rule reads."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="work_assignments", verbose_name=_("member")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    task = models.CharField(_("work assigned"), max_length=200)
    assigned_on = models.DateField(_("assigned on"), validators=[past_date])
    due_on = models.DateField(_("due by"), validators=[plan_date], null=True, blank=True)
    done_on = models.DateField(_("done on"), validators=[past_date], null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("assigned work")
        verbose_name_plural = _("assigned work")
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__gte=F("assigned_on")),
                name="work_done_after_assigned",
            ),
        ]
        indexes = [
            models.Index(
                fields=["member", "assigned_on"],
                name="work_open_idx",
                condition=Q(voided_at__isnull=True, done_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.task

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.organization.path}


class HandlingKind(models.TextChoices):
    """What the branch does about a member (the education and handling card)."""

    TALK = "talk", _("Talk (谈心谈话)")
    CRITICISM = "criticism", _("Criticism and education")
    DEADLINE = "deadline", _("Correction within a deadline")
    PERSUADE = "persuade", _("Persuasion to withdraw")
    #: The six-month rule's procedure: investigate and tell the member, the branch general
    #: meeting decides, the superior committee approves (a `StandingDecision`).
    PROCEDURE = "procedure", _("Six-month rule procedure")


class Handling(models.Model):
    """One line of the education and handling card (教育处理卡): what the branch did about a
    member, often answering an alert. Only an approved standing decision changes the member."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="handlings", verbose_name=_("member")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("handled by")
    )
    alert = models.ForeignKey(
        "oversight.Alert",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handlings",
        verbose_name=_("alert"),
    )
    kind = models.CharField(_("handling"), max_length=20, choices=HandlingKind.choices)
    handled_on = models.DateField(_("date"), validators=[past_date])
    note = models.TextField(_("what was said and agreed"), max_length=2000)
    correct_by = models.DateField(_("correct by"), validators=[plan_date], null=True, blank=True)
    #: The procedure's first step: the facts checked and the member told (调查核实, 告知本人).
    informed_on = models.DateField(
        _("member informed on"), validators=[past_date], null=True, blank=True
    )
    #: The procedure's decision, proposed to the superior committee after the branch general
    #: meeting (issue 9's decisions: the committee's approval is what changes the member).
    decision = models.ForeignKey(
        StandingDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("standing decision"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("handling")
        verbose_name_plural = _("handlings")
        indexes = [
            models.Index(fields=["member", "-handled_on"], name="oversight_handling_member_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.handled_on}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.member.home_org.path}
