"""Time the member list and the organization tree at province scale against hand-written SQL.

    python -m benchmarks.run [--rebuild] [--reps 7] [--explain]

For each case the real view is requested through Django's test client (force_login, DEBUG off,
the production middleware and templates), and the same rows are fetched with hand-written SQL
on a plain psycopg2 connection. Each is warmed up once, then repeated (interleaved); medians
are reported.
The "orm" column runs only the querysets the view runs (no HTTP, no template), and "queries" /
"sql" come from one extra instrumented request: they show where the app's time goes.
Results are printed and written to benchmarks/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pypinyin import Style, pinyin

from benchmarks import generate
from benchmarks.db import BASE_DIR, BENCH_DB_NAME, bench_url, connect, default_config

RESULTS_DIR = BASE_DIR / "benchmarks" / "results"
#: Row at this fraction of the scope's list order starts the "deep page".
DEEP_FRACTION = 0.9
COUNTY_INDEX = 41  # the 42nd county: any one will do, a fixed one keeps runs comparable


@dataclass
class Scope:
    label: str
    username: str
    prefix: str  # the materialized path of the organization the role is held on
    region: str  # the county's region code (ID-card prefix) searched for


@dataclass
class Case:
    name: str
    scope: str
    url: str
    params: dict[str, str]
    app_ms: float = 0.0
    orm_ms: float = 0.0
    raw_ms: float = 0.0
    queries: int = 0
    app_sql_ms: float = 0.0
    rows: int = 0
    total: int = 0
    bytes: int = 0
    checks: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.app_ms / self.raw_ms if self.raw_ms else float("nan")


def medians_ms(fns: dict[str, Callable[[], Any]], reps: int) -> dict[str, float]:
    """Median wall time of each function; repetitions interleave the functions, so a burst of
    load on the machine hits all of them alike."""
    for fn in fns.values():
        fn()  # warm-up: caches, plans, connections
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


# --- hand-written SQL ---------------------------------------------------------------------------
#
# What a developer who knows the data would write for the same rows (docs/benchmarks.md explains
# each choice): the two halves of the scope (members at home in the subtree; members shared with
# it from outside) as separate, index-friendly queries, and searches bounded on the sort key.

SHARED = """
    SELECT gp.content_object_id FROM members_membergroupobjectpermission gp
    JOIN organizations_organization g ON g.group_id = gp.group_id
    WHERE gp.permission_id = %(perm)s AND g.path LIKE %(prefix)s
"""
# Each half takes its own first 51 in list order; the page is the first 51 of both.
PAGE = f"""
    SELECT * FROM (
      (SELECT m.*, o.* FROM members_member m
       JOIN organizations_organization o ON o.id = m.home_org_id
       WHERE m.home_org_id IN (SELECT id FROM organizations_organization WHERE path LIKE %(prefix)s)
         AND m.archived_at IS NULL {{search}} {{cursor}}
       ORDER BY m.name_pinyin, m.id LIMIT 51)
      UNION ALL
      (SELECT m.*, o.* FROM members_member m
       JOIN organizations_organization o ON o.id = m.home_org_id
       WHERE o.path NOT LIKE %(prefix)s AND m.id IN ({SHARED})
         AND m.archived_at IS NULL {{search}} {{cursor}}
       ORDER BY m.name_pinyin, m.id LIMIT 51)
    ) page
    ORDER BY 3, 1 LIMIT 51  -- name_pinyin, id
"""
COUNT = f"""
    SELECT
      (SELECT count(*) FROM members_member m
       JOIN organizations_organization o ON o.id = m.home_org_id
       WHERE o.path LIKE %(prefix)s AND m.archived_at IS NULL {{search}})
    + (SELECT count(*) FROM members_member m
       JOIN organizations_organization o ON o.id = m.home_org_id
       WHERE o.path NOT LIKE %(prefix)s AND m.archived_at IS NULL {{search}}
         AND m.id IN ({SHARED}))
