"""Transfers at province scale: 1,000 transfers issued and received through the actions, a
county's incoming queue and the transfer suggestions against hand-written SQL.

    python -m benchmarks.transfers [--reps 7] [--count 1000]

Runs on the benchmark database of `benchmarks.run` (built by `benchmarks.generate` if missing).
The database has no absences of its own: the first run adds one current absence for every
mobile member (`seed_episodes`, about 80,000, in one statement) so that the suggestions have
something to find. Each run moves `--count` members from other counties into the benchmark
county (so repeated runs keep finding members to move) and keeps `PENDING` letters issued to
that county unreceived, for its incoming queue. Results are printed and written to
benchmarks/results/transfers-*.txt (gitignored). docs/benchmarks.md explains the method.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.db import BENCH_DB_NAME, connect

#: Letters issued to the benchmark county and not yet received: the incoming queue's rows.
PENDING = 300
#: A page of a list (settings.MEMBERS_PAGE_SIZE).
PAGE = 50

# --- the data the transfers need ----------------------------------------------------------

#: (Run with a parameter: a literal percent sign is written %%.)
#: One current absence per mobile, non-archived member, spread over the last three years:
#: checked in (at a branch of another county) or only registered; 60% name an employer, a third
#: of those with a party organization; the destination is the member's `mobile_destination`.
SEED_EPISODES = """
WITH branches AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM organizations_organization WHERE kind = 'branch'
), places(place, province, city, county) AS (VALUES
    ('广东省深圳市宝安区', '广东省', '深圳市', '宝安区'),
    ('上海市闵行区', '上海市', '', '闵行区'),
    ('江苏省苏州市昆山市', '江苏省', '苏州市', '昆山市'),
    ('北京市朝阳区', '北京市', '', '朝阳区')
)
INSERT INTO members_mobilityepisode (
    status, origin, out_date, destination_province, destination_city, destination_county,
    destination_address, employer, employer_has_party_org, employer_sector, occupation, reason,
    phone_there, inflow_org_id, checked_in_on, end_note, routing_mode, routing_override_reason,
    home_org_id, member_id, registered_by_id, created_at, updated_at
)
SELECT
    CASE WHEN m.id %% 10 < 6 THEN 'checked_in' ELSE 'registered' END,
    'registered',
    d.out_date,
    p.province, p.city, p.county, '',
    CASE WHEN m.id %% 5 < 3 THEN '基准电子科技有限公司' || (m.id %% 97) || '厂' ELSE '' END,
    m.id %% 5 < 3 AND m.id %% 3 = 0,
    '', 'migrant', '务工', '',
    CASE WHEN m.id %% 10 < 6 THEN b.ids[1 + (m.id * 7) %% array_length(b.ids, 1)] END,
    CASE WHEN m.id %% 10 < 6 THEN d.out_date END,
    '', '', '',
    m.home_org_id, m.id, %(registered_by)s, now(), now()
FROM members_member m
JOIN places p ON p.place = m.mobile_destination
CROSS JOIN branches b
CROSS JOIN LATERAL (SELECT current_date - (m.id * 7919 %% 1100)::int AS out_date) d
WHERE m.is_mobile AND m.archived_at IS NULL
"""
#: One mobile member in twenty moved their household registration to where they went.
SEED_REGISTRATIONS = """
UPDATE members_member SET household_registration = mobile_destination || '某街道'
WHERE is_mobile AND archived_at IS NULL AND id % 20 = 0
"""


def seed_episodes(registered_by: int, log: Callable[[str], None] = print) -> None:
    conn = connect(BENCH_DB_NAME)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM members_mobilityepisode")
            row = cur.fetchone()
            if row and row[0]:
                return
            started = time.monotonic()
            cur.execute(SEED_EPISODES, {"registered_by": registered_by})
            episodes = cur.rowcount
            cur.execute(SEED_REGISTRATIONS)
            log(f"  seeded {episodes:,} absences: {time.monotonic() - started:.1f} s")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE members_mobilityepisode")
            cur.execute("ANALYZE members_member")
    finally:
        conn.close()


# --- hand-written SQL ---------------------------------------------------------------------

ORG = "organizations_organization"
QUEUE_SQL = f"""
    SELECT t.id, m.name, fo.name, COALESCE(too.name, t.to_name), t.status, t.number,
           t.valid_until, t.received_on, t.created_at, t.updated_at, t.to_org_id,
           t.member_id, t.from_org_id
    FROM transfers_transfer t
    JOIN members_member m ON m.id = t.member_id
    JOIN {ORG} fo ON fo.id = t.from_org_id
    LEFT JOIN {ORG} too ON too.id = t.to_org_id
    WHERE t.to_org_id IN (SELECT id FROM {ORG} WHERE path LIKE %(prefix)s)
      AND t.status = 'issued'
    ORDER BY t.updated_at DESC, t.id DESC
    LIMIT {PAGE}
