"""The six-month rule (party constitution, article 38): a member who, without a proper reason,
takes no part in organizational life for six consecutive months, **or** pays no dues for six
consecutive months, **or** does no assigned work for six consecutive months is regarded as having
left the party. Three conditions, each its own rule, any one enough; the system flags, the
branch reviews and decides, a superior approves (the handling card). Nothing here changes a
member.

Shared by the three rules:

- **Population**: members on the register (not archived) in good standing (`GOOD_STANDINGS`).
- **Early warnings**: each rule also answers the members silent for
  `OVERSIGHT_WARNING_MONTHS` months ([3, 5]): the first of them is a reminder, the later ones
  early warnings, the rule's own months (six) serious. One alert per member and silence: the
  period is the start of the silence ("since:2026-03-14"), the same key at three, five and six
  months, so the engine raises the severity of one alert instead of opening three; taking part
  again ends the silence (the alert closes), and the next silence is a new period, a new alert.
- **Proper reasons** (正当理由, `oversight.models.Exemption`): a member with a proper reason for
  the condition (or for all three) not revoked and running on day D is not flagged on it; after
  it ends the silence counts from the later of the member's last activity and **the day after
  the proper reason ended**, so a member back from an approved stay abroad is not flagged the
  next morning. One value gives both: the latest end of the member's proper reasons that
  began on or before D (`exempt_until`); the clock starts the day after it, which for a
  running one is after D, so the member is not flagged.
- **Reading each value once**: a correlated subquery is computed again wherever the query
  names it, and the start of the silence is named in the filter, the severity, the period and
  the details. Life and work therefore read their dates as aggregates of joins (grouped by
  member; PostgreSQL computes identical aggregates once), and dues builds its figures from the
  dues state in one expression (`DuesSilence`) read by the others.
- **Months** are calendar months as `core.months.months_before` counts them: six months before
  31 August is 28 (29) February; a silence since D minus six months flags, one day later does
  not. `detail.months` is the whole months of silence as of D (`education.life.months_since`).
- **Responsible organization**: the member's home branch (`home_org_id`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    JSONField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, JSONObject
from django.utils.translation import gettext_lazy as _

from core.months import months_before
from education.life import last_life_by_member, without_life
from education.models import Meeting
from members.models import GOOD_STANDINGS, Member, MemberQuerySet
from oversight.models import Condition, Exemption, Severity, WorkAssignment
from oversight.rules import FromDetail, breaches, rule

# --- what the three rules share ----------------------------------------------------------------


def on_register() -> MemberQuerySet:
    """The members the six-month rule looks at: on the register, in good standing."""
    return Member.objects.active().filter(standing__in=GOOD_STANDINGS)


def thresholds(months: int) -> list[tuple[int, Severity]]:
    """(months of silence, severity), ascending: the warnings below `months` (the first a
    reminder, the others early warnings), then `months` itself, serious."""
    warnings = sorted({m for m in settings.OVERSIGHT_WARNING_MONTHS if 0 < m < months})
    steps = [(m, Severity.REMINDER if i == 0 else Severity.WARNING) for i, m in enumerate(warnings)]
    return [*steps, (months, Severity.SERIOUS)]


class DayAfter(Func):
    """`date + 1` (PostgreSQL adds days to a date as an integer: still a date; NULL stays
    NULL, which GREATEST skips)."""

    template = "(%(expressions)s + 1)"
    output_field = DateField()


class IsoDate(Func):
    """A date as 'YYYY-MM-DD' text, whatever the session's DateStyle (the period key)."""

    template = "to_char(%(expressions)s, 'YYYY-MM-DD')"
    output_field = CharField()


class MonthsSince(Func):
    """Whole calendar months from the date to `as_of`, as `education.life.months_since` and
    `months_before` count them: the months between the two, less one when `as_of`'s day of the
    month is before the date's (31 August → 28 February is six months)."""

    output_field = IntegerField()

    def __init__(self, since: Any, as_of: dt.date) -> None:
        index = as_of.year * 12 + as_of.month - 1
        super().__init__(since, Value(index), Value(as_of.day))

    template = (
        "(%(index)s - (EXTRACT(YEAR FROM %(since)s)::int * 12"
        " + EXTRACT(MONTH FROM %(since)s)::int - 1)"
        " - CASE WHEN %(day)s < EXTRACT(DAY FROM %(since)s)::int THEN 1 ELSE 0 END)"
    )

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        since, index, day = (compiler.compile(arg) for arg in self.source_expressions)
        sql = self.template % {"since": since[0], "index": index[0], "day": day[0]}
        # The date's SQL appears three times: its parameters too, in the order they appear.
        params = [*index[1], *since[1], *since[1], *day[1], *since[1]]
        return sql, params


