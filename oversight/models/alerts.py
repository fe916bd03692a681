"""Alerts: one row per (rule, responsible organization, subject, period), opened and closed by
the nightly run in a few statements per rule, acknowledged, resolved or dismissed by people."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import F, Q, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.lookups import AnyOf
from core.models import StateMachine
from core.scoping import Action
from core.types import AnyUser
from members.models import Member, MemberGroupObjectPermission
from members.models import member as member_models
from organizations.models import Organization
from organizations.scope import user_scope


class Severity(models.IntegerChoices):
    """How urgent an alert is: a reminder, an early warning (three or five months of a
    six-month condition), or a breach to be handled."""

    REMINDER = 10, _("Reminder")
    WARNING = 20, _("Early warning")
    SERIOUS = 30, _("Serious")


class AlertStatus(models.TextChoices):
    """open → acknowledged → resolved or dismissed; the nightly run resolves an alert whose
    condition cleared and reopens a resolved one whose breach came back in its period."""

    OPEN = "open", pgettext_lazy("alert status", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


#: States in which an alert still asks for attention.
LIVE_STATUSES = frozenset({AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED})


def _permission(codename: str) -> Subquery:
    """A member permission's id as a scalar subquery: joined by its codename instead, the
    grants' row count is misestimated a hundredfold (178 for 20,000 in the province benchmark)
    and PostgreSQL looks every grant's member up one by one (0.5 s instead of 35 ms)."""
    permissions = Permission.objects.filter(codename=codename, content_type__app_label="members")
    return Subquery(permissions.order_by().values("id")[:1])


#: What an alert's line shows beside it: its organizations, its member and the member's branch.
LIST_RELATED = ("organization", "subject_org", "member__home_org")


