"""Eleven months of party dues for the province of `benchmarks.generate` (issue 11): two
standards per member (about 2 million) and about 10 million paid months with their payments,
generated in SQL (set-based INSERT ... SELECT over generate_series, never through the ORM).

The months: the eleven before the current one are due (from January when run in December), the
first standard from the first of them (or the month the member joined, if later), the second
from twelve months later (next year's, confirmed in the yearly review ahead of time). Every
member is salaried, with a monthly income of 1,500 to 13,400 yuan (a hash of the member id), so
every band of the 2008 rules has members; next year's income is 5% more.

Who paid what (hashes of the member id, so a rerun makes the same rows):

- 1% exempt on approval (hardship) for this year: nothing owed, nothing paid;
- 2% six months or more behind (the party constitution, art. 9): paid the first 0-4 months;
- 6% a few months behind: 1 to 5 months owed;
- 0.1% paid six months ahead of the current month (an anomaly);
- 11% paid a quarter ahead (to the second month after the current one);
- the rest paid up to last month, a third of them the current month too.

Three in ten members pay every month, the others each quarter (a payment covering the months of
a calendar quarter). Payments are received at the home branch in cash; the rows go into the
tables without their indexes and constraints, which are rebuilt afterwards; then VACUUM ANALYZE.
The 2008 rates are seeded first (`members.dues.rules.seed_rates`: the benchmark's data load
truncates them with the organizations).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from benchmarks.education_data import recorder_id
from benchmarks.generate import drop_indexes

#: Months due before the current one (the first standard's first month is this many back).
MONTHS = 11

#: One row per member: the first month (index k from the first due month), the month index of
#: the last month paid, the two standards' amounts, monthly or quarterly. `h` is the hash that
#: decides who pays what (see the module's docstring).
PLAN = """
CREATE TEMP TABLE bench_dues ON COMMIT DROP AS
WITH members AS (
    SELECT m.id, m.home_org_id AS org_id,
           GREATEST(%(start)s::date, date_trunc('month', m.joined_on)::date) AS first,
           (m.id * 2654435761) %% 1000 AS h,
           (1500 + (m.id * 7919) %% 120 * 100)::numeric AS income,
           m.id %% 10 < 3 AS monthly
    FROM members_member m
), indexed AS (
    SELECT x.*, ((extract(year FROM x.first) - extract(year FROM %(start)s::date)) * 12
                 + extract(month FROM x.first) - extract(month FROM %(start)s::date))::int
                AS first_k,
           round(x.income * 1.05) AS income2
    FROM members x
)
SELECT i.id, i.org_id, i.first, i.first_k, i.h, i.monthly, i.h < 10 AS exempt,
       i.income, r1.id AS rate1, round(i.income * r1.percent / 100, 2) AS amount1,
       i.income2, r2.id AS rate2, round(i.income2 * r2.percent / 100, 2) AS amount2,
       GREATEST(i.first_k - 1, CASE
           WHEN i.h < 10 THEN -1
           WHEN i.h < 30 THEN i.h %% 5 - 1
           WHEN i.h < 90 THEN %(months)s - 2 - i.h %% 5
           WHEN i.h < 91 THEN %(months)s + 6
           WHEN i.h < 200 THEN %(months)s + 2
           WHEN i.h %% 3 = 0 THEN %(months)s
           ELSE %(months)s - 1 END) AS last_k
FROM indexed i
JOIN bench_bands r1 ON i.income > r1.income_over
                   AND (r1.income_up_to IS NULL OR i.income <= r1.income_up_to)
JOIN bench_bands r2 ON i.income2 > r2.income_over
                   AND (r2.income_up_to IS NULL OR i.income2 <= r2.income_up_to)
"""
BANDS = """
CREATE TEMP TABLE bench_bands ON COMMIT DROP AS
SELECT id, income_over, income_up_to, percent FROM members_duesrate
WHERE category = 'salaried' AND county_id IS NULL AND effective_from <= %(start)s
  AND effective_from = (SELECT max(effective_from) FROM members_duesrate
                        WHERE category = 'salaried' AND county_id IS NULL
                          AND effective_from <= %(start)s)
"""
STANDARDS = """
INSERT INTO members_duesstandard (
    created_at, effective_from, category, base_income, amount, relief, relief_amount,
    relief_until, relief_reason, relief_approved_by, relief_approved_on, note, member_id,
    rate_id, set_by_id
)
SELECT %(now)s, d.first, 'salaried', d.income, d.amount1,
       CASE WHEN d.exempt THEN 'exempt' ELSE 'none' END, NULL::numeric, NULL::date,
       CASE WHEN d.exempt THEN '生活困难' ELSE '' END,
       CASE WHEN d.exempt THEN '支部委员会' ELSE '' END,
       CASE WHEN d.exempt THEN d.first END::date, '', d.id, d.rate1, %(recorder)s
FROM bench_dues d
UNION ALL
SELECT %(now)s, %(next_year)s, 'salaried', d.income2, d.amount2, 'none', NULL::numeric,
       NULL::date, '', '', NULL::date, '', d.id, d.rate2, %(recorder)s
