"""Set-based reads of dues over many members: arrears totals per organization, and anomalies.

Both are one SQL statement whatever the number of members, and both read the one definition of
what a member owes (`members.models.dues_state`): the totals sum the owed months of the
subtree's members (`OWED_MONTHS_SET_SQL`: the same due months and the same "owed" condition as
each member's `with_dues`, for all of them at once), the anomalies compare each member's paid
months with their due months (`DUE_MONTHS_SQL`). No rule about dues is written here again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from members.models import Member
from members.models.dues import add_months
from members.models.dues_state import (
    DUE_MONTHS_SQL,
    DUES_STATE_SQL,
    OWED_MONTHS_SET_SQL,
    dues_params,
    positional,
)
from organizations.models import Organization

STEP_LENGTH = 4  # treebeard's path step (organizations' materialized path)


def owed_thresholds() -> tuple[int, ...]:
    """The "owing at least N months" choices: 1, 3 and the lapse (six by default)."""
    return tuple(sorted({1, 3, settings.DUES_LAPSE_MONTHS}))


@dataclass
class ArrearsTotal:
    """One organization's line of the arrears table: its subtree's members on the register, how
    many owe (at least 1, 3, 6 months: `owing`), the months and the amount they owe."""

    org_id: int
    name: str
    path: str
    kind: str
    depth: int
    is_root: bool
    has_children: bool = False
    members: int = 0
    in_arrears: int = 0
    months_owed: int = 0
    amount_owed: Decimal = Decimal("0.00")
    owing: dict[int, int] = field(default_factory=dict)

    @property
    def lapsed(self) -> int:
        """Members owing the party constitution's six months or more (art. 9)."""
        return self.owing.get(settings.DUES_LAPSE_MONTHS, 0)


@dataclass
class ArrearsTotals:
    """The arrears of `root`'s subtree: a line per child organization (and one for the members
    held by `root` itself, if any), and their total."""

    root: Organization
    as_of: dt.date
    lines: list[ArrearsTotal]
    total: ArrearsTotal


#: The subtree's members on the register (`scoped`, with the child organization their home
#: branch lies in: a path prefix), their owed months by the one definition, set-based
#: (`OWED_MONTHS_SET_SQL`), summed per member, then per child; the children (and the root)
#: joined to it, those without members too.
_TOTALS_SQL = """
WITH scoped AS MATERIALIZED (
    SELECT m.id, left(o.path, %(key_length)s) AS key
    FROM members_member m
    JOIN organizations_organization o ON o.id = m.home_org_id
    WHERE o.path LIKE %(prefix)s AND m.archived_at IS NULL
), owed AS (
    {owed}
), per_member AS (
    SELECT s.key, COALESCE(x.months_owed, 0) AS months_owed,
           COALESCE(x.amount_owed, 0) AS amount_owed
    FROM scoped s LEFT JOIN owed x ON x.member_id = s.id
), totals AS (
    SELECT key, count(*) AS members,
           count(*) FILTER (WHERE months_owed > 0) AS in_arrears,
           {owing}
           sum(months_owed) AS months_owed, sum(amount_owed) AS amount_owed
    FROM per_member
    GROUP BY key
)
SELECT c.id, c.name, c.path, c.kind, c.depth, c.numchild > 0,
       COALESCE(w.members, 0), COALESCE(w.in_arrears, 0), {owing_out}
       COALESCE(w.months_owed, 0), COALESCE(w.amount_owed, 0)
FROM organizations_organization c
LEFT JOIN totals w ON w.key = c.path
WHERE c.path LIKE %(prefix)s AND c.depth IN (%(depth)s, %(depth)s + 1)
ORDER BY c.path
"""

#: Each member's months and amount owed, set-based: the owed months grouped by member.
SET_OWED = """
SELECT w.member_id, count(*) AS months_owed, sum(w.amount) AS amount_owed
    FROM ({owed}) w
    GROUP BY w.member_id
"""
#: The same from each member's state (`DUES_STATE_SQL` in a lateral subquery per member): the
#: other plausible shape, slower at every scale (a subquery per member, which probes each due
#: month's payment twice); kept for the benchmark (benchmarks/dues.py), which times both.
LATERAL_OWED = """
SELECT sm.id AS member_id, st.months_owed, st.amount_owed
    FROM scoped sm JOIN members_member mm ON mm.id = sm.id
    CROSS JOIN LATERAL ({state}) st
"""


