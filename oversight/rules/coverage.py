"""Coverage (MISSION.md, "Coverage"): a non-public enterprise where mobile members work and that
has no party organization should have one: its own with OVERSIGHT_COVERAGE_OWN_ORG_MEMBERS (3)
mobile members or more, else a joint organization or the members attached to a local one.

The enterprise is known only from the members' current absences (registered or checked in: a
lost member's employer is not known to be current): the employer's name, its sector (non-public
enterprise) and "has a party organization" as the absence records them. Names are compared
normalised (`employer_key`: full-width letters, digits and spaces made half-width, trimmed,
lower case), so "ＡＢＣ科技有限公司 " and "abc科技有限公司" are one enterprise.

Who must act: the committee where the enterprise's members are — the nearest committee above
the inflow organization a member checked in with; for a member not checked in with any
organization of the system, the committee above the expected inflow organization when one was
told, else the committee above the member's home branch (the outflow side's township, which
reports the enterprise to the organization department of the place). The members are counted
per (enterprise, responsible committee): two townships with members at one enterprise each get
their alert, with their own count. The subject is the enterprise (its normalised name as the
key), not a member; the alert stays open while the enterprise is uncovered (no period)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import CharField, Count, F, Func, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce, JSONObject, Lower, Trim
from django.utils.translation import gettext_lazy as _

from members.lists.queries import Reach, current_episodes
from members.models import OPEN_STATUSES, EpisodeStatus
from organizations.models import Sector
from oversight.models import Severity
from oversight.rules import breaches, rule
from oversight.rules.transfers import committee_above

#: Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, and their half-width forms.
FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALF_WIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "


def employer_key(field: str = "employer") -> Lower:
    """The employer's name as the rule compares it: half-width, trimmed, lower case."""
    translated = Func(
        F(field),
        Value(FULL_WIDTH),
        Value(HALF_WIDTH),
        function="translate",
        output_field=CharField(),
    )
    return Lower(Trim(translated))


def uncovered_enterprises(as_of: dt.date) -> QuerySet[Any]:
    """(employer key, responsible committee, members, checked in, names, a spelling) of the
    non-public enterprises without a party organization where members away work: one grouped
    query over the current absences."""
    responsible = Coalesce(
        committee_above("inflow_org__path", "inflow_org__depth"),
        committee_above("intended_org__path", "intended_org__depth"),
        committee_above("home_org__path", "home_org__depth"),
        F("home_org_id"),
    )
    return (
        current_episodes(Reach.everywhere())
        .filter(
            status__in=OPEN_STATUSES,
            employer_sector=Sector.NON_PUBLIC_ENTERPRISE,
            employer_has_party_org=False,
            out_date__lte=as_of,
        )
        .annotate(employer_key=employer_key(), responsible=responsible)
        .exclude(employer_key="")
        .order_by()
        .values("employer_key", "responsible")
        .annotate(
            members=Count("member_id", distinct=True),
            checked_in=Count("member_id", distinct=True, filter=Q(status=EpisodeStatus.CHECKED_IN)),
            names=ArrayAgg("member__name", distinct=True, order_by="member__name"),
            spelling=Min(Trim("employer")),
        )
    )


def _detail() -> JSONObject:
    return JSONObject(
        employer=F("spelling"),
        members=F("members"),
        checked_in=F("checked_in"),
        names=F("names"),
        own_org_from=Value(settings.OVERSIGHT_COVERAGE_OWN_ORG_MEMBERS),
    )


def _rows(rows: QuerySet[Any], severity: Severity) -> QuerySet[Any]:
    return breaches(
        rows,
        organization=F("responsible"),
        key=F("employer_key"),
        period="",
        severity=severity,
        detail=_detail(),
    )


@rule(
    "coverage_own_org",
    title=_("Enterprise should set up a party organization"),
    description=_(
        "A non-public enterprise without a party organization where "
        "OVERSIGHT_COVERAGE_OWN_ORG_MEMBERS (3 by default) or more mobile members work: it "
        "should set up its own party organization. The committee where they are acts."
    ),
    group="coverage",
    subject="organization",
)
def coverage_own_org(as_of: dt.date) -> QuerySet[Any]:
    threshold = settings.OVERSIGHT_COVERAGE_OWN_ORG_MEMBERS
    return _rows(uncovered_enterprises(as_of).filter(members__gte=threshold), Severity.WARNING)


@rule(
    "coverage_joint_org",
    title=_("Enterprise members need a joint organization"),
    description=_(
        "A non-public enterprise without a party organization where fewer than "
        "OVERSIGHT_COVERAGE_OWN_ORG_MEMBERS (3 by default) mobile members work: set up a joint "
        "party organization with nearby enterprises, or attach the members to a local one. "
        "The committee where they are acts."
    ),
    group="coverage",
    subject="organization",
)
def coverage_joint_org(as_of: dt.date) -> QuerySet[Any]:
    threshold = settings.OVERSIGHT_COVERAGE_OWN_ORG_MEMBERS
    return _rows(uncovered_enterprises(as_of).filter(members__lt=threshold), Severity.REMINDER)


__all__ = ["FULL_WIDTH", "HALF_WIDTH", "employer_key", "uncovered_enterprises"]
