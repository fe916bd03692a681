"""Decisions on a member's party standing (停止党籍, 恢复党籍, 除名, 劝退, 开除党籍, death).

The standing field of the register is never edited by hand: the home branch proposes a decision
(kind, grounds, the branch general meeting's date and resolution where the rules require one,
the documents), the superior committee approves or rejects it, and only the approval changes the
member (`members.standing.actions`). Each decision is a line of the education and handling card
(教育处理卡). A decision is visible exactly as its member is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.models import StateMachine
from core.validators import past_date
from members.models.choices import (
    DECISION_FROM,
    DECISION_STANDING,
    MEETING_REQUIRED,
    DecisionKind,
    DecisionStatus,
)
from members.models.member import Member
from members.models.records import MemberRecord, MemberRecordQuerySet
from organizations.models import Organization


class StandingDecisionQuerySet(MemberRecordQuerySet):
    def pending(self) -> StandingDecisionQuerySet:
        return self.filter(status=DecisionStatus.PROPOSED)

    def approved(self) -> StandingDecisionQuerySet:
        return self.filter(status=DecisionStatus.APPROVED)


class StandingDecision(StateMachine, ChecksInOneQuery, MemberRecord):
    """One decision on a member's party standing, from proposal to the committee's answer."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        DecisionStatus.PROPOSED: frozenset(
            {DecisionStatus.APPROVED, DecisionStatus.REJECTED, DecisionStatus.WITHDRAWN}
        ),
        DecisionStatus.APPROVED: frozenset(),
        DecisionStatus.REJECTED: frozenset(),
        DecisionStatus.WITHDRAWN: frozenset(),
    }
    #: Fields the branch fills when it proposes the decision.
    PROPOSAL_FIELDS = ("kind", "grounds", "meeting_on", "resolution", "documents")

    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="standing_decisions",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("decision"), max_length=20, choices=DecisionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DecisionStatus.choices,
        default=DecisionStatus.PROPOSED,
    )
    grounds = models.TextField(
        _("grounds"),
        max_length=2000,
        help_text=_("The facts and the rule the decision rests on."),
    )
    meeting_on = models.DateField(
        _("date of the branch general meeting"),
        validators=[past_date],
        null=True,
        blank=True,
        help_text=_("The branch general meeting that discussed and resolved it."),
    )
    resolution = models.TextField(
        _("the meeting's resolution"),
        max_length=2000,
        blank=True,
        help_text=_("What the branch general meeting resolved, and the vote."),
    )
    documents = models.CharField(
        _("documents"),
        max_length=500,
        blank=True,
        help_text=_("File numbers and titles of the papers kept on file (请示, 决议, 批复)."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    #: The committee that answers: the nearest committee above the member's branch.
    committee = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approving committee"),
    )
    decided_on = models.DateField(
        _("date of approval"), validators=[past_date], null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answer = models.CharField(
        _("the committee's answer"),
        max_length=500,
        blank=True,
        help_text=_("The approval's file number, or why it was not approved."),
    )

    objects: ClassVar[Any] = StandingDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("standing decision")
        verbose_name_plural = _("standing decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status=DecisionStatus.PROPOSED),
                name="decision_one_pending_per_member",
            ),
            models.CheckConstraint(
                condition=Q(status=DecisionStatus.PROPOSED)
                | Q(status=DecisionStatus.WITHDRAWN)
                | Q(decided_on__isnull=False, decided_by__isnull=False),
                name="decision_answered_has_date",
            ),
        ]
        indexes = [models.Index(fields=["member", "-created_at"], name="decision_member_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()}"

    @property
    def standing_after(self) -> str:
        return DECISION_STANDING[self.kind]

    @property
    def needs_meeting(self) -> bool:
        return self.kind in MEETING_REQUIRED

    @property
    def allowed_from(self) -> frozenset[str]:
        return DECISION_FROM[self.kind]

    @property
    def effective_on(self) -> dt.date | None:
        """The date the standing changed (the approval's date), for approved decisions."""
        return self.decided_on if self.status == DecisionStatus.APPROVED else None
