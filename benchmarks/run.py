"""Time the member list, the organization tree and a mobile members' list at province scale
against the floor a Django page can reach and against hand-written SQL.

    python -m benchmarks.run [--rebuild] [--reps 7] [--explain] [--transfers 1000]
                             [--only members|transfers|education|dues|oversight]
                             [--education-reps 3] [--dues-reps 3] [--oversight-reps 2]

For each case four things are timed, interleaved, each warmed up once (medians are reported):

- app: the real view through Django's test client (force_login, DEBUG off, the production
  middleware and templates);
- floor: a minimal view that runs the case's hand-written SQL on Django's connection and renders
  the same rows with a plain template, behind the session and auth middleware only
  (benchmarks/floor.py, its own URLconf and client);
- orm: only the querysets the view runs (no HTTP, no template);
- raw: the hand-written SQL (benchmarks/raw.py) on a plain psycopg2 connection.

"queries" and "app sql ms" come from one extra instrumented request of the app's page. Results
are printed and written to benchmarks/results/ (gitignored); docs/benchmarks.md explains them.
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

from benchmarks import generate, transfers
from benchmarks.db import BASE_DIR, BENCH_DB_NAME, bench_url, connect, default_config
from benchmarks.raw import RawSQL

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
    app_ms: float = 0.0
    floor_ms: float = 0.0
    orm_ms: float = 0.0
    raw_ms: float = 0.0
    queries: int = 0
    app_sql_ms: float = 0.0
    rows: int = 0
    total: int = 0
    bytes: int = 0
    floor_bytes: int = 0
    checks: list[str] = field(default_factory=list)

    @property
    def app_floor(self) -> float:
        return self.app_ms / self.floor_ms if self.floor_ms else float("nan")

    @property
    def app_raw(self) -> float:
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
    """What members.register.views.member_list runs before rendering."""
    from django.conf import settings
    from django.http import QueryDict

    from core.pagination import keyset_page
    from members.models import Member
    from members.register.filters import MemberFilter
    from members.register.views import LIST_KEYS, register_count, register_queryset

    user.__dict__.pop("_scope_cache", None)  # a request computes the scope afresh
    query = QueryDict(urlencode(params))
    base = register_queryset(user)
    filterset = MemberFilter(query or None, queryset=base, user=user)
    filtered = filterset.is_bound and filterset.is_valid()
    queryset = filterset.qs if filtered else base.active()
    page = keyset_page(
        queryset,
        keys=LIST_KEYS,
        size=settings.MEMBERS_PAGE_SIZE,
        after=query.get("after"),
        before=query.get("before"),
    )
    parts = [
        filterset.filter_queryset(part) if filtered else part.active()
        for part in Member.objects.visible_parts(user)
    ]
    return [m.pk for m in page.object_list], register_count(parts)


def orm_tree(user: Any) -> tuple[int, int]:
    """What organizations.views.organization_tree runs before rendering."""
    from organizations.views import counted_tree

    user.__dict__.pop("_scope_cache", None)
    roots = counted_tree(user)
    return sum(_size(node) for node in roots), sum(node.total_members for node in roots)


def _size(node: Any) -> int:
    return 1 + sum(_size(child) for child in node.children)


def orm_away(user: Any) -> tuple[list[int], int]:
    """What members.lists.views.mobile_list runs for "my members away" before rendering."""
    from django.conf import settings
    from django.core.paginator import Paginator

    from members.lists.queries import LISTS, Reach, Thresholds

    user.__dict__.pop("_scope_cache", None)
    rows = LISTS["away"].queryset(Reach.of(user), Thresholds())
    page = Paginator(rows, settings.MEMBERS_PAGE_SIZE).get_page(1)
    return [e.pk for e in page.object_list], page.paginator.count


@dataclass
class Target:
    """One page measured four ways: the app, the floor view, the app's querysets, bare SQL."""

    app_url: str
    floor_url: str
    orm: Callable[[], Any]
    raw: Callable[[], Any]


