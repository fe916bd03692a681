"""The democratic evaluation of members (民主评议党员): one grade per member and year, the inflow
organization's opinion of a mobile member, and the handling of a member graded 不合格 (issue 10,
item 5).

- `Evaluation`: the member's year: self-assessment (自我评价), the summary of the mutual
  assessment (互评意见), the branch's vote (votes per grade, and/or the meeting that voted), the
  grade, who graded and when, the branch at the time, and the activity certificate's yearly
  check of that year where the member holds one (the regulations check the certificate "once a
  year together with the democratic evaluation": the grading action records the check, or links
  the one already recorded; `education.evaluation.actions.do_grade_member`).
- `InflowOpinion`: what the inflow organization a mobile member is checked in with says of them
  for a year (the opinion and a suggested grade); the home branch sees it before grading.
- `HandlingNote`: the handling of a 不合格 grade, a line of the education and handling card
  (教育处理卡): criticism and education, correction within a deadline, or persuasion to
  withdraw (the latter also a standing decision proposed to the committee above).

Each is visible exactly as its member is (the inflow organization also sees its own opinions).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.validators import past_date, plan_date
from education.models.meetings import Meeting
from members.models import CertificateCheck, Member, MemberRecordQuerySet, StandingDecision
from organizations.models import Organization

#: The years an evaluation may be for (a later year is refused: it has not happened yet).
FIRST_YEAR = 2000


class Grade(models.TextChoices):
    """The four grades of the democratic evaluation; 优秀 is capped per branch and year
    (settings EVALUATION_EXCELLENT_NUMERATOR / _DENOMINATOR)."""

    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


class HandlingKind(models.TextChoices):
    """How a member graded 不合格 is handled (the party's rules on unqualified members:
    education, a deadline to correct, or persuasion to withdraw)."""

    CRITICISM = "criticism", _("Criticism and education")
    CORRECT = "correct", _("Correction within a deadline")
    PERSUADE = "persuade", _("Persuasion to withdraw")


class Evaluation(ChecksInOneQuery):
    """One member's democratic evaluation for one year, and its grade (given once)."""

    #: What the grader fills in (the action's keyword arguments beside member and year).
    VOTE_FIELDS = ("votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified")

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("member")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(FIRST_YEAR)])
    branch = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("branch"),
        help_text=_("The member's branch when graded: its count of “Excellent” is capped."),
    )
    self_assessment = models.TextField(_("self-assessment"), max_length=2000, blank=True)
    mutual_assessment = models.TextField(
        _("mutual assessment"),
        max_length=2000,
        blank=True,
        help_text=_("A summary of what the other members said."),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("meeting that voted"),
    )
    votes_excellent = models.PositiveSmallIntegerField(
        _("votes for excellent"), null=True, blank=True
    )
    votes_qualified = models.PositiveSmallIntegerField(
        _("votes for qualified"), null=True, blank=True
    )
    votes_basic = models.PositiveSmallIntegerField(
        _("votes for basically qualified"), null=True, blank=True
    )
    votes_unqualified = models.PositiveSmallIntegerField(
        _("votes for unqualified"), null=True, blank=True
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    graded_on = models.DateField(_("graded on"), validators=[past_date])
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("graded by"),
    )
    certificate_check = models.OneToOneField(
        CertificateCheck,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation",
        verbose_name=_("yearly check of the activity certificate"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("democratic evaluation")
        verbose_name_plural = _("democratic evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="evaluation_once_a_year",
                violation_error_message=_("This member was already graded for that year."),
            ),
            models.CheckConstraint(
                condition=Q(grade__in=Grade.values), name="evaluation_grade_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    votes_excellent__isnull=True,
                    votes_qualified__isnull=True,
                    votes_basic__isnull=True,
                    votes_unqualified__isnull=True,
                )
                | Q(
                    votes_excellent__isnull=False,
                    votes_qualified__isnull=False,
                    votes_basic__isnull=False,
                    votes_unqualified__isnull=False,
                ),
                name="evaluation_votes_all_or_none",
                violation_error_message=_("Enter the votes for every grade, or none."),
            ),
        ]
        indexes = [
            # The cap: 优秀 per branch and year.
            models.Index(fields=["branch", "year", "grade"], name="evaluation_branch_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year} {self.get_grade_display()}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.branch.path}

    @property
    def has_votes(self) -> bool:
        return self.votes_excellent is not None


class InflowOpinion(ChecksInOneQuery):
    """The inflow organization's opinion of a mobile member checked in with it, for one year's
    democratic evaluation at home. Recorded again by the same organization before the grade,
    it is replaced (the audit trail keeps the earlier text)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="inflow_opinions", verbose_name=_("member")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(FIRST_YEAR)])
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inflow organization"),
    )
    opinion = models.TextField(
        _("opinion"),
        max_length=1000,
        help_text=_("Organizational life, dues, work and conduct while with the organization."),
    )
    suggested_grade = models.CharField(_("suggested grade"), max_length=20, choices=Grade.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("inflow organization's opinion")
        verbose_name_plural = _("inflow organizations' opinions")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "organization"], name="inflow_opinion_once"
            ),
            models.CheckConstraint(
                condition=Q(suggested_grade__in=Grade.values), name="inflow_opinion_grade_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year} · {self.organization}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.organization.path}


class HandlingNote(ChecksInOneQuery):
    """The handling of a member graded 不合格: a line of the education and handling card."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="handling_notes", verbose_name=_("member")
    )
    evaluation = models.OneToOneField(
        Evaluation,
        on_delete=models.PROTECT,
        related_name="handling",
        verbose_name=_("democratic evaluation"),
    )
    kind = models.CharField(_("handling"), max_length=20, choices=HandlingKind.choices)
    measures = models.TextField(
        _("measures"),
        max_length=1000,
        help_text=_("The criticism and education given, and what the member must correct."),
    )
    handled_on = models.DateField(_("date of handling"), validators=[past_date])
    correct_by = models.DateField(_("correct by"), validators=[plan_date], null=True, blank=True)
    decision = models.ForeignKey(
        StandingDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("standing decision proposed"),
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
        verbose_name = _("handling note")
        verbose_name_plural = _("handling notes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=HandlingKind.CORRECT) | Q(correct_by__isnull=False),
                name="handling_note_deadline",
                violation_error_message=_("A correction within a deadline needs the deadline."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=HandlingKind.PERSUADE) | Q(decision__isnull=False),
                name="handling_note_persuade_decision",
            ),
        ]
        indexes = [models.Index(fields=["member", "-handled_on"], name="handling_member_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.member.home_org.path}
