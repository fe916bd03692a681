"""Code lists of the national member collection form, and the statuses and kinds of every
member record (absences, contacts, found people, certificates)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Membership(models.TextChoices):
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


class Standing(models.TextChoices):
    """A member's party standing. It changes only through an approved `StandingDecision`."""

    NORMAL = "normal", _("Normal")
    SUSPENDED = "suspended", _("Membership suspended")
    LEFT = "left", _("Struck off (left the party)")
    WITHDRAWN = "withdrawn", _("Persuaded to withdraw")
    EXPELLED = "expelled", _("Expelled")
    DECEASED = "deceased", _("Deceased")


#: Standings whose members are counted as members and may be registered as away, issued a
#: certificate or transferred (a restored member is normal again).
GOOD_STANDINGS = (Standing.NORMAL,)


class DecisionKind(models.TextChoices):
    """What a decision on a member's party standing does (the party constitution, articles 9,
    40 and 41; the 2014 opinions on members who lost contact)."""

    SUSPEND = "suspend", _("Suspend membership (停止党籍)")
    RESTORE = "restore", _("Restore membership (恢复党籍)")
    STRIKE_OFF = "strike_off", _("Strike off as having left the party (除名)")
    PERSUADE_WITHDRAW = "withdraw", _("Persuade to withdraw (劝退)")
    EXPEL = "expel", _("Expel from the party (开除党籍)")
    DECEASED = "deceased", _("Record the member's death")


#: The standing an approved decision of each kind gives the member.
DECISION_STANDING: dict[str, str] = {
    DecisionKind.SUSPEND: Standing.SUSPENDED,
    DecisionKind.RESTORE: Standing.NORMAL,
    DecisionKind.STRIKE_OFF: Standing.LEFT,
    DecisionKind.PERSUADE_WITHDRAW: Standing.WITHDRAWN,
    DecisionKind.EXPEL: Standing.EXPELLED,
    DecisionKind.DECEASED: Standing.DECEASED,
}

#: The standings from which a decision of each kind may be taken.
DECISION_FROM: dict[str, frozenset[str]] = {
    DecisionKind.SUSPEND: frozenset({Standing.NORMAL}),
    DecisionKind.RESTORE: frozenset({Standing.SUSPENDED}),
    DecisionKind.STRIKE_OFF: frozenset({Standing.NORMAL, Standing.SUSPENDED}),
    DecisionKind.PERSUADE_WITHDRAW: frozenset({Standing.NORMAL}),
    DecisionKind.EXPEL: frozenset({Standing.NORMAL, Standing.SUSPENDED}),
    DecisionKind.DECEASED: frozenset({Standing.NORMAL, Standing.SUSPENDED}),
}

#: Kinds the branch general meeting must discuss and resolve before the superior committee
#: approves (constitution art. 9 and 40: striking off, expulsion; the lost-contact opinions:
#: suspension and restoration). A death is recorded without one.
MEETING_REQUIRED = frozenset(
    {
        DecisionKind.SUSPEND,
        DecisionKind.RESTORE,
        DecisionKind.STRIKE_OFF,
        DecisionKind.PERSUADE_WITHDRAW,
        DecisionKind.EXPEL,
    }
)


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    UNDERGRADUATE = "undergraduate", _("Undergraduate")
    COLLEGE = "college", _("College (junior)")
    SECONDARY_VOCATIONAL = "vocational", _("Secondary vocational")
    HIGH_SCHOOL = "high_school", _("High school")
    JUNIOR_HIGH_OR_BELOW = "junior_high", _("Junior high school or below")


class PersonnelCategory(models.TextChoices):
    WORKER = "worker", _("Employee")
    FARMER = "farmer", _("Farmer, herder or fisher")
    MIGRANT_WORKER = "migrant", _("Migrant worker")
    SELF_EMPLOYED = "self_employed", _("Self-employed or trader")
    PROFESSIONAL = "professional", _("Professional or technical staff")
    CIVIL_SERVANT = "civil_servant", _("Government staff")
    STUDENT = "student", _("Student")
    RETIRED = "retired", _("Retired")
    UNEMPLOYED = "unemployed", _("Unemployed")
    OTHER = "other", _("Other")


ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
    "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族",
    "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族",
    "基诺族",
]  # fmt: skip


ETHNICITY_CHOICES = [(name, name) for name in ETHNIC_GROUPS]


class EpisodeStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered, not yet checked in")
    CHECKED_IN = "checked_in", _("Checked in")
    RETURNED = "returned", _("Returned")
    TRANSFERRED = "transferred", _("Relationship transferred")
    LOST = "lost", _("Lost contact")


#: An episode in one of these states is the member's current absence.
OPEN_STATUSES = (EpisodeStatus.REGISTERED, EpisodeStatus.CHECKED_IN)


#: At most one episode per member is current: open, or lost while away.
CURRENT_STATUSES = (*OPEN_STATUSES, EpisodeStatus.LOST)


class EpisodeOrigin(models.TextChoices):
    #: The home branch registered the outflow before the member left.
    REGISTERED = "registered", _("Registered by the home branch")
    #: The inflow side found the member, who had left without an outflow registration.
    FOUND = "found", _("Found by the inflow organization")


class OccupationCategory(models.TextChoices):
    MIGRANT_WORKER = "migrant", _("Migrant worker or trader")
    NON_PUBLIC_EMPLOYEE = "non_public", _("Employed in a non-public enterprise")
    FLEXIBLE = "flexible", _("Flexible employment")
    STUDY = "study", _("Study")
    OTHER = "other", _("Other")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    VIA_INFLOW = "via_inflow", _("Through the inflow organization")


class ArrivalStatus(models.TextChoices):
    OPEN = "open", _("Home organization not yet in the system")
    MATCHED = "matched", _("Matched to a member")
    CLOSED = "closed", _("Closed")


class CertificateKind(models.TextChoices):
    ACTIVITY = "activity", _("Mobile party member activity certificate")
    LETTER = "letter", _("Party member certificate letter")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    #: Handed back when the absence ended (the member returned or transferred).
    RETURNED = "returned", pgettext_lazy("certificate", "Returned")
    REVOKED = "revoked", _("Revoked")
    #: Replaced by a new certificate (lost, damaged, particulars changed).
    REPLACED = "replaced", _("Replaced")
    #: A certificate letter past its validity (Issue 9, item 7): set when a new letter is
    #: issued; until then a lapsed letter shows as expired (`Certificate.shown_status`).
    EXPIRED = "expired", pgettext_lazy("certificate", "Expired")


class CheckResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


class EpisodeUpdateKind(models.TextChoices):
    """What an entry of an absence's history records (Issue 9, item 4)."""

    #: The member reported a change of place, employer, phone, address or contact.
    UPDATED = "updated", _("Particulars changed")
    #: The member moved on and checked in at another inflow organization.
    MOVED = "moved", _("Moved to another inflow organization")


class OutsideConfirmation(models.TextChoices):
    """How the home branch confirmed a check-in at an organization outside the system (Issue 9,
    item 5): the member reports it, the branch checks it with the organization."""

    PHONE = "phone", _("Phone call with the organization")
    LETTER = "letter", _("Letter or receipt from the organization")
    CERTIFICATE_PHOTO = "certificate_photo", _("Photo of the certificate's inflow part")
    WECHAT = "wechat", _("WeChat with the organization")
    OTHER = "other", _("Other")


class DuesCategory(models.TextChoices):
    """The categories of the dues rules (2008): who pays a share of what, or a fixed amount."""

    SALARIED = "salaried", _("Salaried (after-tax salary)")
    RETIRED = "retired", _("Retired (pension)")
    FARMER = "farmer", _("Farmer")
    STUDENT = "student", _("Student")
    UNEMPLOYED = "unemployed", _("Unemployed")
    MINIMUM_LIVING = "dibao", _("On minimum-living support")


#: Categories whose standard is a share of a base income (the others pay a fixed amount).
INCOME_CATEGORIES = frozenset({DuesCategory.SALARIED, DuesCategory.RETIRED})

#: The dues category a member's personnel category suggests (the branch may choose another).
DUES_CATEGORY_OF: dict[str, str] = {
    PersonnelCategory.FARMER: DuesCategory.FARMER,
    PersonnelCategory.STUDENT: DuesCategory.STUDENT,
    PersonnelCategory.RETIRED: DuesCategory.RETIRED,
    PersonnelCategory.UNEMPLOYED: DuesCategory.UNEMPLOYED,
}


class DuesRelief(models.TextChoices):
    """A reduction or exemption approved for hardship (the 2008 rules)."""

    NONE = "none", _("None")
    REDUCED = "reduced", _("Reduced")
    EXEMPT = "exempt", _("Exempt")


class DuesMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE = "online", _("Online payment")
