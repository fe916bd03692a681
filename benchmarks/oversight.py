"""The nightly rules at province scale (issue 12): every rule of `oversight.rules` run by the
engine on 1,000,000 members, against the bare-SQL floors, a per-member loop and the reports,
and the Celery worker's peak memory, all in the same run.

    python -m benchmarks.oversight [--reps 2] [--sample 1000] [--no-worker] [--no-reports]
    python -m benchmarks.run --only oversight      # the same, from `make bench-oversight`

Runs on the benchmark database of `benchmarks.run` (`benchmarks.generate`: members, a year of
attendance), with the dues of `benchmarks.dues_data` and the rows of
`benchmarks.oversight_data` (a second year of dues, absences, assigned work, exemptions,
finding attempts, contacts) added when missing. As of today (Asia/Shanghai):

- rules: `oversight.engine.run_rules(as_of)` with the after-rules steps set aside, so that the
  rules are timed alone: a first run on an empty alert table (every breach opens) and then
  `--reps` runs in the steady state: the nights that follow, each as of the next day (the
  nightly case: little new, most alerts kept; the alerts a night writes are counted). Each
  rule's time is the engine's own (`RuleRun.milliseconds`: its query into a temporary table,
  the close, the keep and the open, in its transaction); the set's time is the whole
  `run_rules` call. The floors, the loop and the plans are as of the last night.
- floors: for each rule with hand-written SQL (`benchmarks/oversight_floors.py`, and
  `oversight_floors_a.py` and `_b.py` when present: `FLOORS` and `PARAMS(as_of)`), the time of
  `SELECT count(*) FROM (<floor>) x` on the application's connection: computing the breaching
  rows, not writing them. The ratio is the rules' steady-state times over their floors' (rules
  without a floor are left out of it, and said so). Each floor's row count is checked against
  the rule's live alerts after the run.
- per-member loop: for a random sample of members on the register (seeded), each member-rule's
  breach query filtered to that member (`RULES[code].breaches(as_of).filter(b_member=id)`: one
  query per member per rule, reading only, writing no alert), extrapolated to every member on
  the register; organization rules the same per organization (`b_org`) over a sample of
  organizations, extrapolated to all of them. The speed-up is the loop's extrapolated time over
  the same rules' steady-state times.
- reports: each step in `oversight.engine.AFTER_RULES` (the reports for every organization),
  timed once on the last steady-state run.
- worker: a real Celery worker (`celery -A config worker --pool solo`, Redis from REDIS_URL,
  the benchmark database) receives `oversight.nightly` for the night after; its peak resident memory
  (VmHWM) is read from /proc before and after, and the nightly's wall time from its run log.

Results go to benchmarks/results/oversight-*.txt (gitignored); docs/benchmarks.md ("Oversight
rules (issue 12)") explains them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from benchmarks.db import BASE_DIR, bench_url

FLOOR_MODULES = (
    "benchmarks.oversight_floors",
    "benchmarks.oversight_floors_a",
    "benchmarks.oversight_floors_b",
)
WORKER_TIMEOUT = 1800  # seconds the worker gets to finish the nightly


@dataclass
class RuleTiming:
    code: str
    subject: str
    first_ms: float = 0.0
    steady_ms: list[float] = field(default_factory=list)
    floor_ms: float | None = None
    floor_shapes: dict[str, float] = field(default_factory=dict)
    floor_rows: int | None = None
    alerts: int = 0
    written: int = 0
    opened: int = 0
    loop_ms_each: float | None = None  # mean per subject
    loop_extrapolated_s: float | None = None
    error: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def steady(self) -> float:
        return statistics.median(self.steady_ms) if self.steady_ms else float("nan")


def _reset_alerts() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE oversight_alert, oversight_rulerun, oversight_nightlyrun RESTART IDENTITY "
            "CASCADE"
        )


def _run_rules(as_of: dt.date) -> tuple[Any, float]:
    """`run_rules` with the after-rules steps set aside; the run and its wall time (ms)."""
    from oversight import engine
    from oversight.models import RunTrigger

    saved = list(engine.AFTER_RULES)
    engine.AFTER_RULES.clear()
    try:
        started = time.perf_counter()
        run = engine.run_rules(as_of, trigger=RunTrigger.COMMAND)
        return run, (time.perf_counter() - started) * 1000
    finally:
        engine.AFTER_RULES.extend(saved)


Floors = dict[str, tuple[str, dict[str, Any]]]


def load_floors(as_of: dt.date) -> tuple[Floors, dict[str, Floors], list[str]]:
    """Every floor module present: rule code → (SQL, parameters); and the other shapes a module
    offers (`ALTERNATIVES`: rule code → label → SQL)."""
    floors: Floors = {}
    alternatives: dict[str, Floors] = {}
    found: list[str] = []
    for name in FLOOR_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue
        found.append(name)
        params = {"as_of": as_of, **module.PARAMS(as_of)}
        for code, sql in module.FLOORS.items():
            floors[code] = (sql, params)
        for code, shapes in getattr(module, "ALTERNATIVES", {}).items():
            for label, sql in shapes.items():
                alternatives.setdefault(code, {})[label] = (sql, params)
    return floors, alternatives, found


def time_floor(
    sql: str, params: dict[str, Any], reps: int, warm_up: bool = True
) -> tuple[float, int]:
    """Median ms of `SELECT count(*) FROM (<floor>) x` (after one warm-up) and the count."""
    from django.db import connection

    counted = f"SELECT count(*) FROM ({sql}) x"
    times = []
    rows = 0
    for n in range(reps + warm_up):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(counted, params)
            (rows,) = cursor.fetchone()
            if n or not warm_up:
                times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), int(rows)


def per_subject_loop(code: str, subject: str, as_of: dt.date, ids: list[int]) -> tuple[float, int]:
    """Mean ms of one rule's breach query filtered to one subject, over `ids`; breaches found."""
    from oversight.rules import RULES

    rule = RULES[code]
    column = "b_member" if subject == "member" else "b_org"
    found = 0
    started = time.perf_counter()
    for pk in ids:
        found += len(list(rule.breaches(as_of).filter(**{column: pk})))
    return (time.perf_counter() - started) * 1000 / max(len(ids), 1), found


