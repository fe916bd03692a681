"""The derived dues state of a member: "dues paid up to" (党费交至), months and amount owed, the
last payment. Nothing stores it: it is computed from the standards (`DuesStandard`) and the paid
months (`DuesPaidMonth`) by the SQL below, the one definition every page, letter, ledger and rule
reads (through `MemberQuerySet.with_dues` and `in_dues_arrears`, and `members.dues.queries` for
totals). Kept apart from the models so that the member's queryset can use it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Expression

#: The months a member owed, from their first standard to the month before `%(month)s` (the
#: current month is not overdue until it is over), and until the member left the register
#: (archived) or lost good standing; each with the amount owed for it. `{member}` is the SQL
#: naming the member's id and `{alias}` the member's row (columns archived_at, standing,
#: standing_since). The one definition of "due": every reading below is built on it, for one
#: member (`DUE_MONTHS_SQL`) or for many at once (`DUE_MONTHS_SET_SQL`).
_DUE_MONTHS = """
SELECT s.member_id, g.month::date AS month,
       CASE WHEN s.relief <> 'none' AND (s.relief_until IS NULL OR g.month <= s.relief_until)
            THEN CASE WHEN s.relief = 'exempt' THEN 0 ELSE s.relief_amount END
            ELSE s.amount END AS amount
FROM (
    SELECT st.member_id, st.effective_from, st.amount, st.relief, st.relief_amount,
           st.relief_until,
           LEAD(st.effective_from) OVER (PARTITION BY st.member_id ORDER BY st.effective_from)
               AS next_from
    FROM members_duesstandard st WHERE @standards@
) s@members@
CROSS JOIN LATERAL generate_series(
    s.effective_from,
    LEAST(
        COALESCE(s.next_from, %(month)s::date),
        %(month)s::date,
        COALESCE(date_trunc('month', {alias}.archived_at AT TIME ZONE %(tz)s)::date,
                 %(month)s::date),
        CASE WHEN {alias}.standing <> 'normal'
             THEN COALESCE(date_trunc('month', {alias}.standing_since)::date, %(month)s::date)
             ELSE %(month)s::date END
    ) - interval '1 month',
    interval '1 month'
) AS g(month)
"""
DUE_MONTHS_SQL = _DUE_MONTHS.replace("@standards@", "st.member_id = {member}").replace(
    "@members@", ""
)
#: The same months for many members at once (`members.dues.queries.arrears_totals`): `{members}`
#: is a query of their ids, `{alias}` the name their rows are joined under.
DUE_MONTHS_SET_SQL = _DUE_MONTHS.replace("@standards@", "st.member_id IN ({members})").replace(
    "@members@", "\nJOIN members_member {alias} ON {alias}.id = s.member_id"
)

#: A due month `d` of the member `{member}` is owed when it has an amount and no payment covers
#: it (voided payments aside); `{paid}` is the paid months read.
_OWED = (
    "d.amount > 0 AND NOT EXISTS (\n"
    "        SELECT 1 FROM {paid} p\n"
    "        WHERE p.member_id = {member} AND p.month = d.month AND NOT p.voided\n"
    "    )"
)
OWED_SQL = _OWED.replace("{paid}", "members_duespaidmonth")

#: Per member: months owed, amount owed, the first month owed, the last month due and the last
#: month paid (voided payments aside). One row, whatever the member's history.
DUES_STATE_SQL = (
    """
SELECT count(*) FILTER (WHERE o.owed) AS months_owed,
       COALESCE(sum(o.amount) FILTER (WHERE o.owed), 0) AS amount_owed,
       min(o.month) FILTER (WHERE o.owed) AS first_owed,
       min(o.month) AS first_due,
       max(o.month) AS last_due,
       (SELECT max(p.month) FROM members_duespaidmonth p
         WHERE p.member_id = {member} AND NOT p.voided) AS last_paid
FROM (
    SELECT d.month, d.amount,
           """
    + OWED_SQL
    + """ AS owed
    FROM ("""
    + DUE_MONTHS_SQL
    + """) d
) o
"""
)

#: The state as one JSON object (amounts as text, so that they stay exact). "Paid up to" is the
#: month before the first month owed; nothing owed: the later of the last month due and the last
#: month paid (ahead); owing since the first month due (nothing ever paid): NULL, not the month
#: before the records begin.
DUES_JSON_SQL = (
    """