class AlertQuerySet(models.QuerySet["Alert"]):
    def live(self) -> AlertQuerySet:
        return self.filter(status__in=LIVE_STATUSES)

    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> AlertQuerySet:
        """An alert is seen by whoever's scope holds the organization responsible for it, and
        by whoever sees its member (the home side sees the alerts the inflow side must act
        on about its members, and the committees above both). With `Action.CHANGE`: the
        changers of the responsible organization and the member's home side, who may act.

        Fast at a province (docs/architecture.md, "Scope"): the member half never lists the
        scope's members (a county's million would be a subquery PostgreSQL cannot hash within
        `work_mem`: a nested scan per alert). An alert about a member is the home branch's or
        the inflow organization's, and the inflow side works on a member only while the member
        is shared with it; so the member half is the members shared with the scope and the
        scope's members shared elsewhere, both read from the grants (the mobile members, not
        the register). A narrow scope compares both columns with literal id lists (a BitmapOr
        of two index scans); a wide one uses hashed subqueries, the member half evaluated only
        for alerts outside the scope's organizations."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self.all()
        base = Action.CHANGE if action == Action.RECORD else action
        codename = member_models.SHARED_BY_ACTION.get(action)
        grants = MemberGroupObjectPermission.objects.order_by()
        # Every share grants view: "shared elsewhere" is any view grant.
        shares = grants.filter(
            permission_id=_permission(member_models.SHARED_BY_ACTION[Action.VIEW])
        )
        org_ids = scope.organization_ids(base)
        if len(org_ids) > member_models.WIDE_SCOPE_ORGANIZATIONS:
            in_scope = Organization.objects.filter(scope.q("path", base)).order_by()
            ours = shares.filter(content_object__home_org_id__in=in_scope.values("id"))
            condition = Q(organization_id__in=in_scope.values("id")) | Q(
                member_id__in=ours.values("content_object_id")
            )
            if codename:
                shared = grants.filter(
                    permission_id=_permission(codename), group_id__in=in_scope.values("group_id")
                )
                condition |= Q(member_id__in=shared.values("content_object_id"))
            return self.filter(condition)

        def member_ids() -> list[int]:
            ours = shares.filter(AnyOf(F("content_object__home_org_id"), org_ids))
            ids = ours.values_list("content_object_id", flat=True)
            if codename:
                shared = grants.filter(
                    AnyOf(F("group_id"), scope.group_ids(base)), permission_id=_permission(codename)
                )
                ids = ids.union(shared.values_list("content_object_id", flat=True))
            return list(ids)

        return self.filter(
            Q(AnyOf(F("organization_id"), org_ids))
            | Q(AnyOf(F("member_id"), scope.memo(f"alert_member_ids:{action}", member_ids)))
        )

    def for_list(self) -> AlertQuerySet:
        """What an alert's line shows: its organizations and its member's name and branch."""
        return self.select_related(*LIST_RELATED)

    def of_rules(self, codes: list[str]) -> AlertQuerySet:
        return self.filter(AnyOf(F("rule"), codes))

    def opened_between(self, first: dt.date | None, last: dt.date | None) -> AlertQuerySet:
        """Opened on or after `first` and on or before `last` (either may be open)."""
        condition = Q()
        if first is not None:
            condition &= Q(opened_on__gte=first)
        if last is not None:
            condition &= Q(opened_on__lte=last)
        return self.filter(condition)


class Alert(StateMachine, models.Model):
    """One breach of one rule, found by the nightly run.

    The run opens it (or reopens it, when the same breach in the same period comes back after
    clearing), keeps its severity and details current while the condition holds, and resolves
    it itself when the condition clears. People acknowledge it, or resolve or dismiss it with a
    reason; a dismissed alert stays dismissed for its period. Nothing here changes a member."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        AlertStatus.OPEN: frozenset(
            {AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED, AlertStatus.DISMISSED}
        ),
        AlertStatus.ACKNOWLEDGED: frozenset({AlertStatus.RESOLVED, AlertStatus.DISMISSED}),
        AlertStatus.RESOLVED: frozenset({AlertStatus.OPEN}),
        AlertStatus.DISMISSED: frozenset(),
    }

    #: The rule's code (`oversight.rules.RULES`).
    rule = models.CharField(_("rule"), max_length=40)
    #: The organization that must act: the member's home branch, or the inflow organization
    #: where the rule is theirs, or the committee for an organization-level rule.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("responsible organization"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("member"),
    )
    #: An organization the alert is about (a branch's meeting frequency), when not a member.
    subject_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization concerned"),
    )
    #: Anything else the alert is about (an employer's name, a transfer letter's number).
    subject_key = models.CharField(_("subject"), max_length=200, blank=True, default="")
    #: Which occurrence: the start of a silence, the first month owed, a year, a letter.
    period = models.CharField(_("period"), max_length=40, blank=True, default="")
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.SERIOUS
    )
    #: The figures of the breach as of the last run (months, amount owed, since when...).
    detail = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    opened_on = models.DateField(_("found on"))
    #: The date of the run that last wrote the figures or the severity (or opened it). A live
    #: alert is one the last run found: the run writes only what changed.
    seen_on = models.DateField(_("figures updated on"))
    first_run = models.ForeignKey(
        "oversight.NightlyRun", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    seen_run = models.ForeignKey(
        "oversight.NightlyRun", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    times_reopened = models.PositiveIntegerField(_("times reopened"), default=0)
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)
    reopened_run = models.ForeignKey(
        "oversight.NightlyRun", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    #: Empty when the nightly run closed it (the condition cleared).
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    close_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # The key the nightly run upserts on (INSERT ... ON CONFLICT): a rerun never
            # duplicates. NULLS NOT DISTINCT (PostgreSQL 15+): an alert about no member is
            # still one row.
            models.UniqueConstraint(
                fields=["rule", "organization", "member", "subject_org", "subject_key", "period"],
                name="alert_breach_key",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "rule"],
                name="alert_live_idx",
                condition=Q(status__in=["open", "acknowledged"]),
            ),
            models.Index(
                fields=["member"],
                name="alert_member_live_idx",
                condition=Q(status__in=["open", "acknowledged"], member__isnull=False),
            ),
            models.Index(fields=["rule", "status"], name="alert_rule_status_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.rule} {self.member_id or self.subject_org_id or self.subject_key} {self.period}"
        )

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.organization.path}
