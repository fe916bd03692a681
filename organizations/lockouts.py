"""Login lockouts (django-axes, per login name and IP address) of the staff accounts an officer
manages: the reads behind the lockouts page and `do_lift_lockout` (issue 9, item 18)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from core.models import User
from core.types import AnyUser
from organizations.scope import staff_users


@dataclass(frozen=True)
class Lockout:
    """One login name locked out from one address: axes counts the failures of a (login name,
    address) pair since the cool-off before the last one, whatever the browser."""

    user: User
    ip_address: str | None
    failures: int
    last_attempt: dt.datetime

    @property
    def ends_at(self) -> dt.datetime:
        cool_off: dt.timedelta = settings.AXES_COOLOFF_TIME
        return self.last_attempt + cool_off


def current_lockouts(viewer: AnyUser, *, of: QuerySet[User] | None = None) -> list[Lockout]:
    """The lockouts in force now of the accounts `viewer` manages (narrowed to `of`), the one
    ending last first: two queries. The same condition as axes' own check (failures whose last
    attempt lies within the cool-off, summed per pair, at the limit or over)."""
    staff = staff_users(viewer) if of is None else of
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = list(
        AccessAttempt.objects.filter(
            attempt_time__gte=threshold, username__in=staff.values("username")
        )
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt", "username")
    )
    users = {u.username: u for u in staff.filter(username__in={r["username"] for r in rows})}
    return [
        Lockout(
            user=users[row["username"]],
            ip_address=row["ip_address"],
            failures=row["failures"],
            last_attempt=row["last_attempt"],
        )
        for row in rows
        if row["username"] in users
    ]


def clear_attempts(user: User) -> int:
    """Forget the failed attempts of `user`'s login name from every address (axes' rows hold
    no more than the count and the time); how many rows went."""
    deleted: int = AccessAttempt.objects.filter(username=user.username).delete()[0]
    return deleted