FROM bench_dues d
ORDER BY 13, 2
"""
#: Every month paid: its payment is the member's month (monthly) or calendar quarter.
PAID = """
CREATE TEMP TABLE bench_paid ON COMMIT DROP AS
SELECT d.id AS member_id, d.org_id, k,
       (%(start)s::date + make_interval(months => k::int))::date AS month,
       CASE WHEN k < %(next_k)s THEN d.amount1 ELSE d.amount2 END AS amount,
       d.id * 20 + CASE WHEN d.monthly THEN k ELSE (k + %(quarter_shift)s) / 3 END AS payment_id
FROM bench_dues d
CROSS JOIN LATERAL generate_series(d.first_k, d.last_k) k
WHERE NOT d.exempt
"""
PAYMENTS = """
INSERT INTO members_duespayment (
    id, first_month, months, amount, method, reference, paid_on, received_by, receipt_number,
    note, created_at, voided_at, void_reason, member_id, org_id, recorded_by_id
)
SELECT p.payment_id, min(p.month), count(*), sum(p.amount), 'cash', '',
       LEAST(%(today)s::date, min(p.month) + (p.member_id %% 20)::int), '组织委员', '', '',
       %(now)s, NULL, '', p.member_id, p.org_id, %(recorder)s
FROM bench_paid p
GROUP BY p.payment_id, p.member_id, p.org_id
ORDER BY p.payment_id
"""
PAID_MONTHS = """
INSERT INTO members_duespaidmonth (month, amount, voided, member_id, payment_id)
SELECT p.month, p.amount, false, p.member_id, p.payment_id
FROM bench_paid p
ORDER BY p.member_id, p.month
"""
TABLES = ("members_duesstandard", "members_duespayment", "members_duespaidmonth")


def months_back(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def paid_month_count(cur: Any) -> int:
    cur.execute("SELECT EXISTS (SELECT 1 FROM members_duespaidmonth)")
    row = cur.fetchone()
    return 1 if row and row[0] else 0


def generate_dues(conn: Any, log: Callable[[str], None]) -> dict[str, int]:
    """Standards, payments and paid months into the (emptied) dues tables, in one transaction.
    The 2008 rates must be there (`ensure_dues` seeds them)."""
    started = time.monotonic()
    with conn, conn.cursor() as cur:
        cur.execute("SELECT now(), current_date")
        row = cur.fetchone()
        assert row is not None
        now, today = row
        month = today.replace(day=1)
        start = months_back(month, MONTHS)
        args: dict[str, Any] = {
            "now": now,
            "today": today,
            "start": start,
            "months": MONTHS,
            "next_year": months_back(start, -12),
            "next_k": 12,
            # Calendar quarters: the month index k counted from January.
            "quarter_shift": start.month - 1,
            "recorder": recorder_id(cur, now),
        }
        cur.execute(f"TRUNCATE {', '.join(reversed(TABLES))} RESTART IDENTITY")
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute(BANDS, args)
        cur.execute(PLAN, args)
        log(f"  plan: {time.monotonic() - started:.1f} s")
        restore: list[str] = []
        for table in TABLES:
            restore += drop_indexes(cur, table)
        step = time.monotonic()
        cur.execute(STANDARDS, args)
        standards = cur.rowcount
        log(f"  {standards:,} standards: {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        cur.execute(PAID, args)
        cur.execute(PAYMENTS, args)
        payments = cur.rowcount
        log(f"  {payments:,} payments: {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        cur.execute(PAID_MONTHS, args)
        paid = cur.rowcount
        log(f"  {paid:,} paid months: {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        for ddl in restore:
            cur.execute(ddl)
        log(f"  indexes and constraints rebuilt: {time.monotonic() - step:.1f} s")
        for table in TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 1))"
            )
    step = time.monotonic()
    autocommit = conn.autocommit
    conn.autocommit = True
    with conn.cursor() as cur:
        for table in TABLES:
            cur.execute(f"VACUUM ANALYZE {table}")
    conn.autocommit = autocommit
    log(f"  VACUUM ANALYZE: {time.monotonic() - step:.1f} s")
    log(
        f"generated {standards:,} standards, {payments:,} payments and {paid:,} paid months "
        f"in {time.monotonic() - started:.1f} s"
    )
    return {"standards": standards, "payments": payments, "paid_months": paid}


def ensure_dues(log: Callable[[str], None]) -> None:
    """The 2008 rates, and the dues rows unless already there. Django must be set up (the rates
    are seeded through `seed_rates`, ten rows)."""
    from benchmarks.db import BENCH_DB_NAME, connect
    from members.dues.rules import seed_rates

    seed_rates()
    conn = connect(BENCH_DB_NAME)
    try:
        with conn.cursor() as cur:
            held = paid_month_count(cur)
        conn.rollback()
        if held:
            log(f"{BENCH_DB_NAME} already holds paid months of dues: reused")
            return
        log("generating eleven months of dues ...")
        generate_dues(conn, log)
    finally:
        conn.close()
