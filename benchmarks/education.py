"""Organizational life at province scale (issue 10): every member's last participation and the
six-month rule for a county and for the province, and the province's meeting compliance table,
each against hand-written SQL in the same run.

    python -m benchmarks.education [--reps 5] [--explain]
    python -m benchmarks.run --only education          # the same, from `make bench`

Runs on the benchmark database of `benchmarks.run` (built by `benchmarks.generate`, with the
year of meetings and 12M attendance rows of `benchmarks/education_data.py`). For each case:

- orm: the application's queryset, evaluated in full (every row fetched), as the nightly rule
  or the compliance page would; after one warm-up, repetitions interleaved with the raw SQL;
- raw: the same answer from hand-written SQL on a plain psycopg2 connection. Where more than
  one hand-written shape is plausible, each is timed, and so is the SQL Django generated for
  the case run bare on that connection ("orm's SQL"); the fastest is the floor ("raw").

The answers are compared (the same members with the same dates; the same count); a
disagreement marks the case (!). Results go to benchmarks/results/education-*.txt (gitignored);
docs/benchmarks.md ("Organizational life") explains them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.db import BENCH_DB_NAME, connect

#: The rule: no organizational life in the six months up to the day (issue 10, "Why").
INACTIVE_MONTHS = 6

# --- hand-written SQL ---------------------------------------------------------------------------

#: The scope (run.py's two halves), as the set of member ids: at home in the subtree, or shared
#: with it from outside; each half index-friendly, merged with UNION (a member may be both).
SCOPE = """
    WITH scope AS (
        SELECT m.id FROM members_member m
        WHERE m.archived_at IS NULL AND m.home_org_id IN (
            SELECT id FROM organizations_organization WHERE path LIKE %(prefix)s)
        UNION
        SELECT m.id FROM members_member m
        JOIN members_membergroupobjectpermission gp
          ON gp.content_object_id = m.id AND gp.permission_id = %(perm)s
        JOIN organizations_organization g ON g.group_id = gp.group_id AND g.path LIKE %(prefix)s
        WHERE m.archived_at IS NULL
    )
"""
#: The same with the scope looked up first (one more round trip, timed with it), as the
#: application does: literal id lists let the planner count the scope's members.
SCOPE_BY_IDS = """
    WITH scope AS (
        SELECT m.id FROM members_member m
        WHERE m.archived_at IS NULL
          AND (m.home_org_id = ANY(%(org_ids)s) OR m.id = ANY(%(shared_ids)s))
    )
"""
SCOPE_IDS = """
    SELECT ARRAY(SELECT id FROM organizations_organization WHERE path LIKE %(prefix)s),
           ARRAY(SELECT gp.content_object_id FROM members_membergroupobjectpermission gp
                 JOIN organizations_organization g ON g.group_id = gp.group_id
                 WHERE gp.permission_id = %(perm)s AND g.path LIKE %(prefix)s)
"""
LIFE = "a.status IN ('present', 'online', 'elsewhere')"
HELD = "mt.voided_at IS NULL AND mt.held_on <= %(as_of)s"
#: Every member of the scope with the date of their last life (NULL: none), in three shapes:
#: the scope joined to its rows and grouped; a subquery per member; every member's last date
#: grouped first, then joined to the scope.
LAST_JOINED = f"""{SCOPE}
    SELECT s.id, max(mt.held_on) FROM scope s
    LEFT JOIN education_attendance a ON a.member_id = s.id AND {LIFE}
    LEFT JOIN education_meeting mt ON mt.id = a.meeting_id AND {HELD}
    GROUP BY s.id {{having}}
"""
LAST_PER_MEMBER = f"""{SCOPE}
    SELECT s.id, l.last FROM scope s
    CROSS JOIN LATERAL (
        SELECT max(mt.held_on) AS last
        FROM education_attendance a JOIN education_meeting mt ON mt.id = a.meeting_id
        WHERE a.member_id = s.id AND {LIFE} AND {HELD}
    ) l
    {{where}}
"""
LAST_GROUPED_FIRST = f"""{SCOPE}
    SELECT s.id, l.last FROM scope s
    LEFT JOIN (
        SELECT a.member_id, max(mt.held_on) AS last
        FROM education_attendance a JOIN education_meeting mt ON mt.id = a.meeting_id
        WHERE {LIFE} AND {HELD}
        GROUP BY a.member_id
    ) l ON l.member_id = s.id
    {{where}}
