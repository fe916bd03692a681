"""Login lockouts for tests: axes' attempt rows, written as a user's failed logins would."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from core.models import User

#: The address the test client logs in from.
CLIENT_IP = "127.0.0.1"


def lock_out(user: User, *, ago: dt.timedelta = dt.timedelta(0), ip: str = CLIENT_IP) -> None:
    """`user`'s login name locked out from `ip`, the last failure `ago` before now."""
    attempt = AccessAttempt.objects.create(
        username=user.username,
        ip_address=ip,
        user_agent="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    # attempt_time is set on creation (auto_now_add): moved back by an update.
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - ago)


def age_attempts(by: dt.timedelta) -> None:
    """Every recorded failure moved `by` into the past: time passing for axes."""
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - by)