def totals_sql(
    root: Organization, as_of: dt.date, *, lateral: bool = False
) -> tuple[str, list[Any]]:
    """The statement of `arrears_totals` and its parameters (`lateral`: the per-member shape)."""
    thresholds = owed_thresholds()
    owing = "".join(
        f"count(*) FILTER (WHERE months_owed >= {int(n)}) AS owing_{int(n)}, " for n in thresholds
    )
    owing_out = "".join(f"COALESCE(w.owing_{int(n)}, 0), " for n in thresholds)
    if lateral:
        owed = LATERAL_OWED.format(state=DUES_STATE_SQL.format(member="sm.id", alias="mm"))
    else:
        owed = SET_OWED.format(
            owed=OWED_MONTHS_SET_SQL.format(members="SELECT id FROM scoped", alias="dm")
        )
    return positional(
        _TOTALS_SQL.format(owed=owed, owing=owing, owing_out=owing_out),
        dues_params(
            as_of,
            key_length=len(root.path) + STEP_LENGTH,
            prefix=root.path + "%",
            depth=root.depth,
        ),
    )


@contextmanager
def jit_off() -> Iterator[None]:
    """PostgreSQL's JIT off for the reads inside (two queries: SET and RESET; nested: once).

    Every dues reading generates months with `generate_series`, whose rows the planner cannot
    see (it expects 1,000 a call): a page of 50 members' `with_dues`, a county's arrears list
    or totals are estimated costly enough to pass `jit_above_cost`, and compiling them takes
    seconds on a 2-CPU machine, 100 times the read itself (docs/benchmarks.md, "Party dues").
    The application's connections have JIT off already (`config.database`); this keeps these
    reads cheap on a connection configured otherwise (a DATABASE_URL with its own options)."""
    depth = getattr(connection, "_dues_jit_off", 0)
    if not depth:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    connection._dues_jit_off = depth + 1  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connection._dues_jit_off = depth  # type: ignore[attr-defined]
        if not depth:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET jit")
            except DatabaseError:  # an aborted transaction: its rollback resets nothing, the
                pass  # next connection use does (a session setting, harmless either way)


def arrears_totals(root: Organization, as_of: dt.date) -> ArrearsTotals:
    """Members in arrears, months and amount owed as of `as_of`, per child organization of
    `root` (a county's townships, a township's branches), and for `root`'s own members if it
    holds any; with the total. One statement, set-based on the one definition of what a member
    owes (`OWED_MONTHS_SET_SQL`, built from the same due months and the same "owed" condition
    as each member's `with_dues`).

    Run with JIT off (`jit_off`): compiling the statement would take longer than the read."""
    thresholds = owed_thresholds()
    sql, params = totals_sql(root, as_of)
    with jit_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    lines: list[ArrearsTotal] = []
    total = ArrearsTotal(
        org_id=root.pk, name=root.name, path=root.path, kind=root.kind, depth=root.depth,
        is_root=True, owing=dict.fromkeys(thresholds, 0),
    )  # fmt: skip
    for row in rows:
        org_id, name, path, kind, depth, has_children, members, in_arrears = row[:8]
        owing_counts = dict(zip(thresholds, row[8 : 8 + len(thresholds)], strict=True))
        months, amount = row[8 + len(thresholds) :]
        line = ArrearsTotal(
            org_id=org_id, name=name, path=path, kind=kind, depth=depth,
            is_root=path == root.path, has_children=has_children, members=members,
            in_arrears=in_arrears, months_owed=int(months), amount_owed=Decimal(amount),
            owing=owing_counts,
        )  # fmt: skip
        if line.is_root and not line.members:
            continue  # a committee holds no members itself: no line of its own
        lines.append(line)
        total.members += line.members
        total.in_arrears += line.in_arrears
        total.months_owed += line.months_owed
        total.amount_owed += line.amount_owed
        for n in thresholds:
            total.owing[n] += line.owing[n]
    return ArrearsTotals(root=root, as_of=as_of, lines=lines, total=total)