"""
#: The rule's members by anti-join (no life after the cutoff), then their last date.
RULE_ANTI = f"""{SCOPE}
    SELECT s.id, (
        SELECT max(mt.held_on)
        FROM education_attendance a JOIN education_meeting mt ON mt.id = a.meeting_id
        WHERE a.member_id = s.id AND {LIFE} AND {HELD})
    FROM scope s
    WHERE NOT EXISTS (
        SELECT 1 FROM education_attendance a JOIN education_meeting mt ON mt.id = a.meeting_id
        WHERE a.member_id = s.id AND {LIFE} AND {HELD} AND mt.held_on > %(cutoff)s)
"""
INACTIVE = "WHERE l.last IS NULL OR l.last <= %(cutoff)s"
#: The shapes timed per scope: a county's 10,000 members are best read member by member, the
#: province's million by grouping (a subquery per member a million times is no floor; the
#: whole table grouped for one county neither).
RAW_LAST = {
    "county": {
        "joined": LAST_JOINED.format(having=""),
        "per member": LAST_PER_MEMBER.format(where=""),
    },
    "province": {
        "joined": LAST_JOINED.format(having=""),
        "grouped first": LAST_GROUPED_FIRST.format(where=""),
    },
}
RAW_RULE = {
    "county": {
        "joined": LAST_JOINED.format(
            having="HAVING max(mt.held_on) IS NULL OR max(mt.held_on) <= %(cutoff)s"
        ),
        "per member": LAST_PER_MEMBER.format(where=INACTIVE),
        "anti-join": RULE_ANTI,
    },
    "province": {
        "joined": LAST_JOINED.format(
            having="HAVING max(mt.held_on) IS NULL OR max(mt.held_on) <= %(cutoff)s"
        ),
        "anti-join": RULE_ANTI,
    },
}

#: The compliance table: for every branch-level organization of the subtree and every kind it
#: must hold (settings.MEETING_FREQUENCIES; committee meetings only where the branch has
#: BRANCH_COMMITTEE_MIN_MEMBERS members or more), the last date held, and whether it was held
#: in the current period (up to the day) and in the previous complete one.
COMPLIANCE = """
    WITH orgs AS (
        SELECT id FROM organizations_organization
        WHERE path LIKE %(prefix)s AND kind = ANY(%(org_kinds)s) AND is_active
    ), sizes AS (
        SELECT home_org_id, count(*) AS n FROM members_member
        WHERE archived_at IS NULL AND home_org_id IN (SELECT id FROM orgs)
        GROUP BY home_org_id
    ), rules (kind, current_start, previous_start) AS (
        SELECT * FROM unnest(%(kinds)s::text[], %(current)s::date[], %(previous)s::date[])
    ), required AS (
        SELECT o.id, r.kind, r.current_start, r.previous_start
        FROM orgs o CROSS JOIN rules r LEFT JOIN sizes s ON s.home_org_id = o.id
        WHERE r.kind <> 'committee' OR COALESCE(s.n, 0) >= %(committee_min)s
    )
    SELECT q.id, q.kind, max(mt.held_on),
           COALESCE(bool_or(mt.held_on >= q.current_start), false),
           COALESCE(bool_or(mt.held_on >= q.previous_start AND mt.held_on < q.current_start),
                    false)
    FROM required q
    LEFT JOIN education_meeting mt
      ON mt.organization_id = q.id AND mt.kind = q.kind AND mt.voided_at IS NULL
     AND mt.held_on >= q.previous_start AND mt.held_on <= %(as_of)s
    GROUP BY q.id, q.kind
"""
#: The same with the last date ever held (not only within the two periods).
COMPLIANCE_LAST_EVER = COMPLIANCE.replace(
    "AND mt.held_on >= q.previous_start AND mt.held_on <= %(as_of)s",
    "AND mt.held_on <= %(as_of)s",
)


def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the month, quarter or year holding `day`."""
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def previous_start(day: dt.date, period: str) -> dt.date:
    """The first day of the period before the one holding `day`."""
    return period_start(period_start(day, period) - dt.timedelta(days=1), period)


