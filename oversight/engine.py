"""The nightly run: every rule's breaches become alerts, set-based, a few statements per rule.

- **The breaches**: the rule's query runs once, alone, into a temporary table; a second one
  joins each breach with the alert of the same key (`alert_breach_key`) if there is one.
- **Close**: one `UPDATE` resolves the rule's live alerts that are not among the breaches.
- **Keep**: one `UPDATE` refreshes the figures and severity of the alerts found again, only
  where they changed (the steady state writes nothing: a live alert is one the last run found),
  and reopens resolved ones whose breach came back in the same period. Dismissed ones stay
  dismissed.
- **Open**: one `INSERT ... ON CONFLICT DO NOTHING` opens the new breaches.

Each rule runs in its own transaction: one failing rule is rolled back and named in the run
log, and the others finish. A PostgreSQL advisory lock, held by the run's connection, makes two
runs at once impossible (a killed worker's connection dies and releases it); the next run marks
a run left "running" as interrupted. Running twice for the same day changes nothing the second
time but the run log. Nothing here changes a member."""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.types import AnyUser
from oversight import rules as registry
from oversight.models import NightlyRun, RuleRun, RunStatus, RunTrigger

log = logging.getLogger(__name__)

#: The advisory lock's key: one run of the rules at a time, for any date.
LOCK_KEY = 0x6F766572  # "over"


class RunInProgressError(Exception):
    """Another run holds the lock."""

    def __init__(self, running: NightlyRun | None) -> None:
        self.running = running
        if running is None:
            message = _("Another run of the checks is in progress.")
        else:
            message = _(
                "Another run of the checks (as of %(day)s, started %(time)s) is in progress."
            ) % {
                "day": running.as_of.isoformat(),
                "time": timezone.localtime(running.started_at).strftime("%Y-%m-%d %H:%M"),
            }
        super().__init__(message)


@contextmanager
def run_lock() -> Iterator[None]:
    """Hold the run lock (a session-level advisory lock), or raise `RunInProgressError`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        (locked,) = cursor.fetchone()
    if not locked:
        running = NightlyRun.objects.filter(status=RunStatus.RUNNING).order_by("-started_at")
        raise RunInProgressError(running.first())
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


@dataclass
class Counts:
    opened: int = 0
    reopened: int = 0
    still_open: int = 0
    closed: int = 0


#: The rule's breaches as its query answers them, alone in a statement of their own: joined in
#: one statement with the alerts, the planner reshaped the rule's query around the join (a
#: 4-second rule took 3 minutes).
_FOUND = "CREATE TEMPORARY TABLE oversight_found ON COMMIT DROP AS "

#: One row per alert key (the most severe when a query repeats a key), each with the live or
#: closed alert it matches, if any: read by the statements below, dropped at the end of the
#: rule's transaction.
_BREACHES = """
CREATE TEMPORARY TABLE oversight_breach ON COMMIT DROP AS
SELECT DISTINCT ON (b.b_org, b.b_member, b.b_subject_org, b.b_key, b.b_period)
    b.b_org, b.b_member, b.b_subject_org, b.b_key, b.b_period, b.b_severity,
    b.b_detail, a.id AS alert_id, a.status AS alert_status,
    (a.severity IS DISTINCT FROM b.b_severity OR a.detail IS DISTINCT FROM b.b_detail)
        AS changed
FROM (
    SELECT f.b_org, f.b_member, f.b_subject_org, f.b_key, {period} AS b_period,
        {severity} AS b_severity, f.b_detail::jsonb AS b_detail
    FROM oversight_found f
) b
LEFT JOIN oversight_alert a
    ON a.rule = %s
    AND a.organization_id = b.b_org
    AND coalesce(a.member_id, 0) = coalesce(b.b_member, 0)
    AND coalesce(a.subject_org_id, 0) = coalesce(b.b_subject_org, 0)
    AND a.subject_key = b.b_key
    AND a.period = b.b_period
