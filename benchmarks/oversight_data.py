"""The rows the oversight rules read (issue 12), added once to the province of
`benchmarks.generate` (1,000,000 members, a year of attendance, eleven months of dues), in SQL
(set-based INSERT ... SELECT, never through the ORM); hashes of the member id decide who gets
what, so a rerun makes the same rows:

- a second year of dues: for every member who joined before the first month of
  `benchmarks.dues_data`, a standard from twelve months earlier (or the month they joined) and
  those months paid, one payment per member (months <= 12): the rules read two years of dues;
- absences (mobility episodes) of the mobile members: `benchmarks.transfers.seed_episodes`;
- assigned work: 3% of members have a task open (a third of them assigned seven months or more
  ago: the six-month rule's third condition), 2% one done (5% in all);
- proper reasons (exemptions): 0.3% of members, each condition, a quarter of them over;
- one finding attempt for half of the lost members (1% of members lost contact in
  `benchmarks.generate`), one contact for each absent member at an age from 0 to 400 days.

Each block runs once: it is skipped when its table already holds rows.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from benchmarks.dues_data import MONTHS, months_back
from benchmarks.education_data import recorder_id
from benchmarks.generate import drop_indexes

Log = Callable[[str], None]

HISTORY_PLAN = """
CREATE TEMP TABLE bench_history ON COMMIT DROP AS
SELECT s.member_id, m.home_org_id AS org_id, s.base_income, s.amount, s.rate_id,
       GREATEST(%(hstart)s::date, date_trunc('month', m.joined_on)::date) AS first
FROM members_duesstandard s
JOIN members_member m ON m.id = s.member_id
WHERE s.effective_from = %(start)s AND date_trunc('month', m.joined_on) < %(start)s
"""
HISTORY_STANDARDS = """
INSERT INTO members_duesstandard (
    created_at, effective_from, category, base_income, amount, relief, relief_amount,
    relief_until, relief_reason, relief_approved_by, relief_approved_on, note, member_id,
    rate_id, set_by_id
)
SELECT %(now)s, h.first, 'salaried', h.base_income, h.amount, 'none', NULL::numeric,
       NULL::date, '', '', NULL::date, '', h.member_id, h.rate_id, %(recorder)s
FROM bench_history h
ORDER BY h.member_id
"""
#: One payment per member for the year (ids above those of benchmarks.dues_data: member * 20 + k).
HISTORY_PAYMENTS = """
INSERT INTO members_duespayment (
    id, first_month, months, amount, method, reference, paid_on, received_by, receipt_number,
    note, created_at, voided_at, void_reason, member_id, org_id, recorded_by_id
)
SELECT 40000000 + h.member_id, h.first,
       (extract(year FROM age(%(start)s::date, h.first)) * 12
        + extract(month FROM age(%(start)s::date, h.first)))::int,
       h.amount * (extract(year FROM age(%(start)s::date, h.first)) * 12
                   + extract(month FROM age(%(start)s::date, h.first))),
       'cash', '', h.first + (h.member_id %% 20)::int, '组织委员', '', '', %(now)s, NULL, '',
       h.member_id, h.org_id, %(recorder)s
FROM bench_history h
ORDER BY h.member_id
"""
HISTORY_PAID_MONTHS = """
INSERT INTO members_duespaidmonth (month, amount, voided, member_id, payment_id)
SELECT month::date, h.amount, false, h.member_id, 40000000 + h.member_id
FROM bench_history h
CROSS JOIN LATERAL generate_series(h.first, %(start)s::date - interval '1 month',
                                   interval '1 month') month
ORDER BY h.member_id, month
"""
DUES_TABLES = ("members_duesstandard", "members_duespayment", "members_duespaidmonth")

WORK = """
INSERT INTO oversight_workassignment (
    member_id, organization_id, task, assigned_on, due_on, done_on, outcome, recorded_by_id,
    voided_at, void_reason, created_at
)
SELECT m.id, m.home_org_id,
       CASE WHEN h %% 2 = 0 THEN '联系本村困难党员' ELSE '参与村务监督' END,
       a.assigned_on, a.assigned_on + 30,
       CASE WHEN h >= 30 THEN a.assigned_on + (m.id %% 25)::int END,
       CASE WHEN h >= 30 THEN '已完成' ELSE '' END,
       %(recorder)s, NULL, '', now()
FROM (SELECT id, home_org_id, (id * 2654435761) %% 1000 AS h FROM members_member
      WHERE archived_at IS NULL) m
CROSS JOIN LATERAL (
    SELECT %(today)s::date - CASE WHEN m.h < 10 THEN 210 + (m.id %% 150)::int
                                  ELSE (m.id %% 180)::int END AS assigned_on
) a
WHERE m.h < 50
"""
EXEMPTIONS = """
INSERT INTO oversight_exemption (
    member_id, condition, reason, note, starts_on, ends_on, recorded_by_id, revoked_at,
    revoke_reason, created_at
)
SELECT m.id, (ARRAY['life', 'dues', 'work', 'all'])[1 + (m.id %% 4)::int],
       (ARRAY['illness', 'abroad', 'elderly', 'other'])[1 + (m.id / 4 %% 4)::int],
       '支部委员会认定', s.starts_on,
       s.starts_on + CASE WHEN m.id %% 4 = 0 THEN 90 ELSE 365 END,
       %(recorder)s, NULL, '', now()
