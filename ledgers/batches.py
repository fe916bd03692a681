"""An uploaded import file's two steps, the same in the request (a small file) and in the worker
(a big one: `ledgers.tasks`): checking it (`run_check`), and importing it once confirmed
(`run_commit`), each writing what it found on the `ImportBatch` and, in the worker, its
progress as it goes."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import record_event
from ledgers import imports, registry
from ledgers.models import ImportBatch, ImportStatus

logger = logging.getLogger(__name__)

FOLDER = "imports"


def private_file(name: str) -> Path:
    """`name` under PRIVATE_MEDIA_ROOT's import folder (404 if it points anywhere else)."""
    root = (Path(settings.PRIVATE_MEDIA_ROOT) / FOLDER).resolve()
    found = (Path(settings.PRIVATE_MEDIA_ROOT) / name).resolve()
    if not found.is_relative_to(root):
        raise Http404("No such file")
    return found


def _progress(batch_id: uuid.UUID | str) -> imports.Progress:
    def report(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(rows_done=done, rows=total)

    return report


def run_check(batch_id: uuid.UUID | str) -> None:
    """Check the batch's file: READY with what each row will do, or INVALID with its
    problems."""
    batch = ImportBatch.objects.select_related("requested_by").get(pk=batch_id)
    spec = imports.get(batch.kind)
    if spec is None or batch.status != ImportStatus.CHECKING:
        return
    progress = _progress(batch.pk) if batch.in_background else None
    try:
        with open(private_file(batch.file), "rb") as handle:
            checked = imports.check(spec, batch.requested_by, handle, batch.file_size, progress)
    except Exception:
        logger.exception("Checking import %s failed", batch.pk)
        checked = imports.Checked(
            plans=[], problems=[imports.Problem(_("The file could not be checked."))], rows=0
        )
    ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKING).update(
        status=ImportStatus.INVALID if checked.problems else ImportStatus.READY,
        rows=checked.rows,
        rows_done=checked.rows,
        counts=checked.counts,
        problems=[problem.as_dict() for problem in checked.problems],
    )


def run_commit(batch_id: uuid.UUID | str) -> imports.Checked | None:
    """Import the batch's file (status IMPORTING): every row in one transaction, or none and
    the batch INVALID with the problems found now. None if the batch was not waiting."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update().select_related("requested_by").get(pk=batch_id)
        )
        spec = imports.get(batch.kind)
        if spec is None or batch.status != ImportStatus.IMPORTING:
            return None
        user = batch.requested_by
        progress = _progress(batch.pk) if batch.in_background else None
        with open(private_file(batch.file), "rb") as handle:
            checked = imports.commit(spec, user, handle, batch.file_size, progress)
        batch.counts = checked.counts
        batch.rows = batch.rows_done = checked.rows
        if checked.problems:
            batch.status = ImportStatus.INVALID
            batch.problems = [problem.as_dict() for problem in checked.problems]
            batch.save(update_fields=["status", "problems", "counts", "rows", "rows_done"])
            return checked
        batch.status = ImportStatus.DONE
        batch.imported_at = timezone.now()
        batch.save(update_fields=["status", "counts", "rows", "rows_done", "imported_at"])
        record_event(
            actor=user,
            instance=batch,
            event="import.ledger",
            details={
                "kind": batch.kind,
                "file": batch.file_name,
                "sha256": batch.sha256,
                "rows": batch.rows,
                **batch.counts,
            },
            org_path=registry.audit_path(user),
        )
    return checked


def run_commit_safely(batch_id: uuid.UUID | str) -> None:
    """`run_commit` in the worker: a failure leaves the batch INVALID, saying so, and nothing
    imported (the transaction rolled back), not waiting for ever."""
    try:
        run_commit(batch_id)
    except Exception:
        logger.exception("Importing %s failed", batch_id)
        problem = imports.Problem(_("The import failed; nothing was imported. Try again."))
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.IMPORTING).update(
            status=ImportStatus.INVALID, problems=[problem.as_dict()]
        )