def run(
    reps: int, sample: int, worker: bool, explain: bool, reports_too: bool = True
) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from benchmarks.oversight_data import ensure_oversight
    from members.models import Member
    from organizations.models import Organization
    from oversight import engine
    from oversight.models import LIVE_STATUSES, Alert
    from oversight.rules import RULES

    ensure_oversight(print)
    as_of = timezone.localdate()
    timings = {code: RuleTiming(code, rule.subject) for code, rule in RULES.items()}
    notes: list[str] = []

    # (a) the rules: a first run (everything opens), then the steady state.
    _reset_alerts()
    print(f"first run of {len(RULES)} rules as of {as_of} ...", flush=True)
    first, first_ms = _run_rules(as_of)
    for rr in first.rule_runs.all():
        t = timings[rr.rule]
        t.first_ms, t.opened, t.error = rr.milliseconds, rr.opened, rr.error
        print(f"  {rr.rule}: {rr.milliseconds / 1000:.1f} s, {rr.opened:,} opened", flush=True)
    # The steady state is the nights that follow: each run is as of the next day, as the
    # nightly's is (a run as of the same day again would hide figures that move every day).
    steady_total: list[float] = []
    last = first
    for n in range(reps):
        night = as_of + dt.timedelta(days=n + 1)
        last, ms = _run_rules(night)
        steady_total.append(ms)
        for rr in last.rule_runs.all():
            timings[rr.rule].steady_ms.append(rr.milliseconds)
            if rr.error:
                timings[rr.rule].error = rr.error
        print(f"steady-state run {n + 1} as of {night}: {ms / 1000:.1f} s", flush=True)
    as_of = last.as_of  # the floors, the loop and the plans are as of the last night run
    for code, t in timings.items():
        t.alerts = Alert.objects.filter(rule=code, status__in=LIVE_STATUSES).count()
        if reps:
            # The alerts the last night wrote: figures that moved, opened or reopened.
            t.written = Alert.objects.filter(rule=code, seen_run=last).count()
            t.notes.append(f"last night wrote {t.written:,} alerts")

    # (b) the floors.
    floors, alternatives, floor_modules = load_floors(as_of)
    for code, (sql, params) in floors.items():
        if code not in timings:
            notes.append(f"floor for {code}: no such rule registered, ignored")
            continue
        t = timings[code]
        t.floor_ms, t.floor_rows = time_floor(sql, params, reps)
        if t.floor_rows != t.alerts:
            t.notes.append(f"floor answers {t.floor_rows:,} rows, the rule keeps {t.alerts:,}")
        print(f"  floor {code}: {t.floor_ms / 1000:.1f} s, {t.floor_rows:,} rows", flush=True)
        for label, (alt_sql, alt_params) in alternatives.get(code, {}).items():
            ms, rows = time_floor(alt_sql, alt_params, 1, warm_up=False)
            t.floor_shapes[label] = ms
            if rows != t.floor_rows:
                t.notes.append(f"floor shape {label!r} answers {rows:,} rows")
            print(f"  floor {code} ({label}): {ms / 1000:.1f} s, {rows:,} rows", flush=True)
        if t.floor_shapes and min(t.floor_shapes.values()) < t.floor_ms:
            t.notes.append(f"floor: the fastest of {len(t.floor_shapes) + 1} shapes")
            t.floor_ms = min(t.floor_shapes.values())
        t.notes += [f"{label} shape {ms / 1000:.1f} s" for label, ms in t.floor_shapes.items()]

    # (c) the per-member loop.
    rnd = random.Random(2026)
    member_ids = list(Member.objects.active().values_list("pk", flat=True))
    on_register = len(member_ids)
    members = rnd.sample(member_ids, min(sample, on_register))
    del member_ids
    org_ids = list(Organization.objects.values_list("pk", flat=True))
    orgs = rnd.sample(org_ids, min(max(sample // 10, 1), len(org_ids)))
    for code, t in timings.items():
        if t.error:
            continue
        ids, population = (members, on_register) if t.subject == "member" else (orgs, len(org_ids))
        try:
            each, _found = per_subject_loop(code, t.subject, as_of, ids)
        except Exception as error:  # a rule whose query cannot be filtered per subject
            t.notes.append(f"no per-subject loop: {type(error).__name__}: {error}"[:200])
            continue
        t.loop_ms_each = each
        t.loop_extrapolated_s = each * population / 1000
        print(f"  loop {code}: {each:.2f} ms per {t.subject}", flush=True)

    # (d) the reports.
    reports: list[dict[str, Any]] = []
    if not reports_too:
        notes.append("reports: left out (--no-reports)")
    elif not engine.AFTER_RULES:
        notes.append("reports: no step in oversight.engine.AFTER_RULES (build_reports absent)")
    for step in engine.AFTER_RULES if reports_too else []:
        started = time.perf_counter()
        made, failed = 0, ""
        try:
            made = step(last)
        except Exception as failure:
            failed = f"{type(failure).__name__}: {failure}"[:200]
        ms = (time.perf_counter() - started) * 1000
        reports.append({"step": step.__name__, "ms": ms, "made": made, "error": failed})
        print(f"  {step.__name__}: {ms / 1000:.1f} s, {made:,}", flush=True)

    # The plan of the slowest rule, to say why it costs what it costs.
    plans: dict[str, str] = {}
    if explain:
        for code in sorted(timings, key=lambda c: -timings[c].steady)[:3]:
            query, args = RULES[code].breaches(as_of).query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}", args)
                plans[code] = "\n".join(row[0] for row in cursor.fetchall())

    # (e) the worker.
    worker_result = run_worker(as_of + dt.timedelta(days=1)) if worker else None

    info = {
        "as_of": as_of.isoformat(),
        "members": on_register,
        "organizations": len(org_ids),
        "sample": len(members),
        "org_sample": len(orgs),
        "reps": reps,
        "first_ms": first_ms,
        "steady_ms": statistics.median(steady_total) if steady_total else float("nan"),
        "cpus": os.cpu_count(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "floor_modules": floor_modules,
        "counts": _counts(),
    }
    return {
        "info": info,
        "rules": list(timings.values()),
        "reports": reports,
        "worker": worker_result,
        "notes": notes,
        "plans": plans,
    }


def _counts() -> dict[str, int]:
    from django.db import connection

    tables = (
        "members_member",
        "education_attendance",
        "members_duesstandard",
        "members_duespaidmonth",
        "members_mobilityepisode",
        "oversight_workassignment",
        "oversight_exemption",
    )
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            row = cursor.fetchone()
            counts[table] = int(row[0]) if row else 0
    return counts


def _vm(pid: int, key: str) -> int:
    """A /proc/<pid>/status memory figure in kB (VmHWM: the peak resident set)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def run_worker(as_of: dt.date) -> dict[str, Any]:
    """A real Celery worker (solo pool: the task runs in the worker's own process) on the
    benchmark database runs `oversight.nightly` for `as_of`; its peak RSS before and after."""
    from django.conf import settings

    from config.celery import app
    from oversight.models import NightlyRun, RunStatus, RunTrigger

    broker = settings.CELERY_BROKER_URL
    if not broker:
        return {"error": "no broker: set REDIS_URL (or CELERY_BROKER_URL)"}
    env = dict(os.environ)
    env.update(
        DATABASE_URL=bench_url(),
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        CELERY_BROKER_URL=broker,
    )
    queue = f"bench-oversight-{os.getpid()}"
    log_path = BASE_DIR / "benchmarks" / "results" / "oversight-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    before_id = NightlyRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
                "--concurrency", "1", "-Q", queue, "--without-gossip", "--without-mingle",
                "--without-heartbeat", "--loglevel", "INFO", "-n", f"{queue}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        ready = _wait_ready(proc, log_path)
        if not ready:
            return {"error": f"the worker did not start (see {log_path.name})"}
        idle_kb = _vm(proc.pid, "VmHWM")
        started = time.perf_counter()
        app.send_task(
            "oversight.nightly",
            kwargs={"as_of": as_of.isoformat(), "trigger": RunTrigger.SCHEDULE},
            queue=queue,
        )
        run = None
        while time.perf_counter() - started < WORKER_TIMEOUT and proc.poll() is None:
            time.sleep(2)
            run = (
                NightlyRun.objects.filter(pk__gt=before_id)
                .exclude(status=RunStatus.RUNNING)
                .order_by("pk")
                .first()
            )
            if run is not None:
                break
        wall_s = time.perf_counter() - started
        time.sleep(1)  # the task returns after the run's row is saved
        peak_kb = _vm(proc.pid, "VmHWM") if proc.poll() is None else 0
        if run is None or run.finished_at is None:
            return {"error": f"no run finished in {wall_s:.0f} s", "idle_mb": idle_kb / 1024}
        return {
            "idle_mb": idle_kb / 1024,
            "peak_mb": peak_kb / 1024,
            "wall_s": wall_s,
            "run_s": (run.finished_at - run.started_at).total_seconds(),
            "status": run.status,
            "reports": run.reports,
            "error": run.error,
        }
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_ready(proc: subprocess.Popen[bytes], log_path: Any, timeout: float = 120) -> bool:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            return False
        if "ready." in log_path.read_text(errors="replace"):
            return True
        time.sleep(1)
    return False


# --- the report ---------------------------------------------------------------------------------


def _s(ms: float | None) -> str:
    return "" if ms is None or ms != ms else f"{ms / 1000:.2f}"


def table(result: dict[str, Any]) -> str:
    info = result["info"]
    rules: list[RuleTiming] = result["rules"]
    head = (
        f"{'rule':28}  {'first s':>8}  {'steady s':>8}  {'floor s':>8}  {'x floor':>7}  "
        f"{'alerts':>8}  {'loop ms/1':>9}  {'loop 1M s':>10}  {'x loop':>7}  notes"
    )
    out = [head, "-" * len(head)]
    for t in rules:
        ratio = f"{t.steady / t.floor_ms:.2f}" if t.floor_ms else ""
        speedup = (
            f"{t.loop_extrapolated_s * 1000 / t.steady:.0f}"
            if t.loop_extrapolated_s is not None and t.steady == t.steady and t.steady > 0
            else ""
        )
        notes = list(t.notes)
        if t.floor_ms is None:
            notes.insert(0, "no floor")
        if t.error:
            notes.insert(0, f"FAILED: {t.error.splitlines()[-1][:80]}")
        loop_each = "" if t.loop_ms_each is None else f"{t.loop_ms_each:.2f}"
        loop_all = "" if t.loop_extrapolated_s is None else f"{t.loop_extrapolated_s:.0f}"
        out.append(
            f"{t.code:28}  {_s(t.first_ms):>8}  {_s(t.steady):>8}  {_s(t.floor_ms):>8}  "
            f"{ratio:>7}  {t.alerts:>8,}  {loop_each:>9}  {loop_all:>10}  {speedup:>7}  "
            f"{'; '.join(notes)}"
        )
    floored = [t for t in rules if t.floor_ms and not t.error]
    looped = [t for t in rules if t.loop_extrapolated_s is not None and t.steady == t.steady]
    out.append("")
    out.append(
        f"whole set (run_rules, rules only): first run {_s(info['first_ms'])} s, steady state "
        f"{_s(info['steady_ms'])} s (median of {info['reps']})"
    )
    if floored:
        rule_sum = sum(t.steady for t in floored)
        floor_sum = sum(t.floor_ms or 0 for t in floored)
        out.append(
            f"rules with a floor ({len(floored)} of {len(rules)}): steady {_s(rule_sum)} s "
            f"vs floors {_s(floor_sum)} s = {rule_sum / floor_sum:.2f}x (target <= 2x); "
            f"first run {_s(sum(t.first_ms for t in floored))} s = "
            f"{sum(t.first_ms for t in floored) / floor_sum:.2f}x"
        )
    if looped:
        loop_s = sum(t.loop_extrapolated_s or 0 for t in looped)
        set_s = sum(t.steady for t in looped) / 1000
        out.append(
            f"per-subject loop ({info['sample']:,} members, {info['org_sample']:,} "
            f"organizations sampled; {len(looped)} rules): {loop_s:,.0f} s extrapolated to "
            f"{info['members']:,} members / {info['organizations']:,} organizations vs "
            f"{set_s:.1f} s set-based = {loop_s / set_s:.0f}x faster (target >= 50x)"
        )
    for r in result["reports"]:
        out.append(
            f"reports: {r['step']} {r['ms'] / 1000:.1f} s, {r['made']:,} made"
            + (f" (FAILED: {r['error']})" if r["error"] else "")
        )
    w = result["worker"]
    if w is not None:
        if "peak_mb" in w:
            out.append(
                f"worker (celery --pool solo, oversight.nightly, rules and reports): peak RSS "
                f"{w['peak_mb']:.0f} MB (idle {w['idle_mb']:.0f} MB), run {w['run_s']:.1f} s, "
                f"status {w['status']}, {w['reports']:,} reports"
                + (f"; error: {w['error'][:120]}" if w["error"] else "")
            )
        else:
            out.append(f"worker: {w['error']}")
    for note in result["notes"]:
        out.append(f"note: {note}")
    counts = info["counts"]
    out.append("")
    out.append(
        f"{info['members']:,} members on the register, {info['organizations']:,} organizations; "
        + ", ".join(f"~{v:,} {k}" for k, v in counts.items())
        + f"; as of {info['as_of']}; floors from {', '.join(info['floor_modules']) or 'none'}; "
        f"{info['cpus']} CPUs; load average {info['load']} at the end"
    )
    return "\n".join(out)


def report(result: dict[str, Any]) -> str:
    from benchmarks.run import RESULTS_DIR

    text = table(result)
    print()
    print(text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS_DIR / f"oversight-{stamp}.txt").write_text(text + "\n")
    (RESULTS_DIR / "oversight-latest.txt").write_text(text + "\n")
    if result["plans"]:
        plans = "\n\n".join(f"== {code}\n{plan}" for code, plan in result["plans"].items())
        (RESULTS_DIR / f"oversight-{stamp}-plans.txt").write_text(plans + "\n")
    return text


def main(argv: list[str] | None = None) -> None:
    from benchmarks import generate
    from benchmarks.run import setup_django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=2, help="steady-state runs and floor reps")
    parser.add_argument("--sample", type=int, default=1000, help="members in the per-member loop")
    parser.add_argument("--no-worker", action="store_true", help="skip the Celery worker")
    parser.add_argument(
        "--no-reports", action="store_true", help="skip the reports (the rules alone)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the three slowest rules"
    )
    args = parser.parse_args(argv)
    generate.ensure()
    setup_django()
    report(run(args.reps, args.sample, not args.no_worker, args.explain, not args.no_reports))


if __name__ == "__main__":
    main()
