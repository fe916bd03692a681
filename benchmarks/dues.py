"""Party dues at province scale (issue 11): the arrears totals per township and county, the
arrears list's first page, and a page of members' dues, each against hand-written SQL in the
same run.

    python -m benchmarks.dues [--reps 3] [--scope county|province]
    python -m benchmarks.run --only dues          # the same, from `make bench-dues`

Runs on the benchmark database of `benchmarks.run` (built by `benchmarks.generate`); the dues
rows (two standards per member, about 11 million paid months) are added by
`benchmarks.dues_data` when missing. For each case:

- orm: the application's read, evaluated in full: `members.dues.queries.arrears_totals` (the
  totals: one statement, set-based); the arrears list's query (`in_dues_arrears`, keyset-paged,
  `with_dues` on the page's rows only); `with_dues` for 50 members. For the totals the other
  plausible application shape is timed too ("lateral per member": each member's
  `DUES_STATE_SQL` in a lateral subquery, `totals_sql(lateral=True)`);
- raw: hand-written SQL on a plain psycopg2 connection, each shape timed; the fastest is the
  floor. For the totals: due months generated per standard, hash anti-joined with the paid
  months, grouped (with JIT on, the server's default, and off).
- page: the arrears page through Django's test client (the totals and the list together), for
  its time and query count.

After one warm-up, repetitions interleaved. The answers are compared; a disagreement marks the
case (!). Results go to benchmarks/results/dues-*.txt (gitignored); docs/benchmarks.md ("Party
dues") explains them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from benchmarks.db import BENCH_DB_NAME, connect
from benchmarks.education import Timing, _bind, _line, _raw, measure

#: The due months of every standard of the members of `scoped`, by hand (the rule of
#: `members.models.dues_state`, written out: from the standard's month to the month before the
#: next standard, before `month`, before the member left the register or lost good standing).
DUE = """
    due AS (
        SELECT s.member_id, g.month::date AS month,
               CASE WHEN s.relief <> 'none'
                         AND (s.relief_until IS NULL OR g.month <= s.relief_until)
                    THEN CASE WHEN s.relief = 'exempt' THEN 0 ELSE s.relief_amount END
                    ELSE s.amount END AS amount
        FROM (
            SELECT st.*, LEAD(st.effective_from)
                         OVER (PARTITION BY st.member_id ORDER BY st.effective_from) AS next_from
            FROM members_duesstandard st
            WHERE st.member_id IN (SELECT id FROM scoped)
        ) s
        JOIN members_member m ON m.id = s.member_id
        CROSS JOIN LATERAL generate_series(
            s.effective_from,
            LEAST(COALESCE(s.next_from, %(month)s), %(month)s,
                  COALESCE(date_trunc('month', m.archived_at AT TIME ZONE %(tz)s)::date,
                           %(month)s),
                  CASE WHEN m.standing <> 'normal'
                       THEN COALESCE(date_trunc('month', m.standing_since)::date, %(month)s)
                       ELSE %(month)s END) - interval '1 month',
            interval '1 month') g(month)
    )
"""
#: Per child organization: members, in arrears, owing 1/3/6 months or more, months and amount
#: owed. The paid months anti-joined whole (a hash of every paid month).
TOTALS = (
    """
    WITH scoped AS MATERIALIZED (
        SELECT m.id, left(o.path, %(key_length)s) AS key
        FROM members_member m JOIN organizations_organization o ON o.id = m.home_org_id
        WHERE o.path LIKE %(prefix)s AND m.archived_at IS NULL
    ), """
    + DUE
    + """, owed AS (
        SELECT d.member_id, count(*) AS months, sum(d.amount) AS amount
        FROM due d
        WHERE d.amount > 0 AND NOT EXISTS (
            SELECT 1 FROM members_duespaidmonth p
            WHERE p.member_id = d.member_id AND p.month = d.month AND NOT p.voided)
        GROUP BY d.member_id
    )
    SELECT s.key, count(*), count(o.member_id),
           count(*) FILTER (WHERE o.months >= 3), count(*) FILTER (WHERE o.months >= 6),
           COALESCE(sum(o.months), 0), COALESCE(sum(o.amount), 0)
    FROM scoped s LEFT JOIN owed o ON o.member_id = s.id
    GROUP BY s.key ORDER BY s.key
