"""The member register's models, one module per record kind:

- `choices`: the code lists of the national collection form and every status and kind;
- `member`: the register (`Member`) and its guardian permission tables;
- `mobility`: absences (`MobilityEpisode`), shared by the outflow and inflow sides, and their
  history of changes and moves (`EpisodeUpdate`);
- `records`: the small records kept about a member (contacts, finding attempts, reports);
- `found`: people found on arrival whose home organization is not in the system;
- `certificates`: activity certificates and certificate letters, their numbers and checks;
- `standing`: decisions on a member's party standing, proposed by the branch, approved above;
- `outside`: check-ins at organizations outside the system, recorded by the home branch;
- `dues`: party dues: rates, each member's standard, payments and the months they cover.
"""

from members.models.certificates import Certificate, CertificateCheck, CertificateCounter
from members.models.choices import (
    CURRENT_STATUSES,
    DECISION_FROM,
    DECISION_STANDING,
    ETHNICITY_CHOICES,
    GOOD_STANDINGS,
    MEETING_REQUIRED,
    OPEN_STATUSES,
    ArrivalStatus,
    CertificateKind,
    CertificateStatus,
    CheckResult,
    ContactChannel,
    DecisionKind,
    DecisionStatus,
    DuesCategory,
    DuesMethod,
    DuesRelief,
    Education,
    EpisodeOrigin,
    EpisodeStatus,
    EpisodeUpdateKind,
    Gender,
    Membership,
    OccupationCategory,
    OutsideConfirmation,
    PersonnelCategory,
    Standing,
)
from members.models.dues import (
    DuesPaidMonth,
    DuesPayment,
    DuesPaymentQuerySet,
    DuesRate,
    DuesStandard,
    DuesStandardQuerySet,
)
from members.models.found import FoundArrival, FoundArrivalQuerySet
from members.models.member import (
    RECORD_LIFE_PERMISSION,
    WIDE_SCOPE_ORGANIZATIONS,
    Member,
    MemberGroupObjectPermission,
    MemberQuerySet,
    MemberUserObjectPermission,
)
from members.models.mobility import EpisodeUpdate, MobilityEpisode, MobilityEpisodeQuerySet
from members.models.outside import (
    OUTSIDE_CHECK_IN_FIELDS,
    OutsideCheckIn,
    OutsideCheckInQuerySet,
)
from members.models.records import (
    ContactRecord,
    FindingAttempt,
    MemberRecord,
    MemberRecordQuerySet,
    RegularReport,
)
from members.models.standing import StandingDecision, StandingDecisionQuerySet

__all__ = [
    "CURRENT_STATUSES",
    "DECISION_FROM",
    "DECISION_STANDING",
    "ETHNICITY_CHOICES",
    "GOOD_STANDINGS",
    "MEETING_REQUIRED",
    "OPEN_STATUSES",
    "OUTSIDE_CHECK_IN_FIELDS",
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
    "DecisionKind",
    "DecisionStatus",
    "DuesCategory",
    "DuesMethod",
    "DuesPaidMonth",
    "DuesPayment",
    "DuesPaymentQuerySet",
    "DuesRate",
    "DuesRelief",
    "DuesStandard",
    "DuesStandardQuerySet",
    "Education",
    "EpisodeOrigin",
    "EpisodeStatus",
    "EpisodeUpdate",
    "EpisodeUpdateKind",
    "FindingAttempt",
    "FoundArrival",
    "FoundArrivalQuerySet",
    "Gender",
    "Member",
    "MemberGroupObjectPermission",
    "MemberQuerySet",
    "MemberRecord",
    "MemberRecordQuerySet",
    "MemberUserObjectPermission",
    "Membership",
    "MobilityEpisode",
    "MobilityEpisodeQuerySet",
    "OccupationCategory",
    "OutsideCheckIn",
    "OutsideCheckInQuerySet",
    "OutsideConfirmation",
    "PersonnelCategory",
    "RegularReport",
    "Standing",
    "StandingDecision",
    "StandingDecisionQuerySet",
]