"""
CURSOR = "AND (m.name_pinyin, m.id) > (%(after_key)s, %(after_id)s)"


def search_sql(q: str) -> str:
    """MemberQuerySet.search's conditions for the inputs benchmarked here, plus a range on the
    sort key that every match satisfies, so the ordered index walk starts where matches are."""
    if not q:
        return ""
    if q.isdigit():
        return "AND (m.id_number LIKE %(like)s OR m.phone LIKE %(like)s)"
    bounded = "AND m.name_pinyin >= %(low)s AND m.name_pinyin < %(high)s"
    if q.isascii() and q.isalpha():
        return f"AND (m.name_initials LIKE %(like)s OR m.name_pinyin LIKE %(like)s) {bounded}"
    return f"AND m.name LIKE %(like)s {bounded}"


def sort_bounds(q: str) -> tuple[str, str]:
    """[low, high) holding the pinyin key of every name the search matches."""
    if q.isascii():
        # Initials and pinyin both start with the first letter of the pinyin key.
        low = high = q[0].lower()
    else:
        readings = pinyin(q[0], style=Style.NORMAL, heteronym=True)[0]
        low, high = min(readings), max(readings)
    return low, high[:-1] + chr(ord(high[-1]) + 1)


class RawSQL:
    def __init__(self, perm_id: int) -> None:
        self.conn = connect(BENCH_DB_NAME)
        self.conn.autocommit = True
        self.perm_id = perm_id

    def close(self) -> None:
        self.conn.close()

    def _args(self, scope: Scope, q: str, after: tuple[str, int] | None) -> dict[str, Any]:
        args: dict[str, Any] = {
            "prefix": scope.prefix + "%",
            "perm": self.perm_id,
            "like": q.lower() + "%" if q.isascii() else q + "%",
        }
        if after:
            args["after_key"], args["after_id"] = after
        if q and not q.isdigit():
            args["low"], args["high"] = sort_bounds(q)
        return args

    def member_page(
        self, scope: Scope, q: str = "", after: tuple[str, int] | None = None
    ) -> tuple[list[tuple[Any, ...]], int]:
        """One page (51 rows: the page and the "is there more" probe) and the count."""
        args = self._args(scope, q, after)
        search = search_sql(q)
        with self.conn.cursor() as cur:
            cur.execute(PAGE.format(search=search, cursor=CURSOR if after else ""), args)
            rows = cur.fetchall()
            cur.execute(COUNT.format(search=search_sql(q)), args)
            count_row = cur.fetchone()
        return rows, int(count_row[0]) if count_row else 0

    def row_at(self, scope: Scope, offset: int) -> list[tuple[str, int]]:
        """(pinyin, id) of the rows at `offset` and after it in the scope's list order."""
        with self.conn.cursor() as cur:
            cur.execute(
                f"""
                SELECT m.name_pinyin, m.id FROM members_member m
                WHERE (m.home_org_id IN (
                         SELECT id FROM organizations_organization WHERE path LIKE %(prefix)s)
                       OR m.id IN ({SHARED}))
                  AND m.archived_at IS NULL
                ORDER BY m.name_pinyin, m.id OFFSET %(offset)s LIMIT 2
                """,
                {**self._args(scope, "", None), "offset": offset},
            )
            return [(str(a), int(b)) for a, b in cur.fetchall()]

    def tree(self, scope: Scope) -> list[tuple[Any, ...]]:
        """The organizations in scope in path order, each with its non-archived member count."""
        with self.conn.cursor() as cur:
            cur.execute(
                """
                SELECT o.*, COALESCE(c.n, 0) AS direct_members
                FROM organizations_organization o
                LEFT JOIN (
                    SELECT m.home_org_id, count(*) AS n FROM members_member m
                    WHERE m.archived_at IS NULL AND m.home_org_id IN (
                        SELECT id FROM organizations_organization WHERE path LIKE %(prefix)s)
                    GROUP BY m.home_org_id
                ) c ON c.home_org_id = o.id
                WHERE o.path LIKE %(prefix)s
                ORDER BY o.path
                """,
                {"prefix": scope.prefix + "%"},
            )
            return cur.fetchall()

    def explain(self, sql: str) -> str:
        with self.conn.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(str(r[0]) for r in cur.fetchall())

    def server(self) -> str:
        with self.conn.cursor() as cur:
            cur.execute("SHOW server_version")
            row = cur.fetchone()
        return str(row[0]) if row else "?"


# --- the benchmark ------------------------------------------------------------------------------


def setup_django() -> None:
    """Point Django at the benchmark database; must run before anything imports settings."""
    default_config()  # resolves (and starts, if embedded) the default server first
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["DATABASE_URL"] = bench_url()
    import django

    django.setup()


