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
from education.models.study import (
    Audience,
    BranchPost,
    BranchPostKind,
    ColumnItem,
    ColumnItemKind,
    StudyKind,
    StudyRecord,
)

__all__ = [
    "TAKING_PART",
    "Attendance",
    "AttendanceStatus",
    "Audience",
    "BranchPost",
    "BranchPostKind",
    "ColumnItem",
    "ColumnItemKind",
    "GroupMembership",
    "Meeting",
    "MeetingAttachment",
    "MeetingKind",
    "MeetingMode",
    "OtherActivity",
    "Period",
    "StudyKind",
    "StudyRecord",
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
