"""The kinds and statuses of organizational life (issue 10)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingKind(models.TextChoices):
    """三会一课 and the other organizational life the regulations and MISSION.md name. How often
    each must be held is a setting (`MEETING_FREQUENCIES`), not code."""

    GENERAL_MEETING = "general_meeting", _("Branch general meeting")
    COMMITTEE = "committee", _("Branch committee meeting")
    PARTY_GROUP = "party_group", _("Party group meeting")
    LECTURE = "lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme party day")
    LIFE_MEETING = "life_meeting", _("Organizational-life meeting")
    DEMOCRATIC_LIFE = "democratic_life", _("Democratic life meeting")
    TALK = "talk", _("Heart-to-heart talk")
    OTHER = "other", _("Other activity")


class OtherActivity(models.TextChoices):
    """What an "other activity" was (MISSION.md, "Education")."""

    LECTURE = "lecture", _("Lecture or report")
    VIDEO = "video", _("Video study")
    RED_TRADITION = "red_tradition", _("Red-tradition education")
    VOLUNTEER = "volunteer", _("Volunteer activity")
    OTHER = "other", _("Other")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    # Its own context: "Online" alone is the attendance status (线上参加).
    ONLINE = "online", pgettext_lazy("meeting mode", "Online")
    BOTH = "both", _("In person and online")


class Period(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ONLINE = "online", _("Online")
    ELSEWHERE = "elsewhere", _("Attended at another organization")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


#: The statuses that count as taking part in organizational life (the six-month rule reads
#: these): present in person, online, or at another organization (outside the system, vouched
#: for by the branch that records it). Attendance at an inflow organization inside the system
#: is a "present" or "online" row of that organization's meeting, and counts the same.
TAKING_PART = frozenset(
    {AttendanceStatus.PRESENT, AttendanceStatus.ONLINE, AttendanceStatus.ELSEWHERE}
)
