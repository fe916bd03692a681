"""Rules on members away (流动党员): the secretary's lists become rules (not checked in, contact
overdue, report overdue: exactly `members.lists.queries.conditions`), and the two kinds of
member nobody manages, two-nobody members (两不管) and nominal members (挂名党员).

Every rule is one query over the lists' own querysets (`current_episodes`, `with_records`,
`conditions` with `Reach.everywhere()`), or over the register with the shared readings of
organizational life (`education.life.without_life`) and dues (`in_dues_arrears`): nothing is
written twice. The home branch is responsible for each: the inflow side sees the alerts through
the member shared with it (`AlertQuerySet.visible_to`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, JSONObject
from django.utils.translation import gettext_lazy as _

from core.months import months_before
from education.life import last_life_subquery, without_life
from members.lists.queries import (
    Reach,
    Thresholds,
    conditions,
    current_episodes,
    with_records,
)
from members.models import GOOD_STANDINGS, ContactRecord, DuesPayment, Member, RegularReport
from members.models.dues_state import MemberSQL, in_arrears_sql
from members.models.member import MemberQuerySet
from oversight.models import Severity
from oversight.rules import breaches, rule


def _text(expression: Any) -> Cast:
    """A date or id as the period's text ("2026-05-31", "42")."""
    return Cast(expression, CharField())


def episode_rows(as_of: dt.date, slug: str) -> QuerySet[Any]:
    """The rows of the secretary's episode list `slug` as of `as_of`, everywhere: the list's
    queryset and its condition, nothing else."""
    reach = Reach.everywhere()
    t = Thresholds(today=as_of)
    return with_records(current_episodes(reach), t).filter(conditions(reach, t)[slug]).order_by()


def _episode_detail(**extra: Any) -> JSONObject:
    return JSONObject(
        name=F("member__name"),
        out_date=F("out_date"),
        # Counts of days are said from their first day when the page is read (`days_away`
        # from `out_date`; `<figure>_from` below): a figure that moved every day would make
        # the run rewrite every alert every night.
        destination_province=F("destination_province"),
        destination_city=F("destination_city"),
        destination_county=F("destination_county"),
        **extra,
    )


@rule(
    "mobile_not_checked_in",
    title=_("Not checked in after leaving"),
    description=_(
        "Registered as leaving and not checked in anywhere (in the system or outside it) "
        "MOBILE_CHECK_IN_GRACE_DAYS days (30 by default) after the date of leaving. The home "
        "branch finds out where the member is."
    ),
    group="mobility",
)
def mobile_not_checked_in(as_of: dt.date) -> QuerySet[Any]:
    rows = episode_rows(as_of, "not_checked_in")
    return breaches(
        rows,
        organization=F("home_org_id"),
        member=F("member_id"),
        # One occurrence per absence.
        period=_text(F("pk")),
        severity=Severity.WARNING,
        detail=_episode_detail(
            days_late_from=ExpressionWrapper(
                F("out_date") + Value(settings.MOBILE_CHECK_IN_GRACE_DAYS),
                output_field=DateField(),
            )
        ),
    )


@rule(
    "mobile_contact_overdue",
    title=_("Contact overdue"),
    description=_(
        "A member away whom nobody has contacted for more than MOBILE_CONTACT_OVERDUE_DAYS "
        "days (90 by default), counted from the date of leaving when never contacted since "
        "(the designated-contact institution, 专人联系). The home branch contacts them."
    ),
    group="mobility",
)
def mobile_contact_overdue(as_of: dt.date) -> QuerySet[Any]:
    rows = episode_rows(as_of, "contact_overdue")
    return breaches(
        rows,
        organization=F("home_org_id"),
        member=F("member_id"),
        # One occurrence per silence: a contact ends it, the next silence is a new alert.
        period=_text(F("contact_clock")),
        severity=Severity.WARNING,
        # The silence's start is the period: each mention of the last contact in the detail
        # is one more lookup per row (PostgreSQL does not share a correlated subquery).
        detail=_episode_detail(
            last_contacted_on=F("last_contacted_on"),
            days_silent_from=F("contact_clock"),
        ),
    )


@rule(
    "mobile_report_overdue",
    title=_("Regular report overdue"),
    description=_(
        "A member away whose regular report to the home branch (定期汇报) is overdue: the "
        "member's reporting interval (quarterly by default) has passed since the last report "
        "or the date of leaving. The home branch reminds the member."
    ),
    group="mobility",
)
def mobile_report_overdue(as_of: dt.date) -> QuerySet[Any]:
    rows = episode_rows(as_of, "report_overdue")
    return breaches(
        rows,
        organization=F("home_org_id"),
        member=F("member_id"),
        # One occurrence per report missed: a report moves the due date on.
        period=_text(F("report_due_on")),
        severity=Severity.REMINDER,
        # The due date is the period.
        detail=_episode_detail(
            last_reported_on=F("last_reported_on"),
            days_overdue_from=F("report_due_on"),
        ),
    )


