"""The education app's models: meetings and attendance (meetings.py), and the kinds and
statuses they use (choices.py)."""

from education.models.choices import (
    TAKING_PART,
    AttendanceStatus,
    MeetingKind,
    MeetingMode,
    OtherActivity,
    Period,
)
from education.models.meetings import (
    Attendance,
    GroupMembership,
    Meeting,
    MeetingAttachment,
    private_storage,
)

__all__ = [
    "TAKING_PART",
    "Attendance",
    "AttendanceStatus",
    "GroupMembership",
    "Meeting",
    "MeetingAttachment",
    "MeetingKind",
    "MeetingMode",
    "OtherActivity",
    "Period",
    "private_storage",
]
from education.models.evaluation import (
    Evaluation,
    Grade,
    HandlingKind,
    HandlingNote,
    InflowOpinion,
)

__all__ += ["Evaluation", "Grade", "HandlingKind", "HandlingNote", "InflowOpinion"]