def run(reps: int, explain: bool, server_from_url: bool) -> dict[str, Any]:
    # After django.setup() (setup_django): these modules read the settings when imported.
    from django.contrib.auth.models import Permission
    from django.test import Client

    from benchmarks import floor
    from members.models import Member
    from members.register.views import LIST_COUNT_CAP

    scopes, users = bench_scopes()
    transfers.seed_episodes(registered_by=users["province"].pk)  # for the mobile lists
    perm_id = Permission.objects.get(codename="view_member", content_type__app_label="members").pk
    raw = RawSQL(connect(BENCH_DB_NAME), perm_id)
    raw.conn.autocommit = True
    floor.configure(perm_id, {s.label: s.prefix for s in scopes})
    cases: list[Case] = []
    plans: dict[str, str] = {}
    try:
        for scope in scopes:
            user = users[scope.label]
            app, bare = Client(), floor.floor_client(user)
            app.force_login(user)
            clients = (app, bare, raw, plans if explain else None, reps)
            total = raw.member_page(scope.prefix)[1]
            deep = raw.row_at(scope.prefix, int(total * DEEP_FRACTION))
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
                floor_params = {"q": q} if q else {}
                if cursor:
                    floor_params = {"after_key": cursor[0], "after_id": str(cursor[1])}
                target = Target(
                    _url("/members/", params),
                    _url(f"/members/{scope.label}/", floor_params),
                    partial(orm_member_list, user, params),
                    partial(raw.member_page, scope.prefix, q, cursor),
                )
                case = measure(Case(name, scope.label, target.app_url), target, *clients)
                rows, count = raw.member_page(scope.prefix, q, cursor)
                case.rows, case.total = min(len(rows), 50), count
                ids, orm_count = target.orm()
                # The list counts up to a cap (members.register.views.LIST_COUNT_CAP).
                check(
                    case,
                    ([r[0] for r in rows[:50]], min(count, LIST_COUNT_CAP + 1)),
                    (ids, min(orm_count, LIST_COUNT_CAP + 1)),
                )
                cases.append(case)
            target = Target(
                "/organizations/",
                f"/organizations/{scope.label}/",
                partial(orm_tree, user),
                partial(raw.tree, scope.prefix),
            )
            case = measure(Case("organization tree", scope.label, target.app_url), target, *clients)
            tree_rows = raw.tree(scope.prefix)
            case.rows, case.total = len(tree_rows), sum(int(r[-1]) for r in tree_rows)
            check(case, (case.rows, case.total), target.orm())
            cases.append(case)
            if scope.label == "county":
                target = Target(
                    "/members/mobile/away/",
                    f"/mobile/away/{scope.label}/",
                    partial(orm_away, user),
                    partial(raw.away, scope.prefix),
                )
                case = measure(Case("mobile: members away", scope.label, target.app_url), target,
                               *clients)  # fmt: skip
                away_rows, away_count = raw.away(scope.prefix)
                case.rows, case.total = len(away_rows), away_count
                check(case, ([r[0] for r in away_rows], away_count), target.orm())
                cases.append(case)
        info = {
            "when": dt.datetime.now().isoformat(timespec="seconds"),
            "server": f"PostgreSQL {raw.server()}",
            "database": "server from DATABASE_URL" if server_from_url else "embedded server",
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "reps": reps,
            "members": Member.objects.count(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        }
    finally:
        raw.conn.close()
    return {
        "info": info,
        "cases": [asdict(c) | {"app_floor": c.app_floor, "app_raw": c.app_raw} for c in cases],
        "plans": plans,
    }


def _url(path: str, params: dict[str, str]) -> str:
    return path + (f"?{urlencode(params)}" if params else "")


def check(case: Case, raw_result: Any, orm_result: Any) -> None:
    if raw_result != orm_result:
        case.checks.append("raw SQL and the view's querysets disagree")


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return response


def measure(
    case: Case,
    target: Target,
    app: Any,
    bare: Any,
    raw: RawSQL,
    plans: dict[str, str] | None,
    reps: int,
) -> Case:
    """Time the four interleaved; then one instrumented request of the app's page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    medians = medians_ms(
        {
            "app": partial(_get, app, target.app_url),
            "floor": partial(_get, bare, target.floor_url),
            "orm": target.orm,
            "raw": target.raw,
        },
        reps,
    )
    case.app_ms, case.floor_ms = medians["app"], medians["floor"]
    case.orm_ms, case.raw_ms = medians["orm"], medians["raw"]
    case.floor_bytes = len(_get(bare, target.floor_url).content)
    with CaptureQueriesContext(connection) as captured:
        response = _get(app, target.app_url)
    case.bytes = len(response.content)
    case.queries = len(captured.captured_queries)
    case.app_sql_ms = 1000 * sum(float(q["time"]) for q in captured.captured_queries)
    if plans is not None:
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        plans[f"{case.scope} · {case.name}"] = (
            f"-- slowest of {case.queries} queries ({float(slowest['time']) * 1000:.1f} ms)\n"
            f"{slowest['sql']}\n\n{raw.explain(slowest['sql'])}"
        )
    return case


COLUMNS = (
    ("scope", lambda c: c["scope"]),
    ("case", lambda c: c["name"] + (" (!)" if c["checks"] else "")),
    ("app ms", lambda c: f"{c['app_ms']:.1f}"),
    ("floor ms", lambda c: f"{c['floor_ms']:.1f}"),
    ("orm ms", lambda c: f"{c['orm_ms']:.1f}"),
    ("raw ms", lambda c: f"{c['raw_ms']:.1f}"),
    ("app/floor", lambda c: f"{c['app_floor']:.2f}"),
    ("app/raw", lambda c: f"{c['app_raw']:.2f}"),
    ("queries", lambda c: str(c["queries"])),
    ("app sql ms", lambda c: f"{c['app_sql_ms']:.1f}"),
    ("KB", lambda c: f"{c['bytes'] / 1024:.0f}"),
    ("floor KB", lambda c: f"{c['floor_bytes'] / 1024:.0f}"),
)


def table(result: dict[str, Any]) -> str:
    lines = [tuple(head for head, _cell in COLUMNS)]
    lines += [tuple(cell(c) for _head, cell in COLUMNS) for c in result["cases"]]
    widths = [max(len(row[i]) for row in lines) for i in range(len(COLUMNS))]
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
        f"{info['cpus']} CPUs; Python {info['python']}; median of {info['reps']} after a warm-up; "
        f"load average {info['load']} at the end"
    )
    for c in result["cases"]:
        for check_ in c["checks"]:
            out.append(f"(!) {c['scope']} · {c['name']}: {check_}")
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
    parser.add_argument(
        "--only",
        choices=("members", "transfers", "education", "dues", "oversight"),
        help="run one part: the member pages, the transfers, organizational life "
        "(benchmarks/education.py), party dues (benchmarks/dues.py) or the nightly rules "
        "(benchmarks/oversight.py)",
    )
    parser.add_argument(
        "--education-reps",
        type=int,
        default=3,
        help="timed repetitions of the organizational-life cases (province reads take seconds)",
    )
    parser.add_argument(
        "--dues-reps",
        type=int,
        default=3,
        help="timed repetitions of the party-dues cases (province totals take a minute)",
    )
    parser.add_argument(
        "--oversight-reps",
        type=int,
        default=2,
        help="steady-state runs of the nightly rules and repetitions of their floors",
    )
    args = parser.parse_args(argv)
    server_from_url = bool(os.environ.get("DATABASE_URL"))
    generate.ensure(rebuild=args.rebuild)
    setup_django()
    if args.only in (None, "members"):
        members_part(args, server_from_url)
    if args.transfers and args.only in (None, "transfers"):
        transfers.report(transfers.run(args.reps, args.transfers))
    if args.only in (None, "education"):
        from benchmarks import education

        education.report(education.run(args.education_reps, args.explain))
    if args.only in (None, "dues"):
        from benchmarks import dues

        dues.report(dues.run(args.dues_reps))
    if args.only in (None, "oversight"):
        from benchmarks import oversight

        oversight.report(
            oversight.run(args.oversight_reps, 1000, worker=True, explain=args.explain)
        )


def members_part(args: argparse.Namespace, server_from_url: bool) -> None:
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


if __name__ == "__main__":
    main()
