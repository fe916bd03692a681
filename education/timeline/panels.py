"""The member page's "organizational life" section (组织生活): the last participation and how
long ago (amber from `LIFE_WARNING_MONTHS`, red from `LIFE_ALERT_MONTHS`), the counts by kind
for this year and last year, and the latest rows, wherever the member took part. Registered on
`members.pages.member_page` in `EducationConfig.ready` (members does not import education).
Two queries, however many rows the member has."""

from __future__ import annotations

from django.utils import timezone

from core.panels import Panel, PanelContext
from education.life import LifeCounts, life_counts, timeline
from education.timeline.rows import summary, timeline_rows
from members.pages import MemberPage

#: The latest rows the section shows; the timeline page lists every one.
LATEST_ROWS = 5


def organizational_life(page: MemberPage) -> PanelContext:
    member = page.member
    today = timezone.localdate()
    counts = life_counts([member.pk]).get(member.pk, LifeCounts())
    rows = list(timeline(member)[: LATEST_ROWS + 1])
    return {
        **summary(member, counts, today, (today.year, today.year - 1)),
        "rows": timeline_rows(rows[:LATEST_ROWS], member),
        "more": len(rows) > LATEST_ROWS,
    }


PANEL: Panel[MemberPage] = Panel(
    "organizational_life",
    organizational_life,
    {"sections": "education/timeline/_section.html"},
    order=55,
)
