"""The member register (member.py) and mobility episodes (mobility.py)."""

from members.models.member import (
    RECORD_LIFE_PERMISSION,
    WIDE_SCOPE_ORGANIZATIONS,
    Member,
    MemberGroupObjectPermission,
    MemberQuerySet,
    MemberUserObjectPermission,
)
from members.models.mobility import (
    ContactChannel,
    ContactRecord,
    EpisodeStatus,
    FindingAttempt,
    MobilityEpisode,
    MobilityEpisodeQuerySet,
    OccupationCategory,
    RegularReport,
)

__all__ = [
    "RECORD_LIFE_PERMISSION",
    "WIDE_SCOPE_ORGANIZATIONS",
    "ContactChannel",
    "ContactRecord",
    "EpisodeStatus",
    "FindingAttempt",
    "Member",
    "MemberGroupObjectPermission",
    "MemberQuerySet",
    "MemberUserObjectPermission",
    "MobilityEpisode",
    "MobilityEpisodeQuerySet",
    "OccupationCategory",
    "RegularReport",
]