"""
SUGGESTED = f"""
    FROM members_mobilityepisode e
    JOIN members_member m ON m.id = e.member_id
    JOIN {ORG} o ON o.id = m.home_org_id
    WHERE e.status IN ('registered', 'checked_in') AND m.archived_at IS NULL
      AND o.path LIKE %(prefix)s
      AND ((e.out_date <= %(cutoff)s AND (e.employer <> '' OR e.destination_address <> ''
                                          OR e.inflow_org_id IS NOT NULL))
        OR (e.destination_county <> ''
            AND strpos(m.household_registration, e.destination_county) > 0
            AND ((e.destination_city <> ''
                  AND strpos(m.household_registration, e.destination_city) > 0)
              OR (replace(e.destination_province, '省', '') <> ''
                  AND strpos(m.household_registration,
                             replace(e.destination_province, '省', '')) > 0))))
      AND NOT EXISTS (
        SELECT 1 FROM transfers_transfer t WHERE t.member_id = m.id
          AND t.status IN ('draft', 'submitted', 'approved', 'issued', 'rejected', 'expired'))
"""
SUGGESTIONS_PAGE_SQL = f"""
    SELECT m.*, o.*, e.id, e.out_date, e.employer, e.destination_county,
      CASE WHEN e.out_date <= %(cutoff)s AND e.employer <> '' AND e.employer_has_party_org
           THEN 'fixed_employer'
           WHEN e.out_date <= %(cutoff)s AND (e.employer <> '' OR e.destination_address <> ''
                                              OR e.inflow_org_id IS NOT NULL)
           THEN 'fixed_place' ELSE 'household_moved' END
    {SUGGESTED}
    ORDER BY m.name_pinyin, m.id LIMIT {PAGE}