ORDER BY b.b_org, b.b_member, b.b_subject_org, b.b_key, b.b_period, b.b_severity DESC
"""

#: New breaches become open alerts. (ON CONFLICT: the run lock keeps other runs out, but a
#: person's edit never makes the run fail.)
_OPEN = """
INSERT INTO oversight_alert (
    rule, organization_id, member_id, subject_org_id, subject_key, period, severity,
    detail, status, opened_on, seen_on, first_run_id, seen_run_id, times_reopened,
    close_reason, created_at, updated_at
)
SELECT %s, b_org, b_member, b_subject_org, b_key, b_period, b_severity, b_detail,
    'open', %s, %s, %s, %s, 0, '', now(), now()
FROM oversight_breach
WHERE alert_id IS NULL
ON CONFLICT ON CONSTRAINT alert_breach_key DO NOTHING
"""

#: Alerts whose breach is found again: only those whose figures or severity changed are
#: written (the steady state writes nothing), and resolved ones reopen. Dismissed ones stay
#: dismissed, with their figures kept current.
_KEEP = """
WITH kept AS (
    UPDATE oversight_alert a SET
        severity = b.b_severity,
        detail = b.b_detail,
        seen_on = %s,
        seen_run_id = %s,
        updated_at = now(),
        status = CASE WHEN a.status = 'resolved' THEN 'open' ELSE a.status END,
        times_reopened = a.times_reopened + CASE WHEN a.status = 'resolved' THEN 1 ELSE 0 END,
        reopened_on = CASE WHEN a.status = 'resolved' THEN %s ELSE a.reopened_on END,
        reopened_run_id = CASE WHEN a.status = 'resolved' THEN %s ELSE a.reopened_run_id END,
        closed_on = CASE WHEN a.status = 'resolved' THEN NULL ELSE a.closed_on END,
        closed_at = CASE WHEN a.status = 'resolved' THEN NULL ELSE a.closed_at END,
        closed_by_id = CASE WHEN a.status = 'resolved' THEN NULL ELSE a.closed_by_id END,
        close_reason = CASE WHEN a.status = 'resolved' THEN '' ELSE a.close_reason END
    FROM oversight_breach b
    WHERE a.id = b.alert_id AND (b.alert_status = 'resolved' OR b.changed)
    RETURNING b.alert_status
)
SELECT count(*) FILTER (WHERE alert_status = 'resolved') FROM kept
"""

#: Found again and live (open or acknowledged), written or not.
_STILL_OPEN = """
SELECT count(*) FROM oversight_breach
WHERE alert_id IS NOT NULL AND alert_status IN ('open', 'acknowledged')
"""

#: The rule's live alerts this run did not find: their condition cleared. (Before the new
#: breaches are opened, so that only alerts older than this run are candidates.)
_CLOSE = """
UPDATE oversight_alert a
SET status = 'resolved', closed_on = %s, closed_at = now(), closed_by_id = NULL,
    close_reason = '', updated_at = now()
WHERE a.rule = %s AND a.status IN ('open', 'acknowledged')
    AND NOT EXISTS (SELECT 1 FROM oversight_breach b WHERE b.alert_id = a.id)