def with_exempt_until(members: Any, condition: str, as_of: dt.date) -> Any:
    """`members` annotated with `exempt_until`: the last day of the member's proper reasons for
    `condition` (or for all three) that began on or before `as_of`, revoked ones aside. On or
    after `as_of`: the member has a proper reason today; before it, the silence counts from the
    day after. An aggregate over a join (the rule's query is grouped by member), so that the
    places the silence's start is used (the filter, the severity, the period, the details) read
    one value per member instead of running a correlated subquery each."""
    proper = FilteredRelation(
        "exemptions",
        condition=Q(
            exemptions__condition__in=[condition, Condition.ALL],
            exemptions__revoked_at__isnull=True,
            exemptions__starts_on__lte=as_of,
        ),
    )
    return members.annotate(proper_reason=proper).annotate(
        exempt_until=Max("proper_reason__ends_on")
    )


def _silent_since(members: Any, start: Any, condition: str, as_of: dt.date) -> Any:
    """`members` annotated with `silent_since`: the later of `start` and the day after the
    member's last proper reason for `condition` ended (GREATEST skips a NULL: none)."""
    return with_exempt_until(members, condition, as_of).annotate(
        silent_since=Greatest(start, DayAfter(F("exempt_until")), output_field=DateField())
    )


def _severity_by_date(as_of: dt.date, steps: list[tuple[int, Severity]]) -> Case:
    """The highest step whose cutoff (D minus its months) the silence's start reached."""
    whens = [
        When(silent_since__lte=months_before(as_of, count), then=Value(int(severity)))
        for count, severity in reversed(steps)
    ]
    return Case(*whens, default=Value(int(steps[0][1])), output_field=IntegerField())


def _period() -> Concat:
    return Concat(Value("since:"), IsoDate(F("silent_since")), output_field=CharField())


# --- organizational life -----------------------------------------------------------------------


@rule(
    "life_six_months",
    title=_("Six months without organizational life"),
    description=_(
        "No part in organizational life anywhere (the home branch, an inflow organization, a "
        "party group) for LIFE_ALERT_MONTHS consecutive months (six: party constitution, "
        "article 38) without a proper reason; early warnings at OVERSIGHT_WARNING_MONTHS."
    ),
    group="six_months",
)
def life_six_months(as_of: dt.date) -> QuerySet[Any]:
    """The members with no organizational life wherever it was recorded (attendance at the
    inflow organization counts: it is the member's attendance) for three, five or six months.
    `education.life.without_life` narrows the register to them (an anti-join; its docstring
    says when the clock starts for a member with no rows: the later of joining and the first
    meeting recorded), `last_life_by_member` reads their last participation (one grouped
    join). The silence starts at the later of the last participation, the day the member
    joined, the first meeting recorded and the day after the last proper reason for life
    ended."""
    steps = thresholds(settings.LIFE_ALERT_MONTHS)
    first = steps[0][0]
    silent = last_life_by_member(
        without_life(on_register(), as_of=as_of, months=first), as_of=as_of
    )
    records_start = Subquery(
        Meeting.objects.held().order_by("held_on").values("held_on")[:1], output_field=DateField()
    )
    start = Greatest(F("last_life_on"), F("joined_on"), records_start, output_field=DateField())
    members = _silent_since(silent, start, Condition.LIFE, as_of).filter(
        silent_since__lte=months_before(as_of, first)
    )
    return breaches(
        members.order_by(),
        organization=F("home_org_id"),
        member=F("pk"),
        period=_period(),
        severity=_severity_by_date(as_of, steps),
        detail=JSONObject(
            months=MonthsSince(F("silent_since"), as_of),
            since=F("silent_since"),
            last_life_on=F("last_life_on"),
        ),
    )


# --- party dues --------------------------------------------------------------------------------


