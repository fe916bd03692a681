"""The ledgers' Celery tasks: a big export, and removing the files whose time ran out."""

from __future__ import annotations

from celery import shared_task

from ledgers import exports


@shared_task(name="ledgers.export", ignore_result=True)
def export_ledger(job_id: str) -> None:
    exports.run_task(job_id)


@shared_task(name="ledgers.expire_exports", ignore_result=True)
def expire_exports() -> int:
    return exports.expire()


@shared_task(name="ledgers.import_check", ignore_result=True)
def check_import(batch_id: str) -> None:
    from ledgers import batches

    batches.run_check(batch_id)


@shared_task(name="ledgers.import_commit", ignore_result=True)
def commit_import(batch_id: str) -> None:
    from ledgers import batches

    batches.run_commit_safely(batch_id)