def bench_scopes() -> tuple[list[Scope], dict[str, Any]]:
    """The benchmark's users (created once) and their scopes: one county, the whole province."""
    from core.models import User
    from organizations.models import Organization, Role, RoleKind

    province = Organization.objects.get(depth=1)
    county = Organization.objects.filter(depth=2).order_by("path")[COUNTY_INDEX]
    users: dict[str, Any] = {}
    scopes = []
    for label, username, org, kind in (
        ("county", "bench_county", county, RoleKind.TOWNSHIP_OFFICER),
        ("province", "bench_province", province, RoleKind.COUNTY_OFFICER),
    ):
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": f"基准{label}"}
        )
        if created:
            user.set_unusable_password()
            user.save()
        Role.objects.get_or_create(user=user, organization=org, kind=kind, revoked_at=None)
        users[label] = user
        # Both scopes search the same county's ID-card prefix.
        scopes.append(Scope(label, username, org.path, county.county_code))
    return scopes, users


def cursor_after(member_id: int, next_id: int) -> str:
    """The view's own `after` token for a member: keyset_page over that member and the next."""
    from core.pagination import keyset_page
    from members.models import Member
    from members.register.views import LIST_KEYS

    page = keyset_page(Member.objects.filter(pk__in=[member_id, next_id]), keys=LIST_KEYS, size=1)
    assert page.next_cursor is not None
    return page.next_cursor


def orm_member_list(user: Any, params: dict[str, str]) -> tuple[list[int], int]:
    """What members.views.member_list runs before rendering."""
    from django.conf import settings
    from django.http import QueryDict

    from core.pagination import keyset_page
    from members.models import Member
    from members.register.filters import MemberFilter
    from members.register.views import LIST_KEYS

    user.__dict__.pop("_scope_cache", None)  # a request computes the scope afresh
    query = QueryDict(urlencode(params))
    base = Member.objects.visible_to(user).for_list()
    filterset = MemberFilter(query or None, queryset=base, user=user)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base.active()
    page = keyset_page(
        queryset,
        keys=LIST_KEYS,
        size=settings.MEMBERS_PAGE_SIZE,
        after=query.get("after"),
        before=query.get("before"),
    )
    return [m.pk for m in page.object_list], queryset.count()


def orm_tree(user: Any) -> tuple[int, int]:
    """What organizations.views.organization_tree runs before rendering."""
    from django.db.models import Count, Q

    from organizations.models import Organization
    from organizations.views import build_tree

    user.__dict__.pop("_scope_cache", None)
    orgs = list(
        Organization.objects.visible_to(user)
        .annotate(direct_members=Count("members", filter=Q(members__archived_at__isnull=True)))
        .order_by("path")
    )
    build_tree(orgs)
    return len(orgs), sum(o.direct_members for o in orgs)


def run(reps: int, explain: bool, server_from_url: bool) -> dict[str, Any]:
    from django.contrib.auth.models import Permission
    from django.test import Client

    from members.models import Member

    scopes, users = bench_scopes()
    perm_id = Permission.objects.get(codename="view_member", content_type__app_label="members").pk
    raw = RawSQL(perm_id)
    cases: list[Case] = []
    plans: dict[str, str] = {}
    try:
        for scope in scopes:
            user = users[scope.label]
            client = Client()
            client.force_login(user)
            total = raw.member_page(scope)[1]
            deep = raw.row_at(scope, int(total * DEEP_FRACTION))
            after = cursor_after(deep[0][1], deep[1][1])
            searches = {
                "search pinyin initials": "zs",
                "search name prefix": "张",
                "search ID-number prefix": scope.region + "1980",
            }
            list_cases: list[tuple[str, dict[str, str], str, tuple[str, int] | None]] = [
                ("list first page", {}, "", None),
                (f"list deep page (row {int(total * DEEP_FRACTION):,})", {"after": after}, "",
                 deep[0]),
                *((name, {"q": q}, q, None) for name, q in searches.items()),
            ]  # fmt: skip
            for name, params, q, cursor in list_cases:
                case = Case(name, scope.label, "/members/", params)
                raw_fn = partial(raw.member_page, scope, q, cursor)
                orm_fn = partial(orm_member_list, user, params)
                measure(case, client, raw_fn, orm_fn, reps, plans if explain else None, raw)
                rows, count = raw.member_page(scope, q, cursor)
                ids, orm_count = orm_member_list(user, params)
                case.rows, case.total = min(len(rows), 50), count
                if [r[0] for r in rows[:50]] != ids or count != orm_count:
                    case.checks.append("raw SQL and the view's querysets disagree")
                cases.append(case)
            case = Case("organization tree", scope.label, "/organizations/", {})
            measure(
                case,
                client,
                partial(raw.tree, scope),
                partial(orm_tree, user),
                reps,
                plans if explain else None,
                raw,
            )
            tree_rows = raw.tree(scope)
            case.rows = len(tree_rows)
            case.total = sum(int(r[-1]) for r in tree_rows)
            if orm_tree(user) != (case.rows, case.total):
                case.checks.append("raw SQL and the view's querysets disagree")
            cases.append(case)
        info = {
            "when": dt.datetime.now().isoformat(timespec="seconds"),
            "server": f"PostgreSQL {raw.server()}",
            "database": "server from DATABASE_URL" if server_from_url else "embedded server",
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "reps": reps,
            "members": Member.objects.count(),
        }
    finally:
        raw.close()
    return {"info": info, "cases": [asdict(c) | {"ratio": c.ratio} for c in cases], "plans": plans}


