"""The oversight app's models: alerts, the run log, what the branch records for the rules and
the nightly reports."""

from oversight.models.alerts import LIVE_STATUSES, Alert, AlertQuerySet, AlertStatus, Severity
from oversight.models.records import (
    Condition,
    Exemption,
    ExemptionReason,
    Handling,
    HandlingKind,
    WorkAssignment,
)
from oversight.models.reports import NightlyReport
from oversight.models.runs import NightlyRun, RuleRun, RunStatus, RunTrigger

__all__ = [
    "LIVE_STATUSES",
    "Alert",
    "AlertQuerySet",
    "AlertStatus",
    "Condition",
    "Exemption",
    "ExemptionReason",
    "Handling",
    "HandlingKind",
    "NightlyReport",
    "NightlyRun",
    "RuleRun",
    "RunStatus",
    "RunTrigger",
    "Severity",
    "WorkAssignment",
]