def compliance_args(prefix: str, as_of: dt.date) -> dict[str, Any]:
    from django.conf import settings

    from education.meetings.actions import kinds_for
    from organizations.models import BRANCH_KINDS, Organization, OrgKind

    org_kinds = sorted(BRANCH_KINDS | {OrgKind.TEMPORARY_BRANCH})
    held = kinds_for(Organization(kind=OrgKind.BRANCH))
    rules = sorted(
        (kind, period)
        for kind, period in settings.MEETING_FREQUENCIES.items()
        if period and kind in held
    )
    return {
        "prefix": prefix + "%",
        "org_kinds": org_kinds,
        "kinds": [k for k, _ in rules],
        "current": [period_start(as_of, p) for _, p in rules],
        "previous": [previous_start(as_of, p) for _, p in rules],
        "committee_min": settings.BRANCH_COMMITTEE_MIN_MEMBERS,
        "as_of": as_of,
    }


# --- the benchmark ------------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    scope: str
    orm_ms: float | None
    raw_ms: float
    rows: int
    raw_best: str = ""
    raw_all: dict[str, float] = field(default_factory=dict)
    note: str = ""
    check: str = ""

    @property
    def ratio(self) -> float:
        return self.orm_ms / self.raw_ms if self.orm_ms is not None and self.raw_ms else 0.0


def _raw(conn: Any, sql: str, args: Any) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def _answer(rows: list[tuple[Any, ...]]) -> dict[int, Any]:
    return {int(r[0]): r[1] for r in rows}


def measure(
    name: str,
    scope: str,
    orm: Callable[[], list[tuple[Any, ...]]] | None,
    raws: dict[str, Callable[[], list[tuple[Any, ...]]]],
    reps: int,
    compare: Callable[[list[Any], list[Any]], bool] | None = None,
    note: str = "",
) -> Timing:
    from benchmarks.run import medians_ms

    fns: dict[str, Callable[[], Any]] = {f"raw {k}": v for k, v in raws.items()}
    if orm is not None:
        fns = {"orm": orm, **fns}
    medians = medians_ms(fns, reps)
    raw_all = {k[4:]: v for k, v in medians.items() if k.startswith("raw ")}
    best = min(raw_all, key=lambda k: raw_all[k])
    reference = raws[best]()
    timing = Timing(
        name, scope, medians.get("orm"), raw_all[best], len(reference), best, raw_all, note
    )
    answers = {k: fn() for k, fn in raws.items() if k != best}
    if orm is not None:
        answers["orm"] = orm()
    same = compare or (lambda a, b: _answer(a) == _answer(b))
    wrong = [k for k, rows in answers.items() if not same(rows, reference)]
    if wrong:
        timing.check = f"{', '.join(wrong)} disagree with raw {best}"
    return timing


def compliance_orm(root: Any, as_of: dt.date) -> Callable[[], list[Any]] | str:
    """`education.compliance.queries.compliance_table(root, as_of)` (issue 10, item 4), or why it
    cannot be measured: imported by name, so this branch runs (and type-checks) without it."""
    try:
        module = importlib.import_module("education.compliance.queries")
        table = module.compliance_table
    except (ImportError, AttributeError) as exc:
        return f"not available ({exc})"

    def run() -> list[Any]:
        return list(table(root, as_of))

    return run


