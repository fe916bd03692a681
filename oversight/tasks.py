"""The nightly task: a thin Celery task over `oversight.engine.run_rules` (the schedule is
CELERY_BEAT_SCHEDULE in config/settings/base.py: 02:00 Asia/Shanghai).

`acks_late` with `reject_on_worker_lost`: a worker killed mid-run leaves the message on the
broker and the run is done again; the upserts make the rerun complete with no duplicate alert,
and the reports are rebuilt in place."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from core.models import User
from oversight.engine import RunInProgressError, run_rules
from oversight.models import RunTrigger


@shared_task(name="oversight.nightly", acks_late=True, reject_on_worker_lost=True)
def nightly(
    as_of: str | None = None, trigger: str = RunTrigger.SCHEDULE, requested_by: int | None = None
) -> dict[str, object]:
    """Run every rule, then every organization's report, as of `as_of` (ISO date; default:
    today in Asia/Shanghai). Answers the run's id and status, or says another run holds the
    lock."""
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    user = None if requested_by is None else User.objects.filter(pk=requested_by).first()
    try:
        run = run_rules(day, trigger=trigger, requested_by=user)
    except RunInProgressError as busy:
        return {"run": None, "status": "busy", "message": str(busy)}
    return {"run": run.pk, "status": run.status}
