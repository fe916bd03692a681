"""How the alerts' pages put things in words: the rule groups' titles, the severities' badges,
and an alert's figures (its `detail`, written by its rule) as short phrases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from oversight import rules
from oversight.models import AlertStatus, Severity

#: The rule groups in the order the pages show them (`oversight.rules.Rule.group`), with their
#: titles; `oversight.rules.GROUPS`, when a rule module fills it, wins.
GROUP_TITLES: dict[str, StrOrPromise] = {
    "six_months": _("Six months without organizational life, dues or work"),
    "dues": _("Party dues"),
    "standing": _("Lost contact and party standing"),
    "mobility": _("Whereabouts, check-in and contact"),
    "transfers": _("Relationship transfers"),
    "coverage": _("Party organization coverage"),
    "certificates": _("Activity certificates and certificate letters"),
    "organizations": _("Branch meetings and study hours"),
}

#: Bootstrap badge classes per severity.
SEVERITY_CSS: dict[int, str] = {
    Severity.REMINDER: "text-bg-secondary",
    Severity.WARNING: "text-bg-warning",
    Severity.SERIOUS: "text-bg-danger",
}

STATUS_CSS: dict[str, str] = {
    AlertStatus.OPEN: "text-bg-danger",
    AlertStatus.ACKNOWLEDGED: "text-bg-warning",
    AlertStatus.RESOLVED: "text-bg-success",
    AlertStatus.DISMISSED: "text-bg-secondary",
}


def group_title(group: str) -> str:
    return str(rules.GROUPS.get(group) or GROUP_TITLES.get(group, group))


def groups() -> list[str]:
    """Every group a registered rule belongs to, in the pages' order."""
    known = list(GROUP_TITLES)
    extra = sorted({r.group for r in rules.RULES.values()} - set(known))
    return known + extra


def rules_of(group: str) -> list[str]:
    return [code for code, found in rules.RULES.items() if found.group == group]


def group_of(code: str) -> str:
    found = rules.RULES.get(code)
    return found.group if found else ""


def _month(value: Any) -> str:
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return _t("%(year)s-%(month)02d") % {"year": day.year, "month": day.month}


def _day(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        return str(value)


def _amount(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}"
    except InvalidOperation:
        return str(value)


#: Each figure a rule may write in `detail`, as a phrase. A key not listed is shown as
#: "key: value" (a new rule's figure is never hidden).
DETAIL_WORDS: dict[str, Callable[[Any], str]] = {
    "months_owed": lambda v: _t("%(count)s months owed") % {"count": v},
    "amount_owed": lambda v: _t("%(amount)s yuan owed") % {"amount": _amount(v)},
    "first_owed": lambda v: _t("owed since %(month)s") % {"month": _month(v)},
    "paid_until": lambda v: _t("paid up to %(month)s") % {"month": _month(v)},
    "last_paid_on": lambda v: _t("last paid on %(day)s") % {"day": _day(v)},
    "months": lambda v: _t("%(count)s months") % {"count": v},
    "days": lambda v: _t("%(count)s days") % {"count": v},
    "since": lambda v: _t("since %(day)s") % {"day": _day(v)},
    "members": lambda v: _t("%(count)s members") % {"count": v},
}


def describe(detail: Any) -> list[str]:
    """The figures of `detail` as phrases, known keys first in DETAIL_WORDS' order."""
    if not isinstance(detail, dict):
        return []
    phrases = [
        DETAIL_WORDS[key](detail[key])
        for key in DETAIL_WORDS
        if detail.get(key) not in (None, "", [])
    ]
    phrases += [
        f"{key}: {value}"
        for key, value in detail.items()
        if key not in DETAIL_WORDS and value not in (None, "", [])
    ]
    return phrases