"""
SUGGESTIONS_COUNT_SQL = f"SELECT count(*) {SUGGESTED}"


@dataclass
class Timing:
    name: str
    scope: str
    orm_ms: float
    raw_ms: float
    rows: int
    total: int
    page_ms: float | None = None
    check: str = ""

    @property
    def ratio(self) -> float:
        return self.orm_ms / self.raw_ms if self.raw_ms else float("nan")


def medians_ms(fns: dict[str, Callable[[], Any]], reps: int) -> dict[str, float]:
    from benchmarks.run import medians_ms as interleaved

    return interleaved(fns, reps)


# --- the benchmark ------------------------------------------------------------------------


def _candidates(prefix: str, count: int) -> list[int]:
    """`count` members from other counties, not archived, with no open transfer; spread over
    the province (a hash order), different on every run as moved members drop out."""
    conn = connect(BENCH_DB_NAME)
    try:
        with conn.cursor() as cur:
            cur.execute(
                f"""
                SELECT m.id FROM members_member m JOIN {ORG} o ON o.id = m.home_org_id
                WHERE o.path NOT LIKE %(prefix)s AND m.archived_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM transfers_transfer t WHERE t.member_id = m.id
                    AND t.status IN ('draft', 'submitted', 'approved', 'issued', 'rejected',
                                     'expired'))
                ORDER BY md5(m.id::text || %(salt)s) LIMIT %(count)s
                """,
                {"prefix": prefix + "%", "count": count, "salt": str(time.time())},
            )
            return [int(r[0]) for r in cur.fetchall()]
    finally:
        conn.close()


def move_members(
    sender: Any, receiver: Any, county: Any, count: int, receive: bool
) -> dict[str, list[float]]:
    """Start and issue (and receive) one transfer per member into the county's branches,
    through the actions; the wall time of each step, per transfer, in ms."""
    from django.utils import timezone

    from members.models import Member
    from organizations.models import Organization
    from transfers.actions import do_issue_letter, do_receive_transfer, do_start_transfer

    today = timezone.localdate()
    branches = list(
        Organization.objects.filter(path__startswith=county.path, kind="branch").order_by("path")
    )
    members = Member.objects.in_bulk(_candidates(county.path, count))
    times: dict[str, list[float]] = {"start": [], "issue": [], "receive": []}
    for n, member in enumerate(members.values()):
        started = time.perf_counter()
        transfer = do_start_transfer(
            actor=sender,
            member=member,
            to_org=branches[n % len(branches)],
            reason="工作调动（基准）",
            dues_paid_until=today.replace(day=1),
            valid_days=90,
        )
        issued = time.perf_counter()
        do_issue_letter(actor=sender, transfer=transfer, issued_on=today)
        done = time.perf_counter()
        times["start"].append((issued - started) * 1000)
        times["issue"].append((done - issued) * 1000)
        if receive:
            # The receiving side comes to it fresh: its own scope, computed once per request.
            receiver.__dict__.pop("_scope_cache", None)
            do_receive_transfer(actor=receiver, transfer=transfer, received_on=today)
            times["receive"].append((time.perf_counter() - done) * 1000)
    return times


def queue_values(rows: list[Any]) -> list[tuple[Any, ...]]:
    """What the queue page shows of each transfer (templates/transfers/_transfer_rows.html)."""
    return [
        (t.pk, t.member_name, t.from_org_name, t.destination, t.status, t.number, t.valid_until)
        for t in rows
    ]


def run(reps: int, count: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from benchmarks.run import bench_scopes
    from core.scoping import Action
    from members.models import Member
    from organizations.models import Organization
    from transfers.models import Transfer, TransferStatus
    from transfers.queues import change_org_ids
    from transfers.suggestions import away_cutoff, transfer_suggestions

    logging.getLogger("notifications").setLevel(logging.WARNING)
    scopes, users = bench_scopes()
    seed_episodes(registered_by=users["province"].pk)
    county_scope = next(s for s in scopes if s.label == "county")
    county = Organization.objects.get(path=county_scope.prefix)
    sender, receiver = users["province"], users["county"]
    today = timezone.localdate()

    # 1. Issue and receive `count` transfers through the actions.
    started = time.monotonic()
    moved = move_members(sender, receiver, county, count, receive=True)
    wall = time.monotonic() - started
    pending = Transfer.objects.filter(
        to_org__path__startswith=county.path, status=TransferStatus.ISSUED
    ).count()
    if pending < PENDING:
        move_members(sender, receiver, county, PENDING - pending, receive=False)

    # 2. The county's incoming queue: the rows of the page, vs the same rows in bare SQL.
    raw = connect(BENCH_DB_NAME)
    raw.autocommit = True
    timings: list[Timing] = []

    def orm_queue(fresh_scope: bool = True) -> list[tuple[Any, ...]]:
        if fresh_scope:  # as a request does: the user's roles and organizations, looked up
            receiver.__dict__.pop("_scope_cache", None)
        ids = change_org_ids(receiver)  # as the queues page does
        rows = (
            Transfer.objects.visible_to(receiver)
            .incoming(ids)
            .order_by("-updated_at", "-pk")[:PAGE]
            .rows()
        )
        return queue_values(rows)

    def raw_queue() -> list[tuple[Any, ...]]:
        with raw.cursor() as cur:
            cur.execute(QUEUE_SQL, {"prefix": county.path + "%"})
            return [tuple(r[:7]) for r in cur.fetchall()]

    client = Client()
    client.force_login(receiver)
    page_url = reverse("transfers:queues") + "?tab=incoming"

    def page() -> Any:
        response = client.get(page_url)
        if response.status_code != 200:
            raise RuntimeError(f"{page_url}: HTTP {response.status_code}")
        return response

    fns: dict[str, Callable[[], Any]] = {
        "orm": orm_queue,
        "orm_scoped": lambda: orm_queue(fresh_scope=False),
        "raw": raw_queue,
    }
    try:
        page()
        fns["page"] = page
    except Exception as exc:  # the page belongs to another part of the issue: report, go on
        print(f"  (the queue page is not measured: {exc})")
    medians = medians_ms(fns, reps)
    orm_rows, raw_rows = orm_queue(), raw_queue()
    incoming_total = Transfer.objects.filter(
        to_org__path__startswith=county.path, status=TransferStatus.ISSUED
    ).count()
    timings.append(
        Timing(
            "incoming queue (first 50)",
            "county",
            medians["orm"],
            medians["raw"],
            len(orm_rows),
            incoming_total,
            medians.get("page"),
            "" if orm_rows == raw_rows else "raw SQL and the queryset disagree",
        )
    )
    timings.append(
        Timing(
            "incoming queue, scope already known",
            "county",
            medians["orm_scoped"],
            medians["raw"],
            len(orm_rows),
            incoming_total,
        )
    )

    # 3. Suggestions: a page and its count, for the county and the whole province.
    cutoff = away_cutoff(today)
    for scope in scopes:
        user = users[scope.label]

        def orm_suggestions(user: Any = user) -> tuple[list[int], int]:
            user.__dict__.pop("_scope_cache", None)
            qs = transfer_suggestions(Member.objects.visible_to(user, Action.CHANGE), today)
            rows = list(qs.for_list().order_by("name_pinyin", "pk")[:PAGE])
            values = [(m.pk, m.name, m.home_org.name, vars(m)["suggestion_reason"]) for m in rows]
            return [v[0] for v in values], qs.count()

        def raw_suggestions(prefix: str = scope.prefix) -> tuple[list[int], int]:
            args = {"prefix": prefix + "%", "cutoff": cutoff}
            with raw.cursor() as cur:
                cur.execute(SUGGESTIONS_PAGE_SQL, args)
                ids = [int(r[0]) for r in cur.fetchall()]
                cur.execute(SUGGESTIONS_COUNT_SQL, args)
                row = cur.fetchone()
            return ids, int(row[0]) if row else 0

        medians = medians_ms({"orm": orm_suggestions, "raw": raw_suggestions}, reps)
        (orm_ids, orm_count), (raw_ids, raw_count) = orm_suggestions(), raw_suggestions()
        timings.append(
            Timing(
                "suggestions (first 50 + count)",
                scope.label,
                medians["orm"],
                medians["raw"],
                len(orm_ids),
                orm_count,
                check=""
                if (orm_ids, orm_count) == (raw_ids, raw_count)
                else "raw SQL and the queryset disagree",
            )
        )
    raw.close()
    by_reason = dict(
        transfer_suggestions(Member.objects.all(), today)
        .order_by()
        .values("suggestion_reason")  # type: ignore[misc]  # an annotation
        .annotate(n=Count("pk"))
        .values_list("suggestion_reason", "n")
    )
    return {
        "count": len(moved["start"]),
        "wall_s": wall,
        "steps": {
            step: {
                "median_ms": statistics.median(values),
                "mean_ms": statistics.fmean(values),
                "p95_ms": sorted(values)[int(len(values) * 0.95)],
            }
            for step, values in moved.items()
            if values
        },
        "timings": timings,
        "suggested": by_reason,
        "members": Member.objects.count(),
        "reps": reps,
        "page_size": settings.MEMBERS_PAGE_SIZE,
    }


def table(result: dict[str, Any]) -> str:
    out = [
        f"{result['count']:,} transfers started, issued and received through the actions in "
        f"{result['wall_s']:.1f} s ({result['wall_s'] * 1000 / max(result['count'], 1):.1f} ms "
        "per transfer)"
    ]
    for step, t in result["steps"].items():
        out.append(
            f"  {step:8} median {t['median_ms']:6.1f} ms  mean {t['mean_ms']:6.1f} ms  "
            f"p95 {t['p95_ms']:6.1f} ms"
        )
    out.append("")
    head = ("scope", "case", "page ms", "orm ms", "raw ms", "ratio", "rows", "total")
    lines = [head]
    for t in result["timings"]:
        lines.append(
            (
                t.scope,
                t.name + (" (!)" if t.check else ""),
                f"{t.page_ms:.1f}" if t.page_ms is not None else "-",
                f"{t.orm_ms:.1f}",
                f"{t.raw_ms:.1f}",
                f"{t.ratio:.2f}",
                str(t.rows),
                f"{t.total:,}",
            )
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    for n, row in enumerate(lines):
        out.append(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    out.append("")
    out.append(
        f"{result['members']:,} members; suggested now: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(result["suggested"].items()))
        + f"; median of {result['reps']} after a warm-up"
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
    (RESULTS_DIR / f"transfers-{stamp}.txt").write_text(text + "\n")
    (RESULTS_DIR / "transfers-latest.txt").write_text(text + "\n")
    return text


def main(argv: list[str] | None = None) -> None:
    from benchmarks import generate
    from benchmarks.run import setup_django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=7, help="timed repetitions per case")
    parser.add_argument("--count", type=int, default=1000, help="transfers to issue and receive")
    args = parser.parse_args(argv)
    generate.ensure()
    setup_django()
    report(run(args.reps, args.count))


if __name__ == "__main__":
    main()