"""
)
#: The same, with the scope's paid months read first (an index range per member for a county,
#: a hash of them all for the province) and the due months anti-joined with those only.
TOTALS_SCOPED = TOTALS.replace(
    """, owed AS (""",
    """, paid AS MATERIALIZED (
        SELECT p.member_id, p.month FROM members_duespaidmonth p
        WHERE NOT p.voided AND p.member_id IN (SELECT id FROM scoped)
    ), owed AS (""",
).replace(
    """SELECT 1 FROM members_duespaidmonth p
            WHERE p.member_id = d.member_id AND p.month = d.month AND NOT p.voided)""",
    """SELECT 1 FROM paid p WHERE p.member_id = d.member_id AND p.month = d.month)""",
)
#: The arrears list's first page: members of the subtree on the register owing a month or
#: more, in pinyin order, the first 51 (the page and "is there a next one").
LIST_PAGE = """
    SELECT m.id FROM members_member m
    WHERE m.archived_at IS NULL
      AND m.home_org_id IN (SELECT id FROM organizations_organization WHERE path LIKE %(prefix)s)
      AND EXISTS (
        SELECT 1 FROM (
            SELECT st.*, LEAD(st.effective_from) OVER (ORDER BY st.effective_from) AS next_from
            FROM members_duesstandard st WHERE st.member_id = m.id
        ) s
        CROSS JOIN LATERAL generate_series(
            s.effective_from,
            LEAST(COALESCE(s.next_from, %(month)s), %(month)s,
                  COALESCE(date_trunc('month', m.archived_at AT TIME ZONE %(tz)s)::date,
                           %(month)s),
                  CASE WHEN m.standing <> 'normal'
                       THEN COALESCE(date_trunc('month', m.standing_since)::date, %(month)s)
                       ELSE %(month)s END) - interval '1 month',
            interval '1 month') g(month)
        WHERE CASE WHEN s.relief <> 'none'
                        AND (s.relief_until IS NULL OR g.month <= s.relief_until)
                   THEN CASE WHEN s.relief = 'exempt' THEN 0 ELSE s.relief_amount END
                   ELSE s.amount END > 0
          AND NOT EXISTS (SELECT 1 FROM members_duespaidmonth p
                          WHERE p.member_id = m.id AND p.month = g.month AND NOT p.voided))
    ORDER BY m.name_pinyin, m.id
    LIMIT 51
"""
#: 50 members' dues: months and amount owed, the first month owed, the last month paid, the
#: last payment's day.
PAGE_DUES = (
    """
    WITH scoped AS (SELECT unnest(%(ids)s::bigint[]) AS id), """
    + DUE
    + """
    SELECT sc.id,
           count(d.month) FILTER (WHERE d.amount > 0 AND p.id IS NULL),
           COALESCE(sum(d.amount) FILTER (WHERE d.amount > 0 AND p.id IS NULL), 0),
           min(d.month) FILTER (WHERE d.amount > 0 AND p.id IS NULL),
           (SELECT max(pm.month) FROM members_duespaidmonth pm
             WHERE pm.member_id = sc.id AND NOT pm.voided),
           (SELECT max(pay.paid_on) FROM members_duespayment pay
             WHERE pay.member_id = sc.id AND pay.voided_at IS NULL)
    FROM scoped sc
    LEFT JOIN due d ON d.member_id = sc.id
    LEFT JOIN members_duespaidmonth p
      ON p.member_id = d.member_id AND p.month = d.month AND NOT p.voided
    GROUP BY sc.id
