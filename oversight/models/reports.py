"""The nightly report of each organization: its figures (a page), an Excel file kept privately
for `OVERSIGHT_REPORT_KEEP_DAYS`, and what changed since the previous report."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class NightlyReport(models.Model):
    """One organization's report as of a day. Rebuilt in place when the run is repeated."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="nightly_reports",
        verbose_name=_("organization"),
    )
    as_of = models.DateField(_("as of"))
    run = models.ForeignKey(
        "oversight.NightlyRun", on_delete=models.PROTECT, related_name="+", null=True
    )
    #: The figures the page and the notice show (counts per condition, alerts by age...).
    figures = models.JSONField(_("figures"), default=dict)
    #: What changed since the previous report (alerts opened and closed, per rule).
    changes = models.JSONField(_("changes"), default=dict)
    #: The Excel file under PRIVATE_MEDIA_ROOT; empty once removed after the keeping period.
    file = models.CharField(_("file"), max_length=300, blank=True)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("nightly report")
        verbose_name_plural = _("nightly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "as_of"], name="nightlyreport_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.as_of}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.organization.path}