def run(reps: int, explain: bool = False, only: str = "") -> dict[str, Any]:
    from django.contrib.auth.models import Permission
    from django.db.models import Q
    from django.utils import timezone

    from benchmarks.run import bench_scopes
    from core.months import months_before
    from education import life
    from members.models import Member
    from organizations.models import Organization

    scopes, users = bench_scopes()
    as_of = timezone.localdate()
    cutoff = months_before(as_of, INACTIVE_MONTHS)
    perm = Permission.objects.get(codename="view_member", content_type__app_label="members").pk
    conn = connect(BENCH_DB_NAME)
    conn.autocommit = True
    timings: list[Timing] = []
    plans: dict[str, str] = {}
    inactive = Q(last_life_on__isnull=True) | Q(last_life_on__lte=cutoff)
    try:
        for scope in scopes:
            if only and scope.label != only:
                continue
            user = users[scope.label]
            args = {"prefix": scope.prefix + "%", "perm": perm, "as_of": as_of, "cutoff": cutoff}

            def members(user: Any = user) -> Any:
                user.__dict__.pop("_scope_cache", None)  # the scope looked up, as a job would
                return Member.objects.visible_to(user).active()

            def correlated() -> Any:
                return life.with_last_life(members(), as_of).values_list("pk", "last_life_on")

            def grouped() -> Any:
                return life.last_life_by_member(members(), as_of).values_list("pk", "last_life_on")

            def rule_correlated() -> Any:
                qs = life.with_last_life(members(), as_of).filter(inactive)
                return qs.values_list("pk", "last_life_on")

            def rule_grouped() -> Any:
                qs = life.last_life_by_member(members(), as_of).filter(inactive)
                return qs.values_list("pk", "last_life_on")

            def rule_without_life() -> Any:
                # The rule's own read (education.life.without_life): the same members, as
                # an anti-join; it answers ids only (the compare below reads ids).
                qs = life.without_life(members(), as_of=as_of, months=INACTIVE_MONTHS)
                return qs.values_list("pk", flat=False)

            raw_last = _variants(conn, RAW_LAST[scope.label], args)
            raw_rule = _variants(conn, RAW_RULE[scope.label], args)
            if scope.label == "province":
                # The path-prefix form of "joined" is the slowest there (a hash of a million
                # ids against the whole table), 30-40 s: not a floor, left out.
                raw_last.pop("joined")
                raw_rule.pop("joined")
            for name, queryset, raws in (
                ("last life, every member: with_last_life", correlated, raw_last),
                ("last life, every member: last_life_by_member", grouped, raw_last),
                (f"no life for {INACTIVE_MONTHS} months: with_last_life", rule_correlated,
                 raw_rule),
                (f"no life for {INACTIVE_MONTHS} months: last_life_by_member", rule_grouped,
                 raw_rule),
                (f"no life for {INACTIVE_MONTHS} months: without_life", rule_without_life,
                 raw_rule),
            ):  # fmt: skip
                reps_here = reps
                raws = {**raws, "orm's SQL": _bare(conn, queryset())}
                if scope.label == "province" and queryset in (correlated, rule_correlated):
                    # A subquery per member, a million times (a minute on a loaded machine):
                    # one timing, against the shape the grouped read takes.
                    reps_here = 1
                    raws = {k: v for k, v in raws.items() if k == "joined, ids"}
                timing = measure(
                    name,
                    scope.label,
                    _evaluate(queryset),
                    raws,
                    reps_here,
                    compare=_same_ids if queryset is rule_without_life else None,
                )
                if reps_here != reps:
                    timing.note = f"median of {reps_here}"
                timings.append(timing)
                print(_line(timing), flush=True)
                if explain:
                    plans[f"{scope.label} · {name}"] = _explain(conn, _evaluate(queryset))
            root = Organization.objects.get(path=scope.prefix)
            c_args = compliance_args(scope.prefix, as_of)
            orm_fn = compliance_orm(root, as_of)
            timing = measure(
                "compliance table",
                scope.label,
                orm_fn if callable(orm_fn) else None,
                {
                    "two periods": _bind(conn, COMPLIANCE, c_args),
                    "last ever": _bind(conn, COMPLIANCE_LAST_EVER, c_args),
                    **_compliance_same_shape(conn, root, as_of),
                },
                reps,
                # Rows of the application's own shape: compared by number of branches only.
                compare=lambda a, b: True,
                note="" if callable(orm_fn) else orm_fn,
            )
            timings.append(timing)
            print(_line(timing), flush=True)
        info = {
            "when": dt.datetime.now().isoformat(timespec="seconds"),
            "as_of": as_of.isoformat(),
            "cutoff": cutoff.isoformat(),
            "members": Member.objects.count(),
            "attendance": _estimate(conn, "education_attendance"),
            "meetings": _estimate(conn, "education_meeting"),
            "cpus": os.cpu_count(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "reps": reps,
        }
    finally:
        conn.close()
    return {"info": info, "timings": timings, "plans": plans}


def _same_ids(a: list[Any], b: list[Any]) -> bool:
    return {int(r[0]) for r in a} == {int(r[0]) for r in b}


def _compliance_same_shape(
    conn: Any, root: Any, as_of: dt.date
) -> dict[str, Callable[[], list[tuple[Any, ...]]]]:
    """The application's own two statements written by hand (`BARE_SQL`: the organizations with
    the 7-member test, then the meetings with their 24-month mask), run bare: the floor of the
    same answer, where "two periods" answers less (no grid of the last twelve months)."""
    try:
        module = importlib.import_module("education.compliance.queries")
        statements, params = module.BARE_SQL, module.bare_params(root, as_of)
    except (ImportError, AttributeError):
        return {}

    def run() -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for sql in statements.values():
            rows = _raw(conn, sql, params)
        return rows

    return {"same shape": run}


def _evaluate(queryset: Callable[[], Any]) -> Callable[[], list[tuple[Any, ...]]]:
    """The queryset built (the user's scope looked up) and read in full, every time."""
    return lambda: list(queryset())


def _bare(conn: Any, queryset: Any) -> Callable[[], list[tuple[Any, ...]]]:
    """The SQL Django generates for `queryset` (its scope already resolved into it), run on
    the plain connection: the application's query without the application."""
    sql, params = queryset.query.sql_with_params()
    return lambda: _raw(conn, sql, params)


def _bind(conn: Any, sql: str, args: dict[str, Any]) -> Callable[[], list[tuple[Any, ...]]]:
    return lambda: _raw(conn, sql, args)


def _bind_by_ids(conn: Any, sql: str, args: dict[str, Any]) -> Callable[[], list[tuple[Any, ...]]]:
    """`sql` with the scope by literal ids: the subtree's organizations read first."""

    def run() -> list[tuple[Any, ...]]:
        org_ids, shared_ids = _raw(conn, SCOPE_IDS, args)[0]
        return _raw(conn, sql, {**args, "org_ids": org_ids, "shared_ids": shared_ids})

    return run


def _variants(
    conn: Any, shapes: dict[str, str], args: dict[str, Any]
) -> dict[str, Callable[[], list[tuple[Any, ...]]]]:
    """Each shape with the scope as a path prefix, and (the first shape) by literal ids."""
    variants = {k: _bind(conn, sql, args) for k, sql in shapes.items()}
    first, sql = next(iter(shapes.items()))
    variants[f"{first}, ids"] = _bind_by_ids(conn, sql.replace(SCOPE, SCOPE_BY_IDS), args)
    return variants


def _estimate(conn: Any, table: str) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cur.fetchone()
    return int(row[0]) if row else 0


def _explain(conn: Any, orm: Callable[[], Any]) -> str:
    """EXPLAIN ANALYZE of the queryset's query (the last one the function runs)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        orm()
    sql = captured.captured_queries[-1]["sql"]
    with conn.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return sql + "\n\n" + "\n".join(str(r[0]) for r in cur.fetchall())


def _line(t: Timing) -> str:
    orm = f"{t.orm_ms:9.1f}" if t.orm_ms is not None else "        -"
    ratio = f"{t.ratio:5.2f}" if t.orm_ms is not None else "    -"
    others = ", ".join(f"{k} {v:.1f}" for k, v in t.raw_all.items() if k != t.raw_best)
    extra = "; ".join(x for x in (t.note, f"other raw: {others}" if others else "") if x)
    flag = " (!)" if t.check else ""
    return (
        f"{t.scope:8}  {t.name + flag:52}  {orm}  {t.raw_ms:9.1f}  {ratio}  {t.rows:>9,}  "
        f"{t.raw_best:13}  {extra}"
    )


def table(result: dict[str, Any]) -> str:
    head = (
        f"{'scope':8}  {'case':52}  {'orm ms':>9}  {'raw ms':>9}  {'ratio':>5}  {'rows':>9}  "
        f"{'raw (best)':13}  notes"
    )
    out = [head, "-" * len(head)]
    out += [_line(t) for t in result["timings"]]
    info = result["info"]
    out.append("")
    out.append(
        f"{info['members']:,} members, ~{info['attendance']:,} attendance rows, "
        f"~{info['meetings']:,} meetings; as of {info['as_of']} (the rule's cutoff "
        f"{info['cutoff']}); {info['cpus']} CPUs; median of {info['reps']} after a warm-up; "
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
    (RESULTS_DIR / f"education-{stamp}.txt").write_text(text + "\n")
    (RESULTS_DIR / "education-latest.txt").write_text(text + "\n")
    if result["plans"]:
        plan_text = "\n\n".join(f"== {k}\n{v}" for k, v in result["plans"].items())
        (RESULTS_DIR / f"education-{stamp}-plans.txt").write_text(plan_text + "\n")
    return text


def main(argv: list[str] | None = None) -> None:
    from benchmarks import generate
    from benchmarks.run import setup_django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=5, help="timed repetitions per case")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the querysets")
    parser.add_argument("--scope", choices=("county", "province"), help="only this scope")
    args = parser.parse_args(argv)
    generate.ensure()
    setup_django()
    report(run(args.reps, args.explain, args.scope or ""))


if __name__ == "__main__":
    main()
