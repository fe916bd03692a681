"""What the member page's section and the timeline page both show: the summary (last
participation, how long ago, red or amber, counts by kind per year) and the lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from education.life import LifeCounts, life_status, months_since, place_badge
from education.models import Attendance
from members.models import Member

#: The badge beside an organization that is not the member's home branch.
BADGES: dict[str, StrOrPromise] = {
    "inflow": _("At the inflow organization"),
    "other": _("Another organization"),
}


@dataclass(frozen=True)
class TimelineRow:
    attendance: Attendance
    badge: StrOrPromise
    counts: bool


def timeline_rows(rows: Iterable[Attendance], member: Member) -> list[TimelineRow]:
    return [TimelineRow(row, BADGES.get(place_badge(row, member), ""), row.counts) for row in rows]


def summary(
    member: Member, counts: LifeCounts, today: dt.date, years: Iterable[int]
) -> dict[str, Any]:
    """The summary's context: the last participation, whole months since, the colour (a member
    who never took part counts from joining the party), and the counts of `years`."""
    last = counts.last_life_on
    return {
        "last_life_on": last,
        "months": months_since(last, today) if last else None,
        "status": life_status(last, since=member.joined_on, today=today),
        "alert_months": settings.LIFE_ALERT_MONTHS,
        "warning_months": settings.LIFE_WARNING_MONTHS,
        "years": [
            {
                "year": year,
                "kinds": [
                    gettext("%(kind)s %(count)d") % {"kind": label, "count": count}
                    for label, count in counts.year(year)
                ],
                "total": counts.total(year),
            }
            for year in years
        ],
    }
