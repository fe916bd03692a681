"""Rules on party standing: the register's lists of issue 9 as nightly rules, read through the
very queries the lists use (`members.lists.queries`, with `Reach.everywhere()`), so that a list
and its alerts cannot disagree.

- `suspension_due`: lost contact six months or more (SUSPENSION_DUE_LOST_MONTHS) after at
  least one recorded attempt to find the member, still in normal standing: the branch should
  decide on suspending the membership (停止党籍; the 2014 opinions on members who lost contact).
- `strike_off_due`: membership suspended two years or more (STRIKE_OFF_DUE_SUSPENDED_MONTHS):
  to be struck off (除名) as having left the party.

The home branch decides (and its committee approves): it is responsible for both. The period
is the day the condition began (lost since, suspended since): found and lost again is a new
alert. Nothing here changes a member: only an approved standing decision does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Concat, JSONObject
from django.utils.translation import gettext_lazy as _

from members.lists import queries as lists
from oversight.models import Severity
from oversight.rules import breaches, rule
from oversight.rules.six_months import IsoDate


@rule(
    "suspension_due",
    title=_("Suspension of membership due"),
    description=_(
        "Lost contact for SUSPENSION_DUE_LOST_MONTHS months or more (six) after an attempt to "
        "find the member: the branch should decide on suspending the membership (the 2014 "
        "opinions on members who lost contact)."
    ),
    group="standing",
)
def suspension_due(as_of: dt.date) -> QuerySet[Any]:
    members = lists.suspension_due(lists.Reach.everywhere(), lists.Thresholds(today=as_of))
    return breaches(
        members.order_by(),
        organization=F("home_org_id"),
        member=F("pk"),
        period=Concat(Value("lost:"), IsoDate(F("lost_contact_since")), output_field=CharField()),
        severity=Severity.SERIOUS,
        detail=JSONObject(
            since=F("lost_contact_since"),
            days_from=F("lost_contact_since"),
            last_attempt_on=F("last_attempt_on"),
            decision_pending=F("decision_pending"),
        ),
    )


@rule(
    "strike_off_due",
    title=_("Striking off due"),
    description=_(
        "Membership suspended for STRIKE_OFF_DUE_SUSPENDED_MONTHS months or more (two years): "
        "the member is to be struck off as having left the party (the 2014 opinions on members "
        "who lost contact)."
    ),
    group="standing",
)
def strike_off_due(as_of: dt.date) -> QuerySet[Any]:
    members = lists.strike_off_due(lists.Reach.everywhere(), lists.Thresholds(today=as_of))
    return breaches(
        members.order_by(),
        organization=F("home_org_id"),
        member=F("pk"),
        period=Concat(Value("suspended:"), IsoDate(F("standing_since")), output_field=CharField()),
        severity=Severity.SERIOUS,
        detail=JSONObject(
            since=F("standing_since"),
            days_from=F("standing_since"),
            decision_pending=F("decision_pending"),
        ),
    )
