"""The alerts' named reads: the scoped list with its filters, the counts per rule group, a
member's live alerts. Each is one query after the user's scope (`Alert.objects.visible_to`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, TextChoices
from django.utils.translation import gettext_lazy as _

from core.types import AnyUser
from members.models import Member
from organizations.models import Organization
from oversight.alerts.words import group_of, rules_of
from oversight.models import LIVE_STATUSES, Alert, AlertQuerySet, AlertStatus


class Age(TextChoices):
    """How long ago an alert was found."""

    WEEK = "week", _("Within 7 days")
    MONTH = "month", _("7 to 30 days")
    QUARTER = "quarter", _("30 to 90 days")
    OLDER = "older", _("Over 90 days")


#: Each age as days since found: at least the first, less than the second (None: no bound).
AGE_DAYS: dict[str, tuple[int, int | None]] = {
    Age.WEEK: (0, 7),
    Age.MONTH: (7, 30),
    Age.QUARTER: (30, 90),
    Age.OLDER: (90, None),
}

#: The status filter's "live" (the default): open or acknowledged; "all": every status.
LIVE = "live"
ALL = "all"


def age_range(age: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day an alert of `age` was found on, as of `today`."""
    least, under = AGE_DAYS[age]
    first = today - dt.timedelta(days=under - 1) if under is not None else None
    last = today - dt.timedelta(days=least) if least else None
    return first, last


@dataclass(frozen=True)
class AlertFilters:
    """The list's filters, already checked (`forms.AlertFilterForm.filters`)."""

    rule: str = ""
    group: str = ""
    status: str = LIVE
    severity: int | None = None
    age: str = ""
    organization: Organization | None = None
    search: str = ""


def alert_list(user: AnyUser, filters: AlertFilters, today: dt.date) -> AlertQuerySet:
    """The alerts `user` sees, filtered; ordered by the page (`views.LIST_KEYS`), whose rows
    are read with `AlertQuerySet.for_list` after the limit."""
    alerts = Alert.objects.visible_to(user)
    if filters.status == LIVE:
        alerts = alerts.live()
    elif filters.status != ALL:
        alerts = alerts.filter(status=filters.status)
    if filters.rule:
        alerts = alerts.filter(rule=filters.rule)
    elif filters.group:
        alerts = alerts.of_rules(rules_of(filters.group))
    if filters.severity is not None:
        alerts = alerts.filter(severity=filters.severity)
    if filters.age:
        alerts = alerts.opened_between(*age_range(filters.age, today))
    if filters.organization is not None:
        subtree = Organization.objects.filter(path__startswith=filters.organization.path)
        alerts = alerts.filter(organization_id__in=subtree.order_by().values("id"))
    if filters.search:
        alerts = alerts.filter(
            member_id__in=Member.objects.search(filters.search).order_by().values("id")
        )
    return alerts


def group_counts(user: AnyUser) -> dict[str, int]:
    """Live alerts in `user`'s scope per rule group: one grouped query (by rule, the partial
    index's column), summed per group here."""
    counts: dict[str, int] = {}
    rows = (
        Alert.objects.visible_to(user)
        .live()
        .order_by()
        .values_list("rule")
        .annotate(total=Count("id"))
    )
    for code, total in rows:
        group = group_of(code)
        counts[group] = counts.get(group, 0) + total
    return counts


def member_alerts(member: Member) -> AlertQuerySet:
    """A member's live alerts, newest first. Whoever sees the member sees them all
    (`Alert.objects.visible_to`'s member half): no scope to add on the member's page."""
    return (
        Alert.objects.filter(member=member, status__in=LIVE_STATUSES)
        .select_related("organization")
        .order_by("-id")
    )


#: Statuses the filter offers, "live" first.
STATUS_CHOICES = [
    (LIVE, _("Open or acknowledged")),
    *AlertStatus.choices,
    (ALL, _("All")),
]
