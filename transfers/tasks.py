"""Nightly work on transfers, as thin Celery tasks over the actions (the schedule is
CELERY_BEAT_SCHEDULE in config/settings/base.py)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from transfers.actions import do_expire_letters


@shared_task(name="transfers.expire_letters")
def expire_letters(day: str | None = None) -> int:
    """Issued letters past their validity on `day` (ISO date; default: today in Asia/Shanghai)
    become expired. Audited with no actor: the system did it. Returns how many expired."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    return do_expire_letters(actor=None, today=today)
