"""Alerts and nightly runs for the report tests (and the access table)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from members.models import Member
from organizations.models import Organization
from oversight.models import Alert, AlertStatus, NightlyReport, NightlyRun, RunTrigger, Severity
from oversight.reports.build import build_reports, private_file

DAY = dt.date(2026, 11, 30)


def alert(
    member: Member | None,
    *,
    rule: str = "dues_overdue",
    org: Organization | None = None,
    opened_on: dt.date = DAY,
    status: str = AlertStatus.OPEN,
    closed_on: dt.date | None = None,
    amount: str = "240.00",
    key: str = "",
    severity: int = Severity.WARNING,
) -> Alert:
    """An alert as the nightly run would have opened it."""
    responsible = org or (member.home_org if member else None)
    assert responsible is not None
    detail: dict[str, Any] = {"months_owed": 6, "amount_owed": amount, "first_owed": "2026-05-01"}
    return Alert.objects.create(
        rule=rule,
        organization=responsible,
        member=member,
        subject_key=key,
        period="2026-05-01",
        severity=severity,
        detail=detail,
        status=status,
        opened_on=opened_on,
        seen_on=opened_on,
        closed_on=closed_on,
    )


def nightly(as_of: dt.date = DAY) -> NightlyRun:
    """A run as of `as_of` (its rules already applied) with its reports built."""
    run = NightlyRun.objects.create(
        as_of=as_of, trigger=RunTrigger.COMMAND, started_at=timezone.now()
    )
    build_reports(run)
    return run


def stored(name: str) -> Path:
    """A report's file on disk."""
    found = private_file(name)
    assert found is not None
    return found


def report_of(org: Organization, as_of: dt.date = DAY) -> NightlyReport:
    return NightlyReport.objects.get(organization=org, as_of=as_of)


def amount(report: NightlyReport, rule: str = "dues_overdue") -> Decimal:
    return Decimal(report.figures["rules"][rule]["amount_owed"])