SELECT jsonb_build_object(
    'months_owed', x.months_owed,
    'amount_owed', x.amount_owed::text,
    'first_owed', x.first_owed,
    'paid_until', CASE WHEN x.first_owed = x.first_due THEN NULL
                       WHEN x.first_owed IS NOT NULL
                       THEN (x.first_owed - interval '1 month')::date
                       ELSE GREATEST(x.last_due, x.last_paid) END,
    'last_paid_on', (SELECT max(pay.paid_on) FROM members_duespayment pay
                      WHERE pay.member_id = {member} AND pay.voided_at IS NULL)
) FROM ("""
    + DUES_STATE_SQL
    + """) x
"""
)

#: Whether the member owes at least `%(owed)s` months (stops at the first it needs to know).
IN_ARREARS_SQL = (
    """
(SELECT count(*) FROM ("""
    + DUE_MONTHS_SQL
    + """) d
  WHERE """
    + OWED_SQL
    + """
) >= %(owed)s
"""
)

#: Every owed month (member_id, month, amount) of the members of `{members}` (a query of ids),
#: by the same definition as `DUES_STATE_SQL`, set-based: their due months
#: (`DUE_MONTHS_SET_SQL`) anti-joined with their paid months, read once for them all (a hash
#: for a province, an index range per member for a branch).
OWED_MONTHS_SET_SQL = (
    """
WITH dues_paid AS MATERIALIZED (
    SELECT p.member_id, p.month, p.voided FROM members_duespaidmonth p
    WHERE NOT p.voided AND p.member_id IN ({members})
)
SELECT d.member_id, d.month, d.amount FROM ("""
    + DUE_MONTHS_SET_SQL
    + """) d
WHERE """
    + _OWED.replace("{paid}", "dues_paid").replace("{member}", "d.member_id")
)

_NAMED = re.compile(r"%\((\w+)\)s")


def positional(sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """`sql` with its named placeholders made positional, and their values in order (Django's
    `RawSQL` and the compiler take a list)."""
    names = _NAMED.findall(sql)
    return _NAMED.sub("%s", sql), [params[name] for name in names]


def dues_params(as_of: dt.date, **extra: Any) -> dict[str, Any]:
    """The parameters of the SQL above for the day `as_of`: months before its month are due."""
    return {"month": as_of.replace(day=1), "tz": settings.TIME_ZONE, **extra}


def dues_json_sql(member: str, alias: str, as_of: dt.date) -> tuple[str, list[Any]]:
    return positional(
        "(" + DUES_JSON_SQL.format(member=member, alias=alias) + ")", dues_params(as_of)
    )


def in_arrears_sql(member: str, alias: str, as_of: dt.date, months: int) -> tuple[str, list[Any]]:
    return positional(
        IN_ARREARS_SQL.format(member=member, alias=alias), dues_params(as_of, owed=months)
    )


def state_sql(member: str, alias: str, as_of: dt.date) -> tuple[str, list[Any]]:
    """`DUES_STATE_SQL` for one member (a lateral subquery in the totals)."""
    return positional(DUES_STATE_SQL.format(member=member, alias=alias), dues_params(as_of))


def _month(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class DuesState:
    """A member's dues as of a day: what the pages, the letter and the certificate print."""

    months_owed: int
    amount_owed: Decimal
    first_owed: dt.date | None
    paid_until: dt.date | None
    last_paid_on: dt.date | None

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> DuesState:
        value = value or {}
        return cls(
            months_owed=int(value.get("months_owed") or 0),
            amount_owed=Decimal(value.get("amount_owed") or "0.00"),
            first_owed=_month(value.get("first_owed")),
            paid_until=_month(value.get("paid_until")),
            last_paid_on=_month(value.get("last_paid_on")),
        )

    @property
    def in_arrears(self) -> bool:
        return self.months_owed > 0


class MemberSQL(Expression):
    """One of the SQL readings above about the member of the query it is used in, put together
    when the query is compiled, with the member table's alias in that query: a queryset used as
    a subquery (a page's rows read again by id, `core.pagination`'s `finish`) has its tables
    renamed (U0, V0, ...), and SQL naming "members_member" would then read the outer query's
    member instead. `build(member, alias)` gives the SQL and its parameters."""

    def __init__(self, build: Any, output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.build = build

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.quote_name_unless_alias(compiler.query.base_table)
        sql, params = self.build(f'{alias}."id"', alias)
        return f"({sql})", params