@rule(
    "dues_six_months",
    title=_("Six months without paying dues"),
    description=_(
        "Party dues unpaid for DUES_LAPSE_MONTHS months (six: party constitution, article 38) "
        "without a proper reason, with the amount owed; early warnings at "
        "OVERSIGHT_WARNING_MONTHS months owed."
    ),
    group="six_months",
)
def dues_six_months(as_of: dt.date) -> QuerySet[Any]:
    """The members owing three, five or six months of dues (`in_dues_arrears` and `with_dues`:
    the one definition of what is owed; the current month is not owed until it is over). "Six
    consecutive months unpaid" is read as owing at least six months. The silence starts at the
    first month owed; after a proper reason for dues ended, at the month of the day after it
    ended if later (that month's dues could still be paid in it), and then only the months due
    since count: the months are the fewer of the months owed and the months due since the
    silence started."""
    steps = thresholds(settings.DUES_LAPSE_MONTHS)
    first = steps[0][0]
    owing = on_register().in_dues_arrears(as_of, first).with_dues(as_of)
    exempt = Exemption.objects.filter(
        member_id=OuterRef("pk"),
        condition__in=[Condition.DUES, Condition.ALL],
        revoked_at__isnull=True,
        starts_on__lte=as_of,
    )
    until = Subquery(exempt.order_by("-ends_on").values("ends_on")[:1], output_field=DateField())
    # The dues state is a correlated subquery: every place it is named computes it again, so
    # the silence's figures are built from it once (`DuesSilence`) and read from that.
    members = (
        owing.annotate(exempt_until=until)
        .annotate(silence=DuesSilence(F("dues_json"), F("exempt_until"), as_of))
        .annotate(silent_months=Cast(KT("silence__months"), IntegerField()))
    )
    # Without a proper reason the months are the months owed, which `in_dues_arrears` checked:
    # the figures are computed in the filter only for the few with one (PostgreSQL may test
    # this condition before the arrears on every member of the register).
    after_reason = Q(exempt_until__isnull=True) | Q(silent_months__gte=first)
    # The period and the severity are the silence's start and months: the engine reads them
    # from the stored details (`FromDetail`), so the silence is computed once per member.
    return breaches(
        members.filter(after_reason).order_by(),
        organization=F("home_org_id"),
        member=F("pk"),
        period=FromDetail(
            Concat(Value("since:"), KT("silence__since"), output_field=CharField()),
            "'since:' || ({detail} ->> 'since')",
            CharField(),
        ),
        severity=FromDetail(
            SeverityOfMonths(F("silence"), steps),
            SeverityOfMonths.text("({detail} ->> 'months')::int", steps),
            IntegerField(),
        ),
        detail=F("silence"),
    )


class DuesSilence(Func):
    """The dues silence's figures as one JSON object, from the member's dues state (`dues_json`)
    read once and the end of their last proper reason for dues: since (the first month owed, or
    the month of the day after the proper reason ended if later), months (the fewer of the
    months owed and the months due since then), months and amount owed, the first month owed."""

    output_field = JSONField()

    def __init__(self, state: Any, until: Any, as_of: dt.date) -> None:
        super().__init__(state, until)
        self.index = as_of.year * 12 + as_of.month - 1

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        (state, state_params), (until, until_params) = (
            compiler.compile(arg) for arg in self.source_expressions
        )
        # Only compiled expressions (with their parameters) and integers go into the text.
        # OFFSET 0 keeps `v` a subquery: pulled up, each of the five references to `v.j` would
        # be the dues state's whole subquery again (five dues readings per member, not one).
        sql = (
            "(SELECT jsonb_build_object("  # noqa: S608
            "'months', LEAST((v.j ->> 'months_owed')::int, "
            f"{int(self.index)} - (EXTRACT(YEAR FROM s.since)::int * 12"
            " + EXTRACT(MONTH FROM s.since)::int - 1)), "
            "'since', s.since, 'months_owed', (v.j ->> 'months_owed')::int, "
            "'amount_owed', v.j -> 'amount_owed', 'first_owed', v.j -> 'first_owed') "
            f"FROM (SELECT {state} AS j, {until} AS u OFFSET 0) v "
            "CROSS JOIN LATERAL (SELECT GREATEST((v.j ->> 'first_owed')::date, "
            "date_trunc('month', v.u + 1)::date) AS since) s)"
        )
        return sql, [*state_params, *until_params]


