"""What the rule tests share: the rows a rule answers, and the alerts a run opened."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from oversight import rules as registry
from oversight.models import Alert


def today() -> dt.date:
    return timezone.localdate()


def days_ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def rows(code: str, as_of: dt.date) -> list[dict[str, Any]]:
    """The breaches rule `code` answers as of `as_of`, in a stable order."""
    found = list(registry.RULES[code].breaches(as_of))
    return sorted(found, key=lambda r: (r["b_org"], r["b_member"] or 0, r["b_key"], r["b_period"]))


def members_of(code: str, as_of: dt.date) -> set[int]:
    return {r["b_member"] for r in rows(code, as_of)}


def alerts(code: str) -> list[Alert]:
    return list(Alert.objects.filter(rule=code).order_by("organization_id", "member_id", "id"))