"""


def apply_rule(rule: registry.Rule, as_of: dt.date, run: NightlyRun) -> Counts:
    """Close, keep and open `rule`'s alerts as of `as_of`: the breach query once, into a
    temporary table, then one statement each to close what cleared, keep what is found again
    (writing only what changed) and open what is new.
    Runs inside the caller's transaction."""
    rows, derived = registry.derived_columns(rule.breaches(as_of))
    sql, params = rows.query.sql_with_params()
    # A period or severity derived from the details (`FromDetail`) is computed from the stored
    # rows, the stored details standing for `{detail}` in the rule's text.
    columns = {
        name: derived[name].format(detail="f.b_detail") if name in derived else f"f.{name}"
        for name in ("b_period", "b_severity")
    }
    with connection.cursor() as cursor:
        cursor.execute(_FOUND + sql, params)
        cursor.execute("ANALYZE oversight_found")
        cursor.execute(
            _BREACHES.format(period=columns["b_period"], severity=columns["b_severity"]),
            [rule.code],
        )
        cursor.execute("ANALYZE oversight_breach")
        cursor.execute(_CLOSE, [as_of, rule.code])
        closed = cursor.rowcount
        cursor.execute(_KEEP, [as_of, run.pk, as_of, run.pk])
        (reopened,) = cursor.fetchone()
        cursor.execute(_STILL_OPEN)
        (still_open,) = cursor.fetchone()
        cursor.execute(_OPEN, [rule.code, as_of, as_of, run.pk, run.pk])
        opened = cursor.rowcount
        # Inside a test's transaction (or any caller's) ON COMMIT is too late for the next rule.
        cursor.execute("DROP TABLE oversight_breach, oversight_found")
    return Counts(opened, reopened, still_open, closed)


#: What runs after the rules, given the run (the reports package registers its builder).
AFTER_RULES: list[Callable[[NightlyRun], int]] = []


def start_run(
    as_of: dt.date, *, trigger: str = RunTrigger.COMMAND, requested_by: AnyUser | None = None
) -> NightlyRun:
    """Record a run as started (the caller holds the lock)."""
    NightlyRun.objects.filter(status=RunStatus.RUNNING).update(
        status=RunStatus.INTERRUPTED,
        finished_at=timezone.now(),
        error=_("The run stopped before it finished (the worker was stopped or died)."),
    )
    return NightlyRun.objects.create(
        as_of=as_of,
        trigger=trigger,
        requested_by=requested_by if requested_by and requested_by.is_authenticated else None,
        started_at=timezone.now(),
    )


def run_rules(
    as_of: dt.date,
    *,
    trigger: str = RunTrigger.COMMAND,
    requested_by: AnyUser | None = None,
    only: Iterable[str] | None = None,
) -> NightlyRun:
    """The nightly run as of `as_of`: every rule (or those in `only`), then what runs after the
    rules (the reports). Raises `RunInProgressError` if another run holds the lock."""
    with run_lock():
        run = start_run(as_of, trigger=trigger, requested_by=requested_by)
        failures: list[str] = []
        codes = list(only) if only is not None else list(registry.RULES)
        for code in codes:
            rule = registry.RULES[code]
            started = time.monotonic()
            result = RuleRun(run=run, rule=code)
            try:
                with transaction.atomic():
                    counts = apply_rule(rule, as_of, run)
            except Exception as error:
                log.exception("Rule %s failed as of %s", code, as_of)
                result.error = "".join(traceback.format_exception_only(error)).strip()[:2000]
                failures.append(code)
            else:
                result.opened = counts.opened
                result.reopened = counts.reopened
                result.still_open = counts.still_open
                result.closed = counts.closed
            result.milliseconds = round((time.monotonic() - started) * 1000)
            result.save()
        for step in AFTER_RULES:
            try:
                run.reports += step(run)
            except Exception as error:
                log.exception("After-rules step %s failed as of %s", step.__name__, as_of)
                failures.append(step.__name__)
                run.error += "".join(traceback.format_exception_only(error)).strip()[:2000] + "\n"
        totals = run.rule_runs.all()
        run.opened = sum(r.opened + r.reopened for r in totals)
        run.still_open = sum(r.still_open for r in totals)
        run.closed = sum(r.closed for r in totals)
        if failures:
            run.status = RunStatus.FAILED if len(failures) >= len(codes) else RunStatus.PARTIAL
            failed = _("Failed: %(names)s.") % {"names": ", ".join(failures)}
            run.error = f"{failed}\n{run.error}".strip()
        else:
            run.status = RunStatus.SUCCEEDED
        run.finished_at = timezone.now()
        run.save()
        return run


__all__ = ["AFTER_RULES", "Counts", "RunInProgressError", "apply_rule", "run_lock", "run_rules"]
