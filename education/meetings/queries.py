"""The meetings' reads shared by the list and the meeting page: the attendance summary as
annotations of the list's one query, and the lines of a meeting's attendees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from education.models import Attendance, AttendanceStatus, Meeting


def _count_name(status: str) -> str:
    return f"n_{status}"


def with_attendance_summary(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """`meetings` with a count of attendance rows per status (`n_present`, `n_online`...):
    filtered counts in the same query, never a query per meeting."""
    return meetings.annotate(
        **{
            _count_name(status): Count("attendance", filter=Q(attendance__status=status))
            for status in AttendanceStatus.values
        }
    )


def meeting_rows(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meeting list's rows: the organization's name, the attendance summary; the long texts
    (minutes, decisions) are left in the database."""
    return with_attendance_summary(
        meetings.select_related("organization").defer("minutes", "decisions")
    )


def summary(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in the statuses' order."""
    return [
        (status, str(label), counts.get(status, 0)) for status, label in AttendanceStatus.choices
    ]


def annotated_summary(meeting: Any) -> list[tuple[str, str, int]]:
    """`summary` of a meeting read through `with_attendance_summary`."""
    return summary({status: getattr(meeting, _count_name(status)) for status in AttendanceStatus})


@dataclass(frozen=True)
class Attendee:
    """One line of a meeting's attendees."""

    member_id: int
    name: str
    home_org: str
    note: str
    #: The member's relationship is held outside the meeting's organization's subtree: they
    #: took part here as a mobile member (流入).
    inflow: bool


def attendees(meeting: Meeting) -> dict[str, list[Attendee]]:
    """The meeting's attendees by status, each status's in pinyin order: one query."""
    rows = (
        Attendance.objects.filter(meeting=meeting)
        .order_by("member__name_pinyin", "member_id")
        .values_list(
            "status",
            "note",
            "member_id",
            "member__name",
            "member__home_org__name",
            "member__home_org__path",
        )
    )
    grouped: dict[str, list[Attendee]] = {status: [] for status in AttendanceStatus.values}
    own = meeting.organization.path
    for status, note, member_id, name, home_name, home_path in rows:
        grouped.setdefault(status, []).append(
            Attendee(member_id, name, home_name, note, not home_path.startswith(own))
        )
    return grouped