def measure(
    case: Case,
    client: Any,
    raw_fn: Callable[[], Any],
    orm_fn: Callable[[], Any],
    reps: int,
    plans: dict[str, str] | None,
    raw: RawSQL,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = case.url + (f"?{urlencode(case.params)}" if case.params else "")

    def app_fn() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    medians = medians_ms({"app": app_fn, "orm": orm_fn, "raw": raw_fn}, reps)
    case.app_ms, case.orm_ms, case.raw_ms = medians["app"], medians["orm"], medians["raw"]
    with CaptureQueriesContext(connection) as captured:
        response = app_fn()
    case.bytes = len(response.content)
    case.queries = len(captured.captured_queries)
    case.app_sql_ms = 1000 * sum(float(q["time"]) for q in captured.captured_queries)
    if plans is not None:
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        plans[f"{case.scope} · {case.name}"] = (
            f"-- slowest of {case.queries} queries ({float(slowest['time']) * 1000:.1f} ms)\n"
            f"{slowest['sql']}\n\n{raw.explain(slowest['sql'])}"
        )


def table(result: dict[str, Any]) -> str:
    head = ("scope", "case", "app ms", "orm ms", "raw ms", "ratio", "queries", "app sql ms", "KB")
    lines = [head]
    for c in result["cases"]:
        lines.append(
            (
                c["scope"],
                c["name"] + (" (!)" if c["checks"] else ""),
                f"{c['app_ms']:.1f}",
                f"{c['orm_ms']:.1f}",
                f"{c['raw_ms']:.1f}",
                f"{c['ratio']:.1f}",
                str(c["queries"]),
                f"{c['app_sql_ms']:.1f}",
                f"{c['bytes'] / 1024:.0f}",
            )
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    out = []
    for n, row in enumerate(lines):
        cells = [
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    info = result["info"]
    out.append("")
    out.append(
        f"{info['members']:,} members; {info['server']} ({info['database']}); "
        f"{info['cpus']} CPUs; Python {info['python']}; median of {info['reps']} after a warm-up"
    )
    for c in result["cases"]:
        for check in c["checks"]:
            out.append(f"(!) {c['scope']} · {c['name']}: {check}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Member list and tree timings vs raw SQL.")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the benchmark data")
    parser.add_argument("--reps", type=int, default=7, help="timed repetitions per case")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE each case's slowest app query"
    )
    parser.add_argument(
        "--transfers",
        type=int,
        default=1000,
        help="transfers to issue and receive afterwards (benchmarks/transfers.py); 0 skips them",
    )
    args = parser.parse_args(argv)
    server_from_url = bool(os.environ.get("DATABASE_URL"))
    generate.ensure(rebuild=args.rebuild)
    setup_django()
    result = run(args.reps, args.explain, server_from_url)
    text = table(result)
    print()
    print(text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS_DIR / f"{stamp}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    (RESULTS_DIR / f"{stamp}.txt").write_text(text + "\n")
    (RESULTS_DIR / "latest.txt").write_text(text + "\n")
    if result["plans"]:
        plan_text = "\n\n".join(f"== {k}\n{v}" for k, v in result["plans"].items())
        (RESULTS_DIR / f"{stamp}-plans.txt").write_text(plan_text + "\n")
        print(f"\nquery plans: {Path(RESULTS_DIR / f'{stamp}-plans.txt').relative_to(BASE_DIR)}")
    print(f"results: {(RESULTS_DIR / f'{stamp}.json').relative_to(BASE_DIR)}")
    if args.transfers:
        from benchmarks import transfers

        transfers.report(transfers.run(args.reps, args.transfers))


if __name__ == "__main__":
    main()
