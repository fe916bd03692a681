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
