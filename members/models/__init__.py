"""The member register (member.py), mobility episodes (mobility.py), and certificates
(certificates.py)."""

from members.models.certificates import (
    Certificate,
    CertificateCheck,
    CertificateCounter,
    CertificateKind,
    CertificateStatus,
    CheckResult,
)
from members.models.member import (
    RECORD_LIFE_PERMISSION,
    WIDE_SCOPE_ORGANIZATIONS,
    Member,
    MemberGroupObjectPermission,
    MemberQuerySet,
    MemberUserObjectPermission,
)
from members.models.mobility import (
    CURRENT_STATUSES,
    OPEN_STATUSES,
    ArrivalStatus,
    ContactChannel,
    ContactRecord,
    EpisodeOrigin,
    EpisodeStatus,
    FindingAttempt,
    FoundArrival,
    MobilityEpisode,
    MobilityEpisodeQuerySet,
    OccupationCategory,
    RegularReport,
)

__all__ = [
    "CURRENT_STATUSES",
    "OPEN_STATUSES",
    "RECORD_LIFE_PERMISSION",
    "WIDE_SCOPE_ORGANIZATIONS",
    "ArrivalStatus",
    "Certificate",
    "CertificateCheck",
    "CertificateCounter",
    "CertificateKind",
    "CertificateStatus",
    "CheckResult",
    "ContactChannel",
    "ContactRecord",
    "EpisodeOrigin",
    "EpisodeStatus",
    "FindingAttempt",
    "FoundArrival",
    "Member",
    "MemberGroupObjectPermission",
    "MemberQuerySet",
    "MemberUserObjectPermission",
    "MobilityEpisode",
    "MobilityEpisodeQuerySet",
    "OccupationCategory",
    "RegularReport",
]
