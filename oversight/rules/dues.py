"""Rules on party dues: dues overdue N months (a setting, 3 by default), with the amount owed.

The six-month condition on dues (six consecutive months unpaid) is one of the six-month rule's
three conditions, in `six_months.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet
from django.db.models.fields.json import KT
from django.utils.translation import gettext_lazy as _

from members.models import GOOD_STANDINGS, Member
from oversight.models import Severity
from oversight.rules import breaches, rule


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
        period=KT("dues_json__first_owed"),
        severity=Severity.WARNING,
        detail=F("dues_json"),
    )
