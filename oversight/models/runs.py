"""The run log: each nightly run of the rules, and what each rule opened, kept and closed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    #: Some rules (or reports) failed; the others finished.
    PARTIAL = "partial", _("Finished with errors")
    FAILED = "failed", _("Failed")
    #: A worker died mid-run; the next run for the date found it and marked it.
    INTERRUPTED = "interrupted", _("Interrupted")


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Nightly schedule")
    BUTTON = "button", _("Run by hand")
    COMMAND = "command", _("Management command")


class NightlyRun(models.Model):
    """One run of the rules (and then the reports) as of a day. Two runs for the same day never
    overlap (a PostgreSQL advisory lock, `oversight.engine.run_lock`)."""

    as_of = models.DateField(_("as of"))
    trigger = models.CharField(_("started by"), max_length=20, choices=RunTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: Totals over the rules (the per-rule counts are `RuleRun` rows).
    opened = models.PositiveIntegerField(_("opened"), default=0)
    still_open = models.PositiveIntegerField(_("still open"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    reports = models.PositiveIntegerField(_("reports"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("nightly run")
        verbose_name_plural = _("nightly runs")
        indexes = [models.Index(fields=["-started_at"], name="nightlyrun_started_idx")]

    def __str__(self) -> str:
        return f"{self.as_of} {self.status}"

    @property
    def duration(self) -> dt.timedelta | None:
        return None if self.finished_at is None else self.finished_at - self.started_at


class RuleRun(models.Model):
    """What one rule did in one run: alerts opened (new or reopened), still open, closed, how
    long it took, and its error if it failed (the other rules still ran)."""

    run = models.ForeignKey(NightlyRun, on_delete=models.CASCADE, related_name="rule_runs")
    rule = models.CharField(_("rule"), max_length=40)
    opened = models.PositiveIntegerField(_("opened"), default=0)
    reopened = models.PositiveIntegerField(_("reopened"), default=0)
    still_open = models.PositiveIntegerField(_("still open"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    milliseconds = models.PositiveIntegerField(_("milliseconds"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("rule run")
        verbose_name_plural = _("rule runs")
        constraints = [
            models.UniqueConstraint(fields=["run", "rule"], name="rulerun_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: +{self.opened} ={self.still_open} -{self.closed}"
