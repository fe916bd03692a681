"""A year of meetings at once (`do_record_meetings_in_bulk`: the demo county, and later an import
of past records): the same refusals as one meeting at a time, all or nothing, one audit event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEntry
from education.attendance.actions import PlannedMeeting, do_record_meetings_in_bulk
from education.models import Attendance, AttendanceStatus, Meeting, MeetingKind

pytestmark = pytest.mark.django_db

PRESENT, LEAVE = AttendanceStatus.PRESENT, AttendanceStatus.LEAVE


def _year(members, *, entries=None) -> list[PlannedMeeting]:
    today = timezone.localdate()
    return [
        PlannedMeeting(
            kind=MeetingKind.THEME_DAY,
            held_on=today - dt.timedelta(days=30 * back),
            topic=f"主题党日{back}",
            fields={"place": "党员活动室"},
            entries=entries if entries is not None else {m.pk: (PRESENT, "") for m in members},
        )
        for back in (1, 2, 3)
    ]


def test_records_the_meetings_and_their_rows_with_one_audit_event(tree, members, secretary):
    own = [members["a1"]]
    made = do_record_meetings_in_bulk(actor=secretary, organization=tree.a1, meetings=_year(own))
    assert made == (3, 3)
    assert Meeting.objects.filter(organization=tree.a1).count() == 3
    assert Attendance.objects.filter(member=members["a1"], status=PRESENT).count() == 3
    assert AuditEntry.objects.filter(event="meeting.bulk_recorded").count() == 1


@pytest.mark.parametrize(
    ("entry", "words"),
    [((LEAVE, " "), "请假原因"), (("gone", ""), "gone"), ((PRESENT, "x\x00"), "NUL")],
)
def test_a_bad_row_refuses_the_whole_year(tree, members, secretary, entry, words) -> None:
    meetings = _year([], entries={members["a1"].pk: entry})
    with pytest.raises(ValidationError, match=words):
        do_record_meetings_in_bulk(actor=secretary, organization=tree.a1, meetings=meetings)
    assert not Meeting.objects.filter(organization=tree.a1).exists()


def test_strangers_and_other_branches_are_refused(tree, members, secretary, secretary2) -> None:
    with pytest.raises(ValidationError):
        do_record_meetings_in_bulk(
            actor=secretary, organization=tree.a1, meetings=_year([members["b1"]])
        )
    with pytest.raises(PermissionDenied):
        do_record_meetings_in_bulk(
            actor=secretary2, organization=tree.a1, meetings=_year([members["a1"]])
        )
    assert not Meeting.objects.filter(organization=tree.a1).exists()