@rule(
    "mobile_two_nobody",
    title=_("Two-nobody member (两不管)"),
    description=_(
        "A member away (registered, checked in or lost while away) who is checked in nowhere "
        "(no inflow organization, no check-in outside the system recorded) and whom nobody "
        "has contacted for more than MOBILE_CONTACT_OVERDUE_DAYS days (90 by default): "
        "neither the outflow nor an inflow organization manages them. The home branch acts."
    ),
    group="mobility",
)
def mobile_two_nobody(as_of: dt.date) -> QuerySet[Any]:
    reach = Reach.everywhere()
    t = Thresholds(today=as_of)
    rows = (
        with_records(current_episodes(reach), t)
        .filter(
            Q(contact_clock__lt=t.contact_before),
            inflow_org__isnull=True,
            outside_check_in__isnull=True,
        )
        .order_by()
    )
    return breaches(
        rows,
        organization=F("home_org_id"),
        member=F("member_id"),
        # One occurrence per silence, as for contact overdue.
        period=_text(F("contact_clock")),
        severity=Severity.SERIOUS,
        detail=_episode_detail(
            status=F("status"),
            last_contacted_on=F("last_contacted_on"),
            days_silent_from=F("contact_clock"),
        ),
    )


def nominal_members(as_of: dt.date, months: int | None = None) -> MemberQuerySet:
    """Members on the register in good standing who, in the `months` (OVERSIGHT_NOMINAL_MONTHS,
    12) up to `as_of`, took no part in organizational life (`without_life`: anywhere, inflow
    included, once the records span the months), paid no dues (no payment received, and at
    least that many months owed: `in_dues_arrears`; a member paid far ahead owes nothing) and
    had no contact with the branch either way (no contact recorded, no regular report)."""
    months = settings.OVERSIGHT_NOMINAL_MONTHS if months is None else months
    cutoff = months_before(as_of, months)
    population = Member.objects.active().filter(standing__in=GOOD_STANDINGS)
    paid = DuesPayment.objects.active().filter(
        member_id=OuterRef("pk"), paid_on__gt=cutoff, paid_on__lte=as_of
    )
    contacted = ContactRecord.objects.filter(
        member_id=OuterRef("pk"), contacted_on__gt=cutoff, contacted_on__lte=as_of
    )
    reported = RegularReport.objects.filter(
        member_id=OuterRef("pk"), reported_on__gt=cutoff, reported_on__lte=as_of
    )
    owes = MemberSQL(
        lambda member, alias: in_arrears_sql(member, alias, as_of, months), BooleanField()
    )
    # The dues reading (a generate_series per member) only for members who are silent
    # otherwise: as a plain condition PostgreSQL evaluates it while scanning the register,
    # before the anti-joins, for every member (74 s for a province; the CASE makes it ~1 s).
    quiet = Q(~Exists(paid), ~Exists(contacted), ~Exists(reported))
    silent: MemberQuerySet = without_life(population, as_of=as_of, months=months).filter(
        Case(When(quiet, then=owes), default=Value(False), output_field=BooleanField())
    )
    return silent


def _last(queryset: QuerySet[Any], field: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1], output_field=DateField())


@rule(
    "mobile_nominal",
    title=_("Nominal member (挂名党员)"),
    description=_(
        "No organizational life, no dues paid and no contact with the branch for "
        "OVERSIGHT_NOMINAL_MONTHS months (12 by default), all three: a member in name only. "
        "The home branch talks with the member (criticism and education, or persuasion to "
        "withdraw)."
    ),
    group="mobility",
)
def mobile_nominal(as_of: dt.date) -> QuerySet[Any]:
    members = nominal_members(as_of).order_by()
    last_contact = _last(
        ContactRecord.objects.filter(member_id=OuterRef("pk"), contacted_on__lte=as_of),
        "contacted_on",
    )
    last_paid = _last(
        DuesPayment.objects.active().filter(member_id=OuterRef("pk"), paid_on__lte=as_of),
        "paid_on",
    )
    annotated = members.annotate(
        last_life_on=last_life_subquery(as_of),
        last_contacted_on=last_contact,
        last_paid_on=last_paid,
    ).annotate(
        # The silence began at the last sign of life of any kind (the joining date if none).
        silent_since=Coalesce(
            Greatest("last_life_on", "last_contacted_on", "last_paid_on", output_field=DateField()),
            F("joined_on"),
        )
    )
    return breaches(
        annotated.with_dues(as_of),
        organization=F("home_org_id"),
        member=F("pk"),
        period=_text(F("silent_since")),
        severity=Severity.SERIOUS,
        detail=JSONObject(
            name=F("name"),
            silent_since=F("silent_since"),
            days_silent_from=F("silent_since"),
            last_life_on=F("last_life_on"),
            last_contacted_on=F("last_contacted_on"),
            last_paid_on=F("last_paid_on"),
            dues=F("dues_json"),
        ),
    )


__all__ = ["episode_rows", "nominal_members"]