"""
)


def _jit_off(conn: Any, sql: str, args: dict[str, Any]) -> Callable[[], list[tuple[Any, ...]]]:
    def run() -> list[tuple[Any, ...]]:
        with conn.cursor() as cur:
            cur.execute("SET jit = off")
            try:
                cur.execute(sql, args)
                return cur.fetchall()
            finally:
                cur.execute("RESET jit")

    return run


def _totals_answer(rows: list[tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    return {
        r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), Decimal(r[6])) for r in rows
    }


def run(reps: int, only: str = "", lateral: bool = False) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from benchmarks.dues_data import ensure_dues
    from benchmarks.run import bench_scopes
    from core.pagination import keyset_page
    from members.dues.arrears.views import ARREARS_KEYS
    from members.dues.queries import arrears_totals, jit_off, owed_thresholds, totals_sql
    from members.models import Member
    from organizations.models import Organization

    ensure_dues(print)
    scopes, users = bench_scopes()
    as_of = timezone.localdate()
    month = as_of.replace(day=1)
    lapse = settings.DUES_LAPSE_MONTHS
    assert owed_thresholds() == (1, 3, lapse), "the bare SQL counts 1, 3 and 6 months"
    assert lapse == 6, "the bare SQL counts 1, 3 and 6 months"
    conn = connect(BENCH_DB_NAME)
    conn.autocommit = True
    timings: list[Timing] = []
    pages: list[str] = []
    try:
        for scope in scopes:
            if only and scope.label != only:
                continue
            root = Organization.objects.get(path=scope.prefix)
            args = {
                "prefix": scope.prefix + "%",
                "key_length": len(scope.prefix) + 4,
                "month": month,
                "tz": settings.TIME_ZONE,
            }

            # (a) The totals.
            def app_totals(root: Any = root) -> list[tuple[Any, ...]]:
                totals = arrears_totals(root, as_of)
                return [
                    (t.path, t.members, t.in_arrears, t.owing[1], t.owing[3], t.owing[6],
                     t.months_owed, t.amount_owed)
                    for t in totals.lines
                    if t.members
                ]  # fmt: skip

            def lateral_totals(root: Any = root) -> list[tuple[Any, ...]]:
                sql, params = totals_sql(root, as_of, lateral=True)
                with connection.cursor() as cur:
                    cur.execute("SET jit = off")
                    cur.execute(sql, params)
                    rows = cur.fetchall()
                    cur.execute("RESET jit")
                return [(r[2], r[6], r[7], r[8], r[9], r[10], r[11], r[12]) for r in rows if r[6]]

            def same_totals(a: list[Any], b: list[Any]) -> bool:
                def norm(rows: list[Any]) -> dict[str, tuple[Any, ...]]:
                    if rows and len(rows[0]) == 8:  # the application's: with `in_arrears`
                        return {
                            r[0]: (int(r[1]), int(r[3]), int(r[4]), int(r[5]), int(r[6]),
                                   Decimal(r[7]))
                            for r in rows
                        }  # fmt: skip
                    return _totals_answer(rows)

                return norm(a) == norm(b)

            raws = {
                "hash anti-join": _bind(conn, TOTALS, args),
                "hash anti-join, jit off": _jit_off(conn, TOTALS, args),
                "scope's paid months first, jit off": _jit_off(conn, TOTALS_SCOPED, args),
            }
            timing = measure(
                "arrears totals: arrears_totals", scope.label, app_totals, raws, reps,
                compare=same_totals,
            )  # fmt: skip
            timings.append(timing)
            print(_line(timing), flush=True)
            if scope.label == "county" or lateral:
                # At province scale a subquery per member a million times: 2-3 minutes a run
                # on the 2-CPU machine; timed with --lateral only.
                timing = measure(
                    "arrears totals: lateral per member", scope.label, lateral_totals,
                    {"hash anti-join, jit off": raws["hash anti-join, jit off"]}, reps,
                    compare=same_totals,
                )  # fmt: skip
                timings.append(timing)
                print(_line(timing), flush=True)

            # (b) The arrears list's first page.
            in_subtree = Organization.objects.filter(path__startswith=root.path).values("pk")

            def app_list(in_subtree: Any = in_subtree) -> list[tuple[Any, ...]]:
                owing = (
                    Member.objects.active()
                    .filter(home_org__in=in_subtree)
                    .in_dues_arrears(as_of, 1)
                )
                with jit_off():  # as the page reads it
                    return _list_page(owing)

            def _list_page(owing: Any) -> list[tuple[Any, ...]]:
                page = keyset_page(
                    owing,
                    keys=ARREARS_KEYS,
                    size=settings.MEMBERS_PAGE_SIZE,
                    finish=lambda rows: rows.with_dues(as_of).select_related("home_org"),  # type: ignore[attr-defined]
                )
                return [(m.pk, m.dues.months_owed) for m in page.object_list]

            def raw_list(args: dict[str, Any] = args) -> list[tuple[Any, ...]]:
                ids = [r[0] for r in _raw(conn, LIST_PAGE, args)][: settings.MEMBERS_PAGE_SIZE]
                rows = {r[0]: r for r in _raw(conn, PAGE_DUES, {**args, "ids": ids})}
                return [(i, rows[i][1]) for i in ids]

            timing = measure(
                "arrears list, first page (with its dues)", scope.label, app_list,
                {"exists per member + page dues": raw_list}, reps,
                compare=lambda a, b: a == b,
            )  # fmt: skip
            timings.append(timing)
            print(_line(timing), flush=True)

            # (c) with_dues for a page of 50 members (the first 50 of the scope by pinyin).
            ids = list(
                Member.objects.active()
                .filter(home_org__in=in_subtree)
                .order_by(*ARREARS_KEYS)
                .values_list("pk", flat=True)[:50]
            )

            def app_dues(ids: list[int] = ids) -> list[tuple[Any, ...]]:
                rows = Member.objects.filter(pk__in=ids).with_dues(as_of)
                return [(m.pk, m.dues.months_owed, m.dues.amount_owed) for m in rows]

            def raw_dues(
                ids: list[int] = ids, args: dict[str, Any] = args
            ) -> list[tuple[Any, ...]]:
                return [(r[0], int(r[1]), Decimal(r[2])) for r in
                        _raw(conn, PAGE_DUES, {**args, "ids": ids})]  # fmt: skip

            def app_dues_no_jit(ids: list[int] = ids) -> list[tuple[Any, ...]]:
                with jit_off():
                    return app_dues(ids)

            for name, fn in (
                ("with_dues, 50 members (JIT on)", app_dues),
                ("with_dues, 50 members, in jit_off()", app_dues_no_jit),
            ):
                timing = measure(
                    name, scope.label, fn, {"set-based by hand": raw_dues}, reps,
                    compare=lambda a, b: sorted(a) == sorted(b),
                )  # fmt: skip
                timings.append(timing)
                print(_line(timing), flush=True)

            # The whole page, for its time and query count.
            client = Client()
            client.force_login(users[scope.label])
            client.get("/members/dues/arrears/")  # warm-up
            started = dt.datetime.now()
            with CaptureQueriesContext(connection) as captured:
                response = client.get("/members/dues/arrears/")
            elapsed = (dt.datetime.now() - started).total_seconds() * 1000
            pages.append(
                f"{scope.label:8}  the arrears page (totals and the first page of the list): "
                f"HTTP {response.status_code}, {elapsed:.0f} ms, "
                f"{len(captured.captured_queries)} queries, "
                f"{len(response.content) / 1024:.0f} KB"
            )
            print(pages[-1], flush=True)
        info = {
            "when": dt.datetime.now().isoformat(timespec="seconds"),
            "as_of": as_of.isoformat(),
            "members": Member.objects.count(),
            "standards": _estimate(conn, "members_duesstandard"),
            "paid_months": _estimate(conn, "members_duespaidmonth"),
            "payments": _estimate(conn, "members_duespayment"),
            "cpus": os.cpu_count(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "reps": reps,
        }
    finally:
        conn.close()
    return {"info": info, "timings": timings, "pages": pages}


def _estimate(conn: Any, table: str) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cur.fetchone()
    return int(row[0]) if row else 0


def table(result: dict[str, Any]) -> str:
    head = (
        f"{'scope':8}  {'case':52}  {'orm ms':>9}  {'raw ms':>9}  {'ratio':>5}  {'rows':>9}  "
        f"{'raw (best)':13}  notes"
    )
    out = [head, "-" * len(head)]
    out += [_line(t) for t in result["timings"]]
    out.append("")
    out += result["pages"]
    info = result["info"]
    out.append("")
    out.append(
        f"{info['members']:,} members, ~{info['standards']:,} dues standards, "
        f"~{info['payments']:,} payments, ~{info['paid_months']:,} paid months; as of "
        f"{info['as_of']}; {info['cpus']} CPUs; median of {info['reps']} after a warm-up; "
        f"load average {info['load']} at the end"
    )
    for t in result["timings"]:
        if t.check:
            out.append(f"(!) {t.scope} · {t.name}: {t.check}")
    return "\n".join(out)


def report(result: dict[str, Any]) -> str:
    from benchmarks.run import RESULTS_DIR

    text = table(result)
    print()
    print(text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS_DIR / f"dues-{stamp}.txt").write_text(text + "\n")
    (RESULTS_DIR / "dues-latest.txt").write_text(text + "\n")
    return text


def main(argv: list[str] | None = None) -> None:
    from benchmarks import generate
    from benchmarks.run import setup_django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=3, help="timed repetitions per case")
    parser.add_argument("--scope", choices=("county", "province"), help="only this scope")
    parser.add_argument(
        "--lateral", action="store_true", help="time the per-member shape at province scale too"
    )
    args = parser.parse_args(argv)
    generate.ensure()
    setup_django()
    report(run(args.reps, args.scope or "", args.lateral))


if __name__ == "__main__":
    main()
