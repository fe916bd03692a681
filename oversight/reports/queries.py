"""The nightly reports' reads, set-based: a few statements over every organization at once.

- `live_figures`: the live alerts grouped by responsible organization, rule and age bucket (one
  statement);
- `previous_reports`: each organization's previous report date (one statement);
- `change_counts`: the alerts opened and closed since a day, grouped by responsible
  organization, rule, kind of change and day (one statement);
- `alert_rows`: the alerts the Excel files list, streamed in the tree's path order (one
  statement);
- `reports_visible_to`: the reports a user may read (scoped by the organization's path).

The roll-up to the committees above is done in Python by the materialized path
(`oversight.reports.build`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, Collate, Greatest

from core.scoping import Action
from core.types import AnyUser
from organizations.models import Organization
from organizations.scope import user_scope
from oversight.models import LIVE_STATUSES, Alert, AlertStatus, NightlyReport

#: The age buckets of live alerts, in days since the alert (last) opened: under 7, 7 to 30,
#: 30 to 90, 90 and over.
AGE_BUCKETS = ("under_7", "7_30", "30_90", "over_90")

#: Closed states: a change "closed" is an alert that reached one of them.
CLOSED_STATUSES = (AlertStatus.RESOLVED.value, AlertStatus.DISMISSED.value)
_LIVE = tuple(sorted(str(s) for s in LIVE_STATUSES))

#: The day an alert last became live: its reopening if it was reopened, else its opening.
_SINCE = "greatest(opened_on, coalesce(reopened_on, opened_on))"

#: The amount owed a breach's figures carry (dues rules), or NULL; a rule writing something
#: that is no number there must not break every report.
_AMOUNT = r"""
CASE WHEN jsonb_typeof(detail->'amount_owed') = 'number' THEN (detail->>'amount_owed')::numeric
     WHEN jsonb_typeof(detail->'amount_owed') = 'string'
          AND detail->>'amount_owed' ~ '^-?[0-9]{1,12}(\.[0-9]{1,4})?$'
     THEN (detail->>'amount_owed')::numeric
END"""

# The f-strings below join constant SQL fragments (no input): S608 does not apply.
LIVE_FIGURES_SQL = f"""
SELECT organization_id, rule,
       CASE WHEN age < 7 THEN 'under_7' WHEN age < 30 THEN '7_30'
            WHEN age < 90 THEN '30_90' ELSE 'over_90' END AS bucket,
       count(*), count(*) FILTER (WHERE severity >= %s), coalesce(sum(amount), 0)
FROM (
    SELECT organization_id, rule, severity, %s::date - {_SINCE} AS age, {_AMOUNT} AS amount
    FROM oversight_alert
    WHERE status IN %s AND opened_on <= %s
) AS live
GROUP BY 1, 2, 3
"""  # noqa: S608

CHANGES_SQL = f"""
SELECT organization_id, rule, 'opened', {_SINCE} AS day, count(*)
FROM oversight_alert
WHERE {_SINCE} > %s AND {_SINCE} <= %s
GROUP BY 1, 2, 4
UNION ALL
SELECT organization_id, rule, 'closed', closed_on, count(*)
FROM oversight_alert
WHERE closed_on > %s AND closed_on <= %s AND status IN %s
GROUP BY 1, 2, 4
"""  # noqa: S608

PREVIOUS_SQL = """
SELECT o.id, (
    SELECT max(r.as_of) FROM oversight_nightlyreport r
    WHERE r.organization_id = o.id AND r.as_of < %s
)
FROM organizations_organization o
"""


class LiveLine(NamedTuple):
    organization_id: int
    rule: str
    bucket: str
    alerts: int
    serious: int
    amount: Decimal


class ChangeLine(NamedTuple):
    organization_id: int
    rule: str
    kind: str  # "opened" or "closed"
    day: dt.date
    alerts: int


class OrgLine(NamedTuple):
    pk: int
    path: str
    name: str
    kind: str
    is_active: bool


def organizations() -> list[OrgLine]:
    """Every organization, in path order (the tree, one statement)."""
    rows = Organization.objects.order_by("path").values_list(*OrgLine._fields)
    return [OrgLine(*row) for row in rows]


def live_figures(as_of: dt.date, serious: int) -> list[LiveLine]:
    """The live alerts found by `as_of`, per responsible organization, rule and age bucket:
    how many, how many at `serious` severity or above, and the amount owed they carry."""
    with connection.cursor() as cursor:
        cursor.execute(LIVE_FIGURES_SQL, [serious, as_of, _LIVE, as_of])
        return [LiveLine(*row) for row in cursor.fetchall()]


def previous_reports(as_of: dt.date) -> dict[int, dt.date]:
    """Each organization's previous report date before `as_of` (those with one): one
    statement, an index probe per organization on the report's unique key."""
    with connection.cursor() as cursor:
        cursor.execute(PREVIOUS_SQL, [as_of])
        return {pk: day for pk, day in cursor.fetchall() if day is not None}


def change_counts(after: dt.date, as_of: dt.date) -> list[ChangeLine]:
    """Alerts opened (or reopened) and closed in (`after`, `as_of`], per responsible
    organization, rule, kind of change and day: each report counts those after its own
    previous report."""
    with connection.cursor() as cursor:
        cursor.execute(CHANGES_SQL, [after, as_of, after, as_of, CLOSED_STATUSES])
        return [ChangeLine(*row) for row in cursor.fetchall()]


#: The columns `alert_rows` answers, in this order.
ROW_FIELDS = (
    "organization__path",
    "organization_id",
    "rule",
    "status",
    "severity",
    "opened_on",
    "since",
    "closed_on",
    "detail",
    "subject_key",
    "member__name",
    "member__home_org__name",
    "subject_org__name",
)


class AlertRow(NamedTuple):
    path: str
    organization_id: int
    rule: str
    status: str
    severity: int
    opened_on: dt.date
    since: dt.date
    closed_on: dt.date | None
    detail: dict[str, Any]
    subject_key: str
    member_name: str | None
    member_branch: str | None
    subject_org: str | None

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


def alert_rows(as_of: dt.date, after: dt.date | None) -> Iterator[AlertRow]:
    """Every alert a report lists: the live ones found by `as_of`, and those opened or closed
    in (`after`, `as_of`]; in the tree's path order (byte order, as Python sorts the paths),
    then by rule and name. One statement, streamed (a server-side cursor)."""
    live = Q(status__in=_LIVE, opened_on__lte=as_of)
    wanted = live
    if after is not None:
        wanted |= Q(since__gt=after, since__lte=as_of)
        wanted |= Q(closed_on__gt=after, closed_on__lte=as_of, status__in=CLOSED_STATUSES)
    rows = (
        Alert.objects.annotate(since=Greatest("opened_on", Coalesce("reopened_on", "opened_on")))
        .filter(wanted)
        .order_by(Collate(F("organization__path"), "C"), "rule", "member__name", "id")
        .values_list(*ROW_FIELDS)
    )
    for row in rows.iterator(chunk_size=2000):
        yield AlertRow(*row)


def reports_visible_to(user: AnyUser, action: str = Action.VIEW) -> QuerySet[NightlyReport]:
    """The reports of the organizations inside the user's scope (a report rolls up its
    organization's subtree, so it is read by whoever sees that organization)."""
    scope = user_scope(user)
    reports = NightlyReport.objects.select_related("organization")
    if scope.is_superuser:
        return reports.all()
    return reports.filter(scope.q("organization__path", action))
