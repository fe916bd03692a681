"""The reads of a member's dues history: the months of a span, each with what was due (by the one
definition of "due", `members.models.dues_state.DUE_MONTHS_SQL`) and what paid it, in one query.

The 2008 dues rules (《关于中国共产党党费收缴、使用和管理的规定》): a member owes every month from
the month they joined (probationary members from admission) at their standard, relief applied;
the record a branch keeps is "dues paid up to" year-month (党费交至) and the months unpaid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection

from members.models import Member
from members.models.dues import add_months, month_index
from members.models.dues_state import DUE_MONTHS_SQL, dues_params, positional

#: Each month from `%(start)s` to `%(end)s` that was due (before `%(month)s`) or paid: the amount
#: due (NULL: not due), the payment that paid it and its share (NULL: unpaid). The member's row
#: is read once (`m`: format with member="m.id", alias="m"), and the months due come from the
#: same SQL every page and rule reads.
MONTHS_SQL = (
    """
WITH m AS (SELECT * FROM members_member WHERE id = %(member)s)
SELECT COALESCE(d.month, p.month) AS month, d.amount AS due, p.payment_id, p.amount AS paid
FROM (SELECT due.month, due.amount FROM m CROSS JOIN LATERAL ("""  # noqa: S608 - constant SQL
    + DUE_MONTHS_SQL
    + """) due) d
FULL JOIN (
    SELECT pm.month, pm.payment_id, pm.amount FROM members_duespaidmonth pm
    WHERE pm.member_id = %(member)s AND NOT pm.voided
      AND pm.month BETWEEN %(start)s AND %(end)s
) p ON p.month = d.month
WHERE COALESCE(d.month, p.month) BETWEEN %(start)s AND %(end)s
"""
)


@dataclass(frozen=True)
class MonthRow:
    """One month of a member's dues: what was due (None: not due) and the payment that paid it
    (its id and its share of the payment)."""

    month: dt.date
    due: Decimal | None
    payment_id: int | None
    paid: Decimal | None


def months_of(member: Member, start: dt.date, end: dt.date) -> dict[dt.date, MonthRow]:
    """`member`'s months from `start` to `end` (first days of months) that are due or paid:
    months due are generated through `end` (the current month and months ahead show what they
    will be due; which are overdue is the page's business, as of its day)."""
    horizon = add_months(end, 1)
    params = dues_params(horizon, member=member.pk, start=start, end=end)
    sql, values = positional(MONTHS_SQL.format(member="m.id", alias="m"), params)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = [MonthRow(*row) for row in cursor.fetchall()]
    return {row.month: row for row in rows}


def span(as_of: dt.date, years: int) -> tuple[dt.date, dt.date]:
    """January of `years` years before `as_of`'s year, and December of its year."""
    return dt.date(as_of.year - years, 1, 1), dt.date(as_of.year, 12, 1)


def month_list(start: dt.date, end: dt.date) -> list[dt.date]:
    return [add_months(start, i) for i in range(month_index(end) - month_index(start) + 1)]


def owed_css(months_owed: int) -> str:
    """How the months owed are marked: red from `DUES_LAPSE_MONTHS` (six: the party
    constitution, art. 9, counts six consecutive months unpaid as leaving the party), amber
    from one, nothing when paid up."""
    if months_owed >= settings.DUES_LAPSE_MONTHS:
        return "danger"
    if months_owed >= 1:
        return "warning"
    return ""