FROM members_member m
CROSS JOIN LATERAL (SELECT %(today)s::date - (m.id %% 300)::int AS starts_on) s
WHERE (m.id * 40503) %% 1000 < 3 AND m.archived_at IS NULL
"""
FINDING = """
INSERT INTO members_findingattempt (
    member_id, attempted_on, result, found, recorded_by_id, channel, created_at
)
SELECT m.id, GREATEST(m.lost_contact_since, %(today)s::date - (m.id %% 200)::int),
       '走访原住址未找到', false, %(recorder)s, 'visit', now()
FROM members_member m
WHERE m.lost_contact AND m.id %% 2 = 0
"""
CONTACTS = """
INSERT INTO members_contactrecord (
    member_id, contacted_on, summary, recorded_by_id, channel, created_at
)
SELECT e.member_id, GREATEST(e.out_date, %(today)s::date - (e.member_id %% 400)::int),
       '电话联系, 情况正常', %(recorder)s, 'phone', now()
FROM members_mobilityepisode e
WHERE e.status IN ('registered', 'checked_in')
"""


def _has_rows(cur: Any, table: str, where: str = "TRUE") -> bool:
    cur.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {where})")
    row = cur.fetchone()
    return bool(row and row[0])


def dues_history(conn: Any, log: Log) -> int:
    """The year of dues before `benchmarks.dues_data`'s eleven months (see the docstring)."""
    started = time.monotonic()
    with conn, conn.cursor() as cur:
        cur.execute("SELECT now(), current_date")
        row = cur.fetchone()
        assert row is not None
        now, today = row
        start = months_back(today.replace(day=1), MONTHS)
        hstart = months_back(start, 12)
        if _has_rows(cur, "members_duesstandard", f"effective_from < '{start.isoformat()}'"):
            log("  a second year of dues: already there")
            return 0
        args = {"now": now, "start": start, "hstart": hstart, "recorder": recorder_id(cur, now)}
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute(HISTORY_PLAN, args)
        restore: list[str] = []
        for table in DUES_TABLES:
            restore += drop_indexes(cur, table)
        cur.execute(HISTORY_STANDARDS, args)
        standards = cur.rowcount
        cur.execute(HISTORY_PAYMENTS, args)
        cur.execute(HISTORY_PAID_MONTHS, args)
        paid = cur.rowcount
        log(f"  {standards:,} standards, {paid:,} paid months: {time.monotonic() - started:.1f} s")
        step = time.monotonic()
        for ddl in restore:
            cur.execute(ddl)
        log(f"  indexes and constraints rebuilt: {time.monotonic() - step:.1f} s")
    _analyze(conn, DUES_TABLES)
    log(f"a second year of dues ({hstart:%Y-%m} on) in {time.monotonic() - started:.1f} s")
    return paid


def oversight_rows(conn: Any, log: Log) -> dict[str, int]:
    """Assigned work, exemptions, finding attempts and contacts (see the docstring)."""
    started = time.monotonic()
    counts: dict[str, int] = {}
    with conn, conn.cursor() as cur:
        cur.execute("SELECT now(), current_date")
        row = cur.fetchone()
        assert row is not None
        now, today = row
        args = {"today": today, "recorder": recorder_id(cur, now)}
        for name, table, sql in (
            ("assigned work", "oversight_workassignment", WORK),
            ("exemptions", "oversight_exemption", EXEMPTIONS),
            ("finding attempts", "members_findingattempt", FINDING),
            ("contacts", "members_contactrecord", CONTACTS),
        ):
            if _has_rows(cur, table):
                log(f"  {name}: already there")
                continue
            cur.execute(sql, args)
            counts[name] = cur.rowcount
            log(f"  {cur.rowcount:,} {name}")
    _analyze(
        conn,
        (
            "oversight_workassignment",
            "oversight_exemption",
            "members_findingattempt",
            "members_contactrecord",
        ),
    )
    log(f"oversight rows in {time.monotonic() - started:.1f} s")
    return counts


def _analyze(conn: Any, tables: tuple[str, ...]) -> None:
    autocommit = conn.autocommit
    conn.autocommit = True
    with conn.cursor() as cur:
        for table in tables:
            cur.execute(f"VACUUM ANALYZE {table}")
    conn.autocommit = autocommit


def ensure_oversight(log: Log = print) -> None:
    """Dues (`benchmarks.dues_data`), absences, and this module's rows, each once. Django must
    be set up (the dues rates are seeded through the ORM)."""
    from benchmarks import transfers
    from benchmarks.db import BENCH_DB_NAME, connect
    from benchmarks.dues_data import ensure_dues

    ensure_dues(log)
    conn = connect(BENCH_DB_NAME)
    try:
        with conn, conn.cursor() as cur:
            registered_by = recorder_id(cur, dt.datetime.now(dt.UTC))
        transfers.seed_episodes(registered_by=registered_by, log=log)
        dues_history(conn, log)
        oversight_rows(conn, log)
    finally:
        conn.close()
