"""The rule registry. A rule is a set-based query: "which subjects break it as of day D", with
a code, a Chinese title, a severity per breach, the organization responsible for each breach and
a period key. `oversight.engine` turns each rule's query into alerts in a few statements.

A rule module defines a function `(as_of) -> QuerySet` and registers it with `@rule(...)`; the
queryset ends with `breaches(...)`, which names the columns the engine reads. Modules are
listed in `MODULES` and imported by `load()` (from `OversightConfig.ready`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.db.models import (
    DateField,
    Expression,
    F,
    Func,
    IntegerField,
    JSONField,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.utils.functional import Promise

from oversight.models import Severity

#: The columns a rule's query answers, in this order (`breaches`).
COLUMNS = ("b_org", "b_member", "b_subject_org", "b_key", "b_period", "b_severity", "b_detail")

#: Rule modules, imported in this order (the run log lists rules in this order too).
MODULES = (
    "oversight.rules.six_months",
    "oversight.rules.dues",
    "oversight.rules.standing",
    "oversight.rules.mobility",
    "oversight.rules.transfers",
    "oversight.rules.coverage",
    "oversight.rules.certificates",
    "oversight.rules.organizations",
)

#: How the rules are grouped on the pages (the alert list's filter, the report's sections).
GROUPS: dict[str, str] = {}

BreachQuery = Callable[[dt.date], QuerySet[Any]]


@dataclass(frozen=True)
class Rule:
    code: str
    title: str | Promise
    #: One sentence: what the rule checks and the rule or setting it rests on.
    description: str | Promise
    #: The rule's group: "six_months", "dues", "standing", "mobility", "transfers",
    #: "coverage", "certificates", "organizations".
    group: str
    query: BreachQuery
    #: "member" (one alert per member) or "organization" (about an organization or employer).
    subject: str = "member"

    def breaches(self, as_of: dt.date) -> QuerySet[Any]:
        return self.query(as_of)


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    *,
    title: str | Promise,
    description: str | Promise,
    group: str,
    subject: str = "member",
) -> Callable[[BreachQuery], BreachQuery]:
    """Register the decorated breach query as rule `code`."""

    def register(query: BreachQuery) -> BreachQuery:
        if code in RULES and RULES[code].query is not query:
            raise ValueError(f"Rule {code!r} is registered twice.")
        RULES[code] = Rule(code, title, description, group, query, subject)
        return query

    return register


def _expression(value: Any, output: Any = None) -> Any:
    if isinstance(value, (Expression, F)) or hasattr(value, "resolve_expression"):
        return value
    return Value(value, output_field=output) if output is not None else Value(value)


def breaches(
    queryset: QuerySet[Any],
    *,
    organization: Any,
    period: Any,
    member: Any = None,
    subject_org: Any = None,
    key: Any = "",
    severity: Any = Severity.SERIOUS,
    detail: Any = None,
) -> QuerySet[Any]:
    """`queryset` as the rows of a rule: each argument is an expression (F, a function, a
    subquery) or a constant. `detail` is a `JSONObject(...)` of the breach's figures (months,
    amount, since when), read by the pages; `period` a text that tells one occurrence of the
    breach from the next (the start of a silence, the first month owed, a year)."""
    from django.db.models.functions import JSONObject

    rows: QuerySet[Any] = queryset.annotate(
        b_org=_expression(organization, IntegerField()),
        b_member=Cast(_expression(member), IntegerField())
        if member is None
        else _expression(member, IntegerField()),
        b_subject_org=Cast(_expression(subject_org), IntegerField())
        if subject_org is None
        else _expression(subject_org, IntegerField()),
        b_key=_expression(key),
        b_period=_expression(period),
        b_severity=_expression(int(severity) if isinstance(severity, int) else severity),
        b_detail=_expression(detail if detail is not None else JSONObject(), JSONField()),
    ).values(*COLUMNS)
    return rows


class FromDetail(Func):
    """A breach's period or severity that is a function of its `detail` (the start of a silence,
    its months): `direct` computes it in the rule's query (what `Rule.breaches` answers, read by
    the tests and the benchmark's loop); the engine instead stores the query's rows first and
    computes `sql` from them, the stored details standing for `{detail}` in it. PostgreSQL
    computes a correlated subquery again wherever a query names it: a detail that costs a dues
    reading would otherwise be read once for the detail and again for the period and the
    severity.
    `sql` is the rule's own constant text, never input."""

    def __init__(self, direct: Any, sql: str, output_field: Any) -> None:
        super().__init__(direct, output_field=output_field)
        self.sql = sql

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        return compiler.compile(self.source_expressions[0])


def derived_columns(rows: QuerySet[Any]) -> tuple[QuerySet[Any], dict[str, str]]:
    """`rows` (a rule's breaches) with each `FromDetail` column left empty, and those columns'
    SQL (over `{detail}`): what the engine computes after storing the rows."""
    found = {
        name: expression.sql
        for name, expression in rows.query.annotations.items()
        if isinstance(expression, FromDetail)
    }
    if not found:
        return rows, {}
    emptied = rows.all()
    for name in found:
        output = emptied.query.annotations[name].output_field
        emptied.query.annotations[name] = Value(None, output_field=output)
    return emptied, found


def as_date(day: dt.date) -> Value:
    """A day as a date-typed SQL value (the as-of day inside a rule's expressions)."""
    return Value(day, output_field=DateField())


def load() -> None:
    for module in MODULES:
        import_module(module)


def title_of(code: str) -> str:
    """A rule's title, or its code if the rule is gone (an alert outlives its rule)."""
    found = RULES.get(code)
    return str(found.title) if found else code