class SeverityOfMonths(Func):
    """The severity of a silence whose figures are `silence` (its "months" read once)."""

    output_field = IntegerField()

    def __init__(self, silence: Any, steps: list[tuple[int, Severity]]) -> None:
        super().__init__(silence)
        self.steps = steps

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        silence, params = compiler.compile(self.source_expressions[0])
        # A compiled expression only goes into the text. OFFSET 0: `m` read once, not the
        # silence's subquery again in every WHEN.
        sql = (
            f"(SELECT {self.text('x.m', self.steps)} "  # noqa: S608
            f"FROM (SELECT ({silence} ->> 'months')::int AS m OFFSET 0) x)"
        )
        return sql, params

    @staticmethod
    def text(months: str, steps: list[tuple[int, Severity]]) -> str:
        """The severity of `months` (SQL) months of silence: integers only go into the text."""
        whens = " ".join(
            f"WHEN {months} >= {int(count)} THEN {int(severity)}"
            for count, severity in reversed(steps)
        )
        return f"CASE {whens} ELSE {int(steps[0][1])} END"


# --- assigned work -----------------------------------------------------------------------------


def open_work(as_of: dt.date) -> Q:
    """Assigned work not done as of `as_of` (done later, or not yet), not voided, assigned on
    or before it: a condition on `WorkAssignment` (prefix "work_assignments__" on a member)."""
    return Q(voided_at__isnull=True, assigned_on__lte=as_of) & (
        Q(done_on__isnull=True) | Q(done_on__gt=as_of)
    )


#: When a work's clock starts: its due date when the branch set one (the member had until
#: then to do it), else the day it was assigned.
CLOCK_FROM = ("due_on", "assigned_on")


@rule(
    "work_six_months",
    title=_("Six months without doing assigned work"),
    description=_(
        "Work the branch assigned not done OVERSIGHT_WORK_MONTHS months (six: party "
        "constitution, article 38) after it was due (or assigned, without a due date), without "
        "a proper reason; early warnings at OVERSIGHT_WARNING_MONTHS."
    ),
    group="six_months",
)
def work_six_months(as_of: dt.date) -> QuerySet[Any]:
    """The members with assigned work (`WorkAssignment`) not done three, five or six months
    after its clock started: the due date when the branch set one (the member had until then
    to do it), else the day it was assigned. One alert per member: the silence starts at the
    clock of the member's oldest open assignment (or the day after a proper reason for work
    ended, if later); once that one is done, the next open one starts a new period (the member
    did work, a new silence begins)."""
    steps = thresholds(settings.OVERSIGHT_WORK_MONTHS)
    first = steps[0][0]
    cutoff = months_before(as_of, first)
    overdue = (
        WorkAssignment.objects.filter(open_work(as_of))
        .annotate(clock_from=Coalesce(*CLOCK_FROM, output_field=DateField()))
        .filter(clock_from__lte=cutoff)
        .order_by()
        .values("member_id")
    )
    work = FilteredRelation("work_assignments", condition=_prefixed(open_work(as_of)))
    assigned = (
        on_register()
        .filter(pk__in=overdue)
        .annotate(open_work=work)
        .annotate(
            work_from=Min(Coalesce("open_work__due_on", "open_work__assigned_on")),
            open_assignments=Count("open_work", distinct=True),
        )
    )
    members = _silent_since(assigned, F("work_from"), Condition.WORK, as_of).filter(
        silent_since__lte=cutoff
    )
    return breaches(
        members.order_by(),
        organization=F("home_org_id"),
        member=F("pk"),
        period=_period(),
        severity=_severity_by_date(as_of, steps),
        detail=JSONObject(
            months=MonthsSince(F("silent_since"), as_of),
            since=F("silent_since"),
            open_assignments=F("open_assignments"),
        ),
    )


def _prefixed(condition: Q, prefix: str = "work_assignments__") -> Q:
    """`condition` on `WorkAssignment` as a condition on a member's assignments."""
    prefixed = Q(_connector=condition.connector, _negated=condition.negated)
    children: list[Any] = list(condition.children)
    for child in children:
        if isinstance(child, Q):
            prefixed.children.append(_prefixed(child, prefix))
        else:
            prefixed.children.append((f"{prefix}{child[0]}", child[1]))
    return prefixed
