"""Rules on party dues: dues overdue N months (a setting, 3 by default), with the amount owed.

The six-month condition on dues (six consecutive months unpaid) is one of the six-month rule's
three conditions, in `six_months.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import CharField, F, QuerySet
from django.utils.translation import gettext_lazy as _

from members.models import GOOD_STANDINGS, Member
from members.models.dues_state import (
    DUE_MONTHS_SQL,
    OWED_SQL,
    MemberSQL,
    dues_params,
    positional,
)
from oversight.models import Severity
from oversight.rules import FromDetail, breaches, rule

#: The member's first month owed as 'YYYY-MM-DD' (the text `with_dues`' JSON holds), NULL when
#: nothing is owed: the due months and "owed" of `members.models.dues_state`, the one definition.
FIRST_OWED_SQL = (
    "SELECT to_char(min(d.month), 'YYYY-MM-DD') FROM ("  # noqa: S608
    + DUE_MONTHS_SQL
    + ") d WHERE "
    + OWED_SQL
)


def first_owed(as_of: dt.date) -> MemberSQL:
    """The member's first month owed as of `as_of`, as text (the alert's period)."""

    def build(member: str, alias: str) -> tuple[str, list[Any]]:
        return positional(FIRST_OWED_SQL.format(member=member, alias=alias), dues_params(as_of))

    return MemberSQL(build, CharField())


def dues_population() -> Any:
    """Members the dues rules look at: on the register, in good standing."""
    return Member.objects.active().filter(standing__in=GOOD_STANDINGS)


@rule(
    "dues_overdue",
    title=_("Dues overdue"),
    description=_(
        "Dues unpaid for OVERSIGHT_DUES_OVERDUE_MONTHS months or more (3 by default), with the "
        "amount owed. The home branch collects them."
    ),
    group="dues",
)
def dues_overdue(as_of: dt.date) -> QuerySet[Any]:
    months = settings.OVERSIGHT_DUES_OVERDUE_MONTHS
    members = dues_population().in_dues_arrears(as_of, months).with_dues(as_of).order_by()
    return breaches(
        members,
        organization=F("home_org_id"),
        member=F("pk"),
        # One occurrence per first month owed: paying clears it, a voided payment reopens it.
        # Not read from `dues_json`: a correlated subquery is computed again wherever the query
        # names it, and the JSON (every due month probed three times, the amounts, the last
        # payment) is the dearest part of the rule; the first month owed alone is one probe
        # per due month, like `in_dues_arrears` (docs/benchmarks.md, "Oversight rules").
        # The engine reads it from the stored details (`FromDetail`): the JSON once per member.
        period=FromDetail(first_owed(as_of), "{detail} ->> 'first_owed'", CharField()),
        severity=Severity.WARNING,
        detail=F("dues_json"),
    )
