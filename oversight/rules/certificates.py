"""Rules on the certificates members away carry (the 2006 rules on the mobile party member
activity certificate; the party member certificate letter): the activity certificate's yearly
check (年审) not done this year, and a certificate letter past its validity still in force.

Both read the certificates' own querysets (`Certificate.objects.unchecked`, `lapsed_letter`):
what the certificate pages list is what the rules flag. The issuing branch (the home side) is
responsible."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Cast, JSONObject
from django.utils.translation import gettext_lazy as _

from members.models import Certificate, CheckResult
from members.models.certificates import lapsed_letter
from oversight.models import Severity
from oversight.rules import breaches, rule

#: From this month the yearly check is late rather than pending: the democratic evaluation it
#: goes with is held at the end of the year.
LATE_FROM_MONTH = 12


@rule(
    "certificate_unchecked",
    title=_("Activity certificate not checked this year"),
    description=_(
        "A valid activity certificate a year old or more whose yearly check (年审, with the "
        "democratic evaluation) has not passed this year (the 2006 rules on the activity "
        "certificate). A reminder through November, an early warning in December or after a "
        "failed check. The issuing branch checks it."
    ),
    group="certificates",
)
def certificate_unchecked(as_of: dt.date) -> QuerySet[Any]:
    rows = Certificate.objects.unchecked(as_of).filter(member__archived_at__isnull=True)
    late = as_of.month >= LATE_FROM_MONTH
    return breaches(
        rows.order_by(),
        organization=F("issuing_org_id"),
        member=F("member_id"),
        key=F("number"),
        # One occurrence per certificate and year.
        period=Value(str(as_of.year)),
        severity=Case(
            When(check_result=CheckResult.FAILED, then=Value(int(Severity.WARNING))),
            default=Value(int(Severity.WARNING if late else Severity.REMINDER)),
        ),
        detail=JSONObject(
            name=F("member__name"),
            number=F("number"),
            issued_on=F("issued_on"),
            year=Value(as_of.year),
            check_result=F("check_result"),
            last_passed_year=F("last_passed_year"),
        ),
    )


@rule(
    "certificate_letter_expired",
    title=_("Certificate letter expired"),
    description=_(
        "A party member certificate letter past its validity and still in force (not handed "
        "back, revoked or replaced): the member should be back, or hold an activity "
        "certificate or a new letter. The issuing branch ends or replaces it."
    ),
    group="certificates",
)
def certificate_letter_expired(as_of: dt.date) -> QuerySet[Any]:
    rows = Certificate.objects.filter(lapsed_letter(as_of), member__archived_at__isnull=True)
    return breaches(
        rows.order_by(),
        organization=F("issuing_org_id"),
        member=F("member_id"),
        key=F("number"),
        # One occurrence per letter.
        period=Cast(F("pk"), CharField()),
        severity=Severity.WARNING,
        detail=JSONObject(
            name=F("member__name"),
            number=F("number"),
            issued_on=F("issued_on"),
            valid_until=F("valid_until"),
            days_expired_from=F("valid_until"),
        ),
    )
