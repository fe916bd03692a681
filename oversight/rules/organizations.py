"""Rules on what organizations and members owe in a period: the branch meeting frequency (the
red cells of the compliance table, issue 10) and the yearly study hours (the 2019
education-management regulations: 32 hours, 56 for branch secretaries and committee members).

Meeting frequency
-----------------
A red cell of `education.compliance.queries` as one query: for each kind an organization must
hold (`required_kinds`, `has_committee`, MEETING_FREQUENCIES), not held in the current period
up to D and not held in the previous complete period, which was owed (the organization existed
on its first day: entered in the system by then, or a meeting of a required kind recorded by
then). One SELECT per kind, joined by UNION ALL: the kinds are a handful, the organizations any
number. Subject: the organization (responsible for its own meetings; the committees above see it
through their scope), key the kind, period the missed period ("2026-11", "2026-Q3", "2025"): a
meeting held now clears it, the next missed period is a new alert.

Study hours
-----------
`education.study.queries.study_hours_by_member` (each member's hours read once, by a grouped join)
of the members short of their hours, read only at the year end: from 1 December to 31 December for
the year running (a reminder: there is still time), and through January for the year just closed (an
early warning: the year-end assessment reads it; late records dated in that year still count). From
February nothing is flagged, and the engine closes what is left. Members who joined the party during
the year are not held to a full year's hours. The home branch is responsible; period: the year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from education.compliance.queries import (
    PERIOD_MONTHS,
    all_required_kinds,
    frequency,
    has_committee,
    month_index,
    month_start,
    period_start,
    required_kinds,
    required_org_kinds,
)
from education.models import Meeting, MeetingKind, Period
from education.study.queries import study_hours_by_member
from members.models import GOOD_STANDINGS, Member
from organizations.models import Organization
from oversight.models import Severity
from oversight.rules import breaches, rule


def period_key(start: dt.date, freq: str) -> str:
    """A period's text: "2026-11", "2026-Q3", "2025"."""
    if freq == Period.MONTH:
        return f"{start:%Y-%m}"
    if freq == Period.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def _owed_since(prev_start: dt.date) -> Q:
    """The organization existed on `prev_start`: entered in the system by the end of that day
    (local time), or a meeting of a required kind recorded on or before it."""
    next_day = timezone.make_aware(dt.datetime.combine(prev_start, dt.time()) + dt.timedelta(1))
    early_meeting = Meeting.objects.held().filter(
        organization_id=OuterRef("pk"), kind__in=all_required_kinds(), held_on__lte=prev_start
    )
    return Q(created_at__lt=next_day) | Q(Exists(early_meeting))


def missed_meetings(as_of: dt.date, kind: str) -> QuerySet[Organization]:
    """The organizations whose cell for `kind` is red as of `as_of`, annotated with the
    previous period's first day (`missed_from`) and the kind's last meeting (`last_held`)."""
    freq = frequency(kind)
    current = period_start(as_of, freq)
    previous = month_start(month_index(current) - PERIOD_MONTHS[freq])
    org_kinds = [
        org_kind
        for org_kind in sorted(required_org_kinds())
        if kind in required_kinds(org_kind, has_committee=True)
    ]
    held = Meeting.objects.held().filter(organization_id=OuterRef("pk"), kind=kind)
    organizations = Organization.objects.filter(kind__in=org_kinds, is_active=True)
    if kind == MeetingKind.COMMITTEE:
        organizations = organizations.annotate(with_committee=has_committee()).filter(
            with_committee=True
        )
    last_held = (
        held.filter(held_on__lte=as_of)
        .order_by()
        .values("organization_id")
        .annotate(last=Max("held_on"))
        .values("last")
    )
    missed: QuerySet[Organization] = (
        organizations.filter(
            ~Exists(held.filter(held_on__gte=current, held_on__lte=as_of)),
            ~Exists(held.filter(held_on__gte=previous, held_on__lt=current)),
            _owed_since(previous),
        )
        .annotate(last_held=Subquery(last_held, output_field=DateField()))
        .order_by()
    )
    return missed


@rule(
    "meeting_frequency",
    title=_("Branch meetings not held as often as required"),
    description=_(
        "A kind of meeting the organization must hold (MEETING_FREQUENCIES: the 2018 branch "
        "work regulations, article 14 and following: general meeting quarterly, committee "
        "meeting and party group meeting monthly, party lecture quarterly...) was not held in "
        "the last complete period, nor yet in this one. The organization holds it."
    ),
    group="organizations",
    subject="organization",
)
def meeting_frequency(as_of: dt.date) -> QuerySet[Any]:
    parts = []
    for kind in all_required_kinds():
        freq = frequency(kind)
        previous = month_start(month_index(period_start(as_of, freq)) - PERIOD_MONTHS[freq])
        parts.append(
            breaches(
                missed_meetings(as_of, kind),
                organization=F("pk"),
                subject_org=F("pk"),
                key=Value(kind, output_field=CharField()),
                period=Value(period_key(previous, freq), output_field=CharField()),
                severity=Severity.WARNING,
                detail=JSONObject(
                    organization=F("name"),
                    kind=Value(kind),
                    frequency=Value(freq),
                    missed=Value(period_key(previous, freq)),
                    missed_from=Value(previous.isoformat()),
                    last_held=F("last_held"),
                ),
            )
        )
    first, *rest = parts
    return first.union(*rest, all=True) if rest else first


def study_year(as_of: dt.date) -> tuple[int, Severity] | None:
    """The year whose study hours are checked as of `as_of` and how urgent a shortfall is, or
    None outside the year end (see the module's docstring)."""
    if as_of.month == 12:
        return as_of.year, Severity.REMINDER
    if as_of.month == 1:
        return as_of.year - 1, Severity.WARNING
    return None


def short_of_hours(as_of: dt.date) -> QuerySet[Any]:
    """Members on the register in good standing, in the party since before the year checked,
    short of their study hours that year (`study_hours_by_member`: one grouped join, each
    member's hours read once); none outside the year end (a query that answers nothing: the
    engine still runs it, and closes what is left)."""
    checked = study_year(as_of)
    year = checked[0] if checked else as_of.year
    members = Member.objects.active().filter(
        standing__in=GOOD_STANDINGS, joined_on__lt=dt.date(year, 1, 1)
    )
    rows = study_hours_by_member(members, year).filter(is_short=True).order_by()
    if checked is None:
        rows = rows.filter(Value(False, output_field=BooleanField()))
    return rows


@rule(
    "study_hours_short",
    title=_("Study hours short at year end"),
    description=_(
        "Fewer study hours in the year than STUDY_HOURS_MEMBER (32), or STUDY_HOURS_CADRE (56) "
        "for a branch secretary or committee member (the 2019 regulations on the education "
        "and management of party members). Checked in December for the year running and in "
        "January for the year closed. The home branch follows it up."
    ),
    group="organizations",
)
def study_hours_short(as_of: dt.date) -> QuerySet[Any]:
    checked = study_year(as_of)
    year, severity = checked if checked else (as_of.year, Severity.REMINDER)
    return breaches(
        short_of_hours(as_of),
        organization=F("home_org_id"),
        member=F("pk"),
        period=Value(str(year), output_field=CharField()),
        severity=severity,
        detail=JSONObject(
            name=F("name"),
            year=Value(year),
            study_hours=F("study_hours"),
            required_hours=F("required_hours"),
            is_cadre=F("is_cadre"),
        ),
    )


__all__ = ["missed_meetings", "period_key", "short_of_hours", "study_year"]
