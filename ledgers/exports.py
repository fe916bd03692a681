"""Writing an export: the same code for the file sent back at once and the one a task writes.

`new_job` records the request (an `ExportJob`) and counts its rows; the view then writes up to
`LEDGERS_DIRECT_MAX_ROWS` rows in the request (`run_direct`) and queues more for the Celery task
`ledgers.export` (`queue`, `run_task`), which reports its progress on the job as it goes.
Every export is in the audit trail (`export.ledger`: who, which ledger, the filter, the row
count, full or masked numbers), written when the rows are known.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User, record_event
from core.types import AnyUser
from ledgers import registry
from ledgers.models import ExportJob, ExportMode, ExportStatus
from ledgers.writer import LedgerWriter
from organizations.scope import user_scope

logger = logging.getLogger(__name__)

#: Task exports are written under PRIVATE_MEDIA_ROOT in this folder, one folder per requester.
FOLDER = "exports"
#: The job's progress is written every this many rows (and at the end).
PROGRESS_EVERY = 2_000

Progress = Callable[[int, int], None]


def query_data(params: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in params.items():
        if isinstance(values, list):
            data.setlist(str(key), [str(v) for v in values])
    data._mutable = False
    return data


def params_of(data: QueryDict) -> dict[str, list[str]]:
    """The list's query string as stored on the job (no paging cursor: an export is every
    row of the filter, not a page of it)."""
    skip = {"after", "before", "cursor", "page"}
    # NUL cannot be stored (PostgreSQL refuses it in text and JSON) and no filter needs it.
    return {
        key.replace("\x00", ""): [value.replace("\x00", "") for value in values]
        for key, values in data.lists()
        if key not in skip
    }


def file_name(job: ExportJob, when: dt.datetime | None = None) -> str:
    day = timezone.localdate(when or job.created_at).isoformat()
    title = re.sub(r"[\\/:*?\"<>|\s]+", "", job.title) or "ledger"
    return f"{title}-{day}.xlsx"


def private_path(job: ExportJob) -> str:
    return f"{FOLDER}/{job.requested_by_id}/{job.pk}.xlsx"


def private_file(name: str) -> Path | None:
    """`name` under PRIVATE_MEDIA_ROOT's export folder, or None if it points anywhere else."""
    root = (Path(settings.PRIVATE_MEDIA_ROOT) / FOLDER).resolve()
    found = (Path(settings.PRIVATE_MEDIA_ROOT) / name).resolve()
    return found if found.is_relative_to(root) else None


def select(job: ExportJob, user: AnyUser) -> registry.Selection:
    source = registry.get(job.ledger)
    if source is None:
        raise LookupError(job.ledger)
    ids = registry.IdNumbers(user_scope(user), full=job.full_ids)
    return source.select(user, query_data(job.params), ids)


def write(
    job: ExportJob,
    user: AnyUser,
    target: str | IO[bytes],
    *,
    selection: registry.Selection | None = None,
    progress: Progress | None = None,
) -> int:
    """Write `job`'s ledger for `user` to `target`: the rows written."""
    selection = selection or select(job, user)
    # Counted for the progress bar only: a direct export's count was taken to choose its mode.
    total = selection.count() if progress is not None else 0
    if progress is not None:
        progress(0, total)
    writer = LedgerWriter(
        selection.ledger,
        target,
        heading=registry.heading(user=user, selection=selection, full_ids=job.full_ids),
    )
    for row in selection.rows():
        writer.append(row)
        if progress is not None and writer.rows % PROGRESS_EVERY == 0:
            progress(writer.rows, max(total, writer.rows))
    rows = writer.close()
    if progress is not None:
        progress(rows, rows)
    return rows


def audit(job: ExportJob, user: User, rows: int) -> None:
    record_event(
        actor=user,
        instance=job,
        event="export.ledger",
        details={
            "ledger": job.ledger,
            "filter": job.filter_words,
            "params": job.params,
            "rows": rows,
            "full_ids": job.full_ids,
            "mode": job.mode,
        },
        org_path=registry.audit_path(user),
    )


def new_job(
    *, user: User, source: registry.LedgerSource, data: QueryDict, full_ids: bool
) -> tuple[ExportJob, registry.Selection, int]:
    """The job for `user`'s export of `source` with the list's `data`, its selection and its
    row count (not saved yet)."""
    job = ExportJob(
        ledger=source.key,
        title=str(source.title),
        requested_by=user,
        params=params_of(data),
        full_ids=full_ids,
    )
    selection = select(job, user)
    job.filter_words = "；".join(selection.words)[:500]
    return job, selection, selection.count()


def run_direct(job: ExportJob, user: User, selection: registry.Selection, target: IO[bytes]) -> int:
    """Write a small export in the request; the job and its audit entry are saved with it."""
    now = timezone.now()
    rows = write(job, user, target, selection=selection)
    job.mode = ExportMode.DIRECT
    job.status = ExportStatus.DONE
    job.rows_total = job.rows_done = rows
    job.started_at, job.finished_at = now, timezone.now()
    job.file_name = file_name(job)
    with transaction.atomic():
        job.save()
        audit(job, user, rows)
    return rows


def queue(job: ExportJob, rows: int) -> ExportJob:
    """Save a big export as queued and send it to the worker once the request commits."""
    from ledgers.tasks import export_ledger

    job.mode = ExportMode.TASK
    job.status = ExportStatus.QUEUED
    job.rows_total = rows
    job.file_name = file_name(job)
    job.save()
    transaction.on_commit(lambda: export_ledger.delay(str(job.pk)))
    return job


def run_task(job_id: str) -> None:
    """The task's work: write the file privately, reporting progress on the job; audited."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return  # already done, running elsewhere, or gone
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    user = job.requested_by
    name = private_path(job)
    path = Path(settings.PRIVATE_MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")

    def progress(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    try:
        if not user.is_active:
            raise PermissionError("The requester's account is no longer active")
        with open(partial, "wb") as handle:
            rows = write(job, user, handle, progress=progress)
        partial.replace(path)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        logger.exception("Export %s of %s failed", job.pk, job.ledger)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            error=_("The export failed: %(error)s") % {"error": type(exc).__name__},
        )
        return
    now = timezone.now()
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE,
            rows_done=rows,
            rows_total=rows,
            file=name,
            finished_at=now,
            expires_at=now + dt.timedelta(hours=settings.LEDGERS_EXPORT_KEEP_HOURS),
        )
        audit(job, user, rows)


def expire(now: dt.datetime | None = None) -> int:
    """Remove the files of exports whose time ran out (the jobs stay, marked expired): how
    many."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now):
        found = private_file(job.file) if job.file else None
        if found is not None:
            found.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file="")
        expired += 1
    return expired