# --- Anomalies ------------------------------------------------------------------------------


class AnomalyKind(TextChoices):
    AHEAD = "ahead", _("Paid far ahead")
    BEFORE_STANDARD = "before_standard", _("Paid before the first standard")
    EXEMPT = "exempt", _("Paid in an exempt month")
    AFTER_LEFT = "after_left", _("Paid after leaving the register or losing good standing")


@dataclass(frozen=True)
class Anomaly:
    """A paid month that is suspicious: far ahead, or a month the member owed nothing for."""

    member_id: int
    month: dt.date
    amount: Decimal
    payment_id: int
    paid_on: dt.date
    kind: str

    @property
    def kind_label(self) -> str:
        return str(AnomalyKind(self.kind).label)


#: The paid months (voided aside) of the members of `%(members)s` that are later than
#: `%(limit)s`, or that are not a month due with an amount by the one definition (the due
#: months computed up to `%(limit)s`, so that months paid a little ahead count as due): each
#: member's due months are worked out once (a lateral subquery), then their paid months read.
_ANOMALIES_SQL = """
SELECT p.member_id, p.month, p.amount, p.payment_id, pay.paid_on,
       CASE WHEN p.month > %(limit)s THEN 'ahead'
            WHEN p.month = ANY(d.free) THEN 'exempt'
            WHEN d.first_from IS NULL OR p.month < d.first_from THEN 'before_standard'
            ELSE 'after_left' END AS kind
FROM members_member m
CROSS JOIN LATERAL (
    SELECT COALESCE(array_agg(due.month) FILTER (WHERE due.amount > 0), '{{}}') AS owed,
           COALESCE(array_agg(due.month) FILTER (WHERE due.amount = 0), '{{}}') AS free,
           (SELECT min(st.effective_from) FROM members_duesstandard st
             WHERE st.member_id = m.id) AS first_from
    FROM ({due}) due
) d
JOIN members_duespaidmonth p ON p.member_id = m.id AND NOT p.voided
JOIN members_duespayment pay ON pay.id = p.payment_id
WHERE (p.month > %(limit)s OR NOT p.month = ANY(d.owed))
  AND m.id IN ({{members}})
ORDER BY p.member_id, p.month
"""


def ahead_limit(as_of: dt.date) -> dt.date:
    """The last month that may be paid without being "far ahead": `as_of`'s month plus
    settings.DUES_AHEAD_ANOMALY_MONTHS."""
    return add_months(as_of.replace(day=1), settings.DUES_AHEAD_ANOMALY_MONTHS)


def anomalies(members: Any, as_of: dt.date, limit: int | None = None) -> list[Anomaly]:
    """The anomalous paid months of `members` (a Member queryset) as of `as_of`, by member and
    month: months paid later than `ahead_limit(as_of)`, and months paid with no obligation
    (before the member's first standard, in an exempt month, after the member left the register
    or lost good standing). One statement."""
    last = ahead_limit(as_of)
    # The months due up to the limit, by the one definition: `DUE_MONTHS_SQL` gives the months
    # before its `month`, here the one after the limit.
    named_sql, named = positional(
        _ANOMALIES_SQL.format(due=DUE_MONTHS_SQL.format(member="m.id", alias="m")),
        dues_params(add_months(last, 1), limit=last),
    )
    # The members' subquery comes last: its positional parameters follow the named ones.
    member_sql, member_params = members.order_by().values("pk").query.sql_with_params()
    statement = named_sql.replace("{members}", member_sql)
    params: list[Any] = [*named, *member_params]
    if limit is not None:
        statement += " LIMIT %s"
        params.append(int(limit))
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [Anomaly(*row) for row in cursor.fetchall()]


def members_of(root: Organization) -> Any:
    """The members whose home branch lies in `root`'s subtree (archived ones too: a month paid
    after leaving is an anomaly of a member no longer on the register)."""
    return Member.objects.filter(home_org__path__startswith=root.path)


def anomaly_members(rows: Sequence[Anomaly]) -> dict[int, Member]:
    """The members of `rows` with their branch, in one query."""
    ids = {row.member_id for row in rows}
    if not ids:
        return {}
    return Member.objects.select_related("home_org").in_bulk(ids)
