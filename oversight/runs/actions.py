"""The button: a county officer asks for the checks to run now, as of a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from core.actions import action
from core.models import User, record_event
from oversight.engine import RunInProgressError, run_lock
from oversight.models import RunTrigger
from oversight.runs.access import county_paths, require_run_checks
from oversight.tasks import nightly


@dataclass
class RunRequest:
    """What became of a request: queued for the worker, or (eager tasks, no broker) already run,
    with the task's answer ({"run": id, "status": ...} or {"status": "busy", "message": ...})."""

    as_of: dt.date
    queued: bool = False
    answer: dict[str, Any] = field(default_factory=dict)


@action
def do_request_run(*, as_of: dt.date, actor: User) -> RunRequest:
    """Queue the nightly task as of `as_of` (the worker runs it, not the web process), unless a
    run holds the lock now: refused, saying so. Audited ("oversight.run_requested")."""
    require_run_checks(actor)
    try:
        # Try the lock and let it go at once: a run in progress is refused here, where the
        # officer sees it; one starting in between is answered "busy" by the task itself.
        with run_lock():
            pass
    except RunInProgressError as busy:
        raise ValidationError(str(busy), code="run_in_progress") from busy
    paths = county_paths(actor)
    record_event(
        actor=actor,
        instance=actor,
        event="oversight.run_requested",
        details={"as_of": as_of.isoformat()},
        org_path=paths[0] if paths else "",
    )
    request = RunRequest(as_of=as_of)

    def enqueue() -> None:
        sent = nightly.delay(as_of.isoformat(), trigger=RunTrigger.BUTTON, requested_by=actor.pk)
        # Eager (no broker): the task ran inline and its answer is here. Otherwise the worker
        # runs it; nobody waits for the answer (no result backend: the run log is the result).
        if settings.CELERY_TASK_ALWAYS_EAGER and isinstance(sent.result, dict):
            request.answer = sent.result
        else:
            request.queued = True

    # After the commit: the worker must find the audit entry's transaction finished.
    transaction.on_commit(enqueue)
    return request
