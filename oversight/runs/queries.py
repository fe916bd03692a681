"""The run log's reads, and what "last night's run" is."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from oversight.models import NightlyRun, RuleRun, RunStatus

#: The hour (Asia/Shanghai) the nightly run starts: CELERY_BEAT_SCHEDULE's "oversight-nightly".
NIGHTLY_HOUR = 2
#: Finished states that call for a look (the home page's warning).
TROUBLE = frozenset({RunStatus.FAILED, RunStatus.PARTIAL, RunStatus.INTERRUPTED})


def run_log() -> QuerySet[NightlyRun]:
    """Every run, newest first, with who asked for it (the run log's rows)."""
    return NightlyRun.objects.select_related("requested_by").order_by("-started_at", "-id")


def rule_runs(run: NightlyRun) -> QuerySet[RuleRun]:
    """What each rule did in `run`, in the order the rules ran."""
    return run.rule_runs.order_by("id")


def last_night(now: dt.datetime | None = None) -> dt.date:
    """The day last night's run is as of: today (Asia/Shanghai) from 02:00 on, when tonight's
    run has started; before 02:00, yesterday (tonight's has not started yet)."""
    local = timezone.localtime(now)
    if local.hour < NIGHTLY_HOUR:
        return local.date() - dt.timedelta(days=1)
    return local.date()


def last_night_run(now: dt.datetime | None = None) -> tuple[dt.date, NightlyRun | None]:
    """Last night's day and its latest run (None: missing). One query."""
    day = last_night(now)
    return day, NightlyRun.objects.filter(as_of=day).order_by("-started_at", "-id").first()
