"""Alerts for the alerts pages' tests, made directly (the engine's own tests make them by
running the rules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from oversight.models import Alert, AlertStatus, Severity


def make_alert(
    *,
    organization: Any,
    member: Any = None,
    rule: str = "dues_overdue",
    days_ago: int = 3,
    status: str = AlertStatus.OPEN,
    severity: int = Severity.WARNING,
    subject_org: Any = None,
    subject_key: str = "",
    detail: dict[str, Any] | None = None,
    period: str = "2026-05-01",
    **fields: Any,
) -> Alert:
    today = timezone.localdate()
    opened = today - dt.timedelta(days=days_ago)
    return Alert.objects.create(
        rule=rule,
        organization=organization,
        member=member,
        subject_org=subject_org,
        subject_key=subject_key,
        period=period,
        severity=severity,
        detail=detail
        if detail is not None
        else {"months_owed": 6, "amount_owed": "240.00", "first_owed": "2026-05-01"},
        status=status,
        opened_on=opened,
        seen_on=today,
        **fields,
    )


def world_alerts(tree: Any, members: Any) -> dict[str, Alert]:
    """One alert per place: a1's (its branch), b1's (40 days old), the inflow member's at
    station B-S (held by A2: the home side sees it) and A2's about the same member (the station
    sees it), a township's about a branch (no member,
    100 days old) and a dismissed one at the county's own branch."""
    return {
        "a1": make_alert(organization=tree.a1, member=members["a1"]),
        "b1": make_alert(organization=tree.b1, member=members["b1"], days_ago=40),
        "shared": make_alert(
            organization=tree.bs,
            member=members["shared"],
            rule="not_checked_in",
            severity=Severity.SERIOUS,
            detail={"days": 45},
            days_ago=10,
        ),
        # The home branch's alert about the member shared with station B-S: the inflow side
        # sees it too.
        "a2_shared": make_alert(
            organization=tree.a2,
            member=members["shared"],
            rule="contact_overdue",
            severity=Severity.REMINDER,
            detail={"days": 200},
            days_ago=20,
        ),
        "town_a": make_alert(
            organization=tree.town_a,
            subject_org=tree.a1,
            rule="meeting_frequency",
            severity=Severity.REMINDER,
            detail={},
            days_ago=100,
            period="2026",
        ),
        "dismissed": make_alert(
            organization=tree.county_branch,
            member=members["county_branch"],
            status=AlertStatus.DISMISSED,
        ),
    }
