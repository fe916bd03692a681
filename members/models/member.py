"""The member register: every member's basic information card, and who it is shared with."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Left
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.constraints import ChecksInOneQuery
from core.lookups import AnyOf
from core.pinyin import (
    next_key,
    normalize_reading,
    pinyin_initials,
    pinyin_key,
    reading_mismatch,
    reading_prefix,
)
from core.scoping import Action
from core.types import AnyUser
from core.validators import (
    ascii_digits,
    mask_id_number,
    normalize_id_number,
    normalize_phone,
    past_date,
    validate_id_number,
    validate_mobile_phone,
)
from members.models.choices import (
    ETHNICITY_CHOICES,
    GOOD_STANDINGS,
    Education,
    Gender,
    Membership,
    PersonnelCategory,
    Standing,
)
from members.models.dues_state import DuesState, MemberSQL, dues_json_sql, in_arrears_sql
from organizations.models import Organization
from organizations.scope import user_scope

#: Fields the member form edits; identity and handling belong to the home organization.
MEMBER_FIELDS = (
    "name",
    "name_reading",
    "gender",
    "ethnicity",
    "id_number",
    "birth_date",
    "education",
    "personnel_category",
    "home_org",
    "joined_on",
    "full_member_on",
    "membership",
    "job",
    "phone",
    "home_address",
    "household_registration",
    "residence",
    "employer",
    "standing",
    "lost_contact",
    "lost_contact_since",
    "is_mobile",
    "mobile_destination",
    "report_every_months",
)


#: Register fields the mobility, lost-contact and standing actions keep: an import may set them,
#: the member form does not edit them (an outflow registration, a lost-contact record or an
#: approved standing decision changes them, with its own trail).
STATE_FIELDS = (
    "standing",
    "lost_contact",
    "lost_contact_since",
    "is_mobile",
    "mobile_destination",
)


#: Above this many organizations a scope is "wide" (see MemberQuerySet.visible_to).
WIDE_SCOPE_ORGANIZATIONS = 300


#: The custom object permission the receiving side gets on a shared member.
RECORD_LIFE_PERMISSION = "record_member_life"


#: Which shared permission lets an organization's staff do what (change is never shared).
SHARED_BY_ACTION: dict[str, str] = {
    Action.VIEW: "view_member",
    Action.RECORD: RECORD_LIFE_PERMISSION,
}


class MemberQuerySet(models.QuerySet["Member"]):
    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> MemberQuerySet:
        """Members the user may see, change, or record life for.

        - view: home organization inside a role's subtree, or shared (guardian `view_member`)
          with the group of an organization inside that scope;
        - change (identity, handling): the home side only;
        - record (organizational life, contacts, visits): the home side's changers, or the
          changers of an organization the member is shared with (`record_member_life`).
        """
        halves = _scope_halves(user, action)
        if halves is None:
            return self
        home, shared = halves
        return self.filter(home | shared if shared else home)

    def visible_parts(self, user: AnyUser, action: str = Action.VIEW) -> list[MemberQuerySet]:
        """`visible_to(user, action)` as disjoint querysets whose union it is: for a narrow
        scope, the members at home in it and those shared with it from elsewhere. Counted
        apart, the first is a count of the active-members index alone, where the OR needs
        every row read (a county's list count: 9 ms -> 4 ms, docs/benchmarks.md). A wide
        scope stays one queryset: "shared, and not at home in a province" would be a scan of
        the whole member table."""
        halves = _scope_halves(user, action)
        if halves is None:
            return [self]
        home, shared = halves
        if not shared or _is_wide(user, action):
            return [self.filter(home | shared if shared else home)]
        return [self.filter(home), self.filter(shared).exclude(home)]

    def active(self) -> MemberQuerySet:
        """Not archived."""
        return self.filter(archived_at__isnull=True)

    def locked(self, member: Member) -> Member:
        """`member` read again and locked, with its branch, for the action about to change
        it: two actions on one member take turns."""
        return self.select_for_update().select_related("home_org").get(pk=member.pk)

    def arriving(self, *, id_number: str, name: str) -> Member | None:
        """The member on the register with exactly this ID-card number and name, or None.

        The inflow side finds arriving members only this way, never by browsing other
        counties' registers; a wrong name answers like an unknown number, so the lookup
        reveals nothing.
        """
        member = (
            self.filter(id_number=normalize_id_number(id_number), archived_at__isnull=True)
            .select_related("home_org")
            .first()
        )
        if member is None or member.name != name.strip():
            return None
        return member

    def for_list(self) -> MemberQuerySet:
        return self.select_related("home_org")

    def pairing_partners(self, member: Member) -> MemberQuerySet:
        """Who may be `member`'s designated contact (联系人) or pairing partner (结对党员)
        among party members: the home branch's members in good standing, not archived, not
        the member themself, by name (issue 9, item 11; `MobilityEpisode.contact_member`)."""
        return (
            self.filter(
                home_org_id=member.home_org_id,
                archived_at__isnull=True,
                standing__in=GOOD_STANDINGS,
            )
            .exclude(pk=member.pk)
            .order_by("name_pinyin", "id")
        )

    def with_dues(self, as_of: dt.date) -> MemberQuerySet:
        """Each member annotated with their dues as of `as_of` (read it as `member.dues`, a
        `DuesState`): paid up to, months and amount owed, the last payment. The one reading of
        dues (`members.models.dues_state`)."""
        return self.annotate(
            dues_json=MemberSQL(
                lambda member, alias: dues_json_sql(member, alias, as_of), models.JSONField()
            )
        )

    def in_dues_arrears(self, as_of: dt.date, months: int = 1) -> MemberQuerySet:
        """Members owing at least `months` months of dues as of `as_of` (six: the party
        constitution's condition for treating a member as having left)."""
        return self.filter(
            MemberSQL(
                lambda member, alias: in_arrears_sql(member, alias, as_of, months),
                models.BooleanField(),
            )
        )

    def search(self, text: str) -> MemberQuerySet:
        """Name (Chinese prefix), pinyin or its initials ("zs" → 张三), ID-card number or phone.

        Full-width digits and letters are read as their ASCII forms."""
        text = ascii_digits(text).strip()
        if not text:
            return self
        if text.isascii():
            lowered = text.lower().replace(" ", "")
            if lowered.isalpha():
                # Both keys start with the same letter; saying so as a range lets PostgreSQL
                # walk the pinyin index from that letter instead of from "a".
                return self.filter(
                    Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered),
                    _pinyin_range(lowered[0]),
                )
            upper = text.upper()
            if upper[:-1].isdigit() or upper.isdigit():
                return self.filter(Q(id_number__startswith=upper) | Q(phone__startswith=text))
            return self.none()
        reading = reading_prefix(text)
        if not reading:
            return self.filter(name__startswith=text)
        # The reading's range finds the matches, in the list's order. The name is compared as
        # an expression so that PostgreSQL does not also scan the name index for every name
        # with this beginning (67,000 for 张 in a province) to AND it in: docs/benchmarks.md.
        return self.filter(Exact(Left("name", len(text)), text), _pinyin_range(reading))


def _base_action(action: str) -> str:
    """The scope an action is checked against: recording life needs the changers' scope."""
    return Action.CHANGE if action == Action.RECORD else action


def _is_wide(user: AnyUser, action: str) -> bool:
    """A scope of more than WIDE_SCOPE_ORGANIZATIONS organizations (a county and up)."""
    return len(user_scope(user).organization_ids(_base_action(action))) > WIDE_SCOPE_ORGANIZATIONS


def _scope_halves(user: AnyUser, action: str) -> tuple[Q, Q | None] | None:
    """The two halves of a user's member scope for `action`: home organization inside it, and
    shared with it (None when nothing is shared for the action); None for a superuser."""
    scope = user_scope(user)
    if scope.is_superuser:
        return None
    base = _base_action(action)
    codename = SHARED_BY_ACTION.get(action)
    org_ids = scope.organization_ids(base)
    grants = MemberGroupObjectPermission.objects.filter(permission__codename=codename)
    if _is_wide(user, action):
        # A wide scope (a county and up) holds most of what it scans: hashed subqueries
        # filter an index walk in pinyin order cheaply, and keep the SQL small.
        in_scope = Organization.objects.filter(scope.q("path", base)).order_by()
        granted = grants.filter(group_id__in=in_scope.values("group_id"))
        shared = Q(pk__in=granted.values("content_object_id")) if codename else None
        return Q(home_org_id__in=in_scope.values("id")), shared
    # A narrow scope (a branch, a township) is a few hundred rows among a million: literal
    # id lists let `home_org IN (...) OR id IN (...)` be a BitmapOr of two index scans,
    # which an OR over a subquery or a path join cannot (docs/benchmarks.md). Each list is
    # one array parameter (`= ANY`), not a parameter per id.
    home = Q(AnyOf(F("home_org_id"), org_ids))
    if not codename or not org_ids:
        return home, None
    shared_ids = scope.memo(
        f"shared_member_ids:{codename}",
        lambda: list(
            grants.filter(AnyOf(F("group_id"), scope.group_ids(base)))
            .values_list("content_object_id", flat=True)
            .distinct()
        ),
    )
    return home, Q(AnyOf(F("pk"), shared_ids)) if shared_ids else None


def _reading_error(mismatch: str) -> str:
    """The words for `core.pinyin.reading_mismatch`'s answer."""
    if mismatch == "letters":
        return str(_("Type the reading in pinyin letters without tones, e.g. shan zhi gang."))
    if mismatch == "count":
        return str(
            _("Give one syllable for each Chinese character of the name, separated by spaces.")
        )
    return _("“%(syllable)s” is not a reading of that character of the name.") % {
        "syllable": mismatch
    }


def _pinyin_range(prefix: str) -> Q:
    upper = next_key(prefix)
    condition = Q(name_pinyin__gte=prefix)
    return condition & Q(name_pinyin__lt=upper) if upper else condition


class Member(ChecksInOneQuery):
    """A party member: the basic information card (流动党员基本信息卡) and ledger entry.

    Holds the sixteen items of the national collection form plus the fields mobile-member work
    needs. The formal organizational relationship is `home_org`. Members are never deleted:
    archiving sets `archived_at`.
    """

    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(
        _("name in pinyin"), max_length=320, editable=False, help_text=_("Sort and search key.")
    )
    name_initials = models.CharField(_("pinyin initials"), max_length=50, editable=False)
    name_reading = models.CharField(
        _("name reading"),
        max_length=320,
        blank=True,
        help_text=_(
            "Only when the name is read otherwise than the computed pinyin: one syllable per "
            "character, separated by spaces (e.g. shan zhi gang). Sorting and pinyin search "
            "use it."
        ),
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=10, choices=ETHNICITY_CHOICES, default="汉族"
    )
    id_number = models.CharField(
        _("ID-card number"),
        max_length=18,
        validators=[validate_id_number],
        help_text=_("Resident identity card number: 18 characters, GB 11643. Sensitive."),
    )
    birth_date = models.DateField(_("birth date"), validators=[past_date])
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    personnel_category = models.CharField(
        _("personnel category"), max_length=20, choices=PersonnelCategory.choices
    )
    home_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("branch"),
        help_text=_("Where the formal organizational relationship is held."),
    )
    joined_on = models.DateField(_("date joined the party"), validators=[past_date])
    full_member_on = models.DateField(
        _("date made full member"), validators=[past_date], null=True, blank=True
    )
    membership = models.CharField(
        _("membership type"), max_length=20, choices=Membership.choices, default=Membership.FULL
    )
    job = models.CharField(_("job"), max_length=100, blank=True)
    phone = models.CharField(
        _("mobile phone"), max_length=11, validators=[validate_mobile_phone], blank=True
    )
    home_address = models.CharField(_("home address"), max_length=200, blank=True)
    household_registration = models.CharField(
        _("household registration place"), max_length=200, blank=True
    )
    residence = models.CharField(_("current residence"), max_length=200, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    standing = models.CharField(
        _("party standing"), max_length=20, choices=Standing.choices, default=Standing.NORMAL
    )
    standing_since = models.DateField(
        _("standing since"),
        validators=[past_date],
        null=True,
        blank=True,
        help_text=_("The approval date of the decision that gave the current standing."),
    )
    lost_contact = models.BooleanField(_("lost contact"), default=False)
    lost_contact_since = models.DateField(
        _("lost contact since"), validators=[past_date], null=True, blank=True
    )
    last_known_place = models.CharField(
        _("last known place"),
        max_length=200,
        blank=True,
        help_text=_("Where the member was last known to be, while contact is lost."),
    )
    is_mobile = models.BooleanField(_("mobile member"), default=False)
    mobile_destination = models.CharField(
        _("destination (province/city/county)"), max_length=100, blank=True
    )
    report_every_months = models.PositiveSmallIntegerField(
        _("reports expected every (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("How often a mobile member reports to the branch; quarterly by default."),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archive_reason = models.CharField(_("archive reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        permissions = [
            (RECORD_LIFE_PERMISSION, _("Can record organizational life, dues, contacts"))
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], name="member_id_number_unique"),
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True) | Q(full_member_on__gte=F("joined_on")),
                name="member_full_after_joined",
            ),
            models.CheckConstraint(
                condition=Q(lost_contact=True) | Q(lost_contact_since__isnull=True),
                name="member_lost_since_needs_flag",
            ),
            models.CheckConstraint(
                condition=Q(membership="full") | Q(full_member_on__isnull=True),
                name="member_probationary_not_full",
            ),
        ]
        indexes = [
            # The list's order and keyset cursor.
            models.Index(fields=["name_pinyin", "id"], name="member_pinyin_id_idx"),
            models.Index(fields=["home_org", "name_pinyin", "id"], name="member_org_pinyin_idx"),
            # Counts of the active register per organization (home page, tree, list totals).
            models.Index(
                fields=["home_org"],
                condition=Q(archived_at__isnull=True),
                name="member_active_org_idx",
            ),
            models.Index(
                OpClass("name_initials", name="varchar_pattern_ops"), name="member_initials_idx"
            ),
            models.Index(
                OpClass("name_pinyin", name="varchar_pattern_ops"), name="member_pinyin_prefix_idx"
            ),
            models.Index(
                OpClass("name", name="varchar_pattern_ops"), name="member_name_prefix_idx"
            ),
            models.Index(
                OpClass("id_number", name="varchar_pattern_ops"), name="member_idno_prefix_idx"
            ),
            models.Index(
                OpClass("phone", name="varchar_pattern_ops"), name="member_phone_prefix_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.home_org.path}

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def in_good_standing(self) -> bool:
        return self.standing in GOOD_STANDINGS

    def require_good_standing(self) -> None:
        """Refuse, saying why, what only a member in good standing may have (an absence
        registered, a certificate, a transfer): suspended, struck-off, withdrawn, expelled and
        deceased members are not (issue 9, item 2)."""
        if not self.in_good_standing:
            raise ValidationError(
                _("%(name)s's party standing is “%(standing)s”: not possible for them.")
                % {"name": self.name, "standing": self.get_standing_display()}
            )

    @property
    def dues(self) -> DuesState:
        """The member's dues; the queryset must have asked for them (`with_dues`)."""
        if "dues_json" not in self.__dict__:
            raise AttributeError("Ask the queryset for dues: Member.objects.with_dues(as_of).")
        return DuesState.from_json(self.__dict__["dues_json"])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def clean(self) -> None:
        # Derived keys are part of the record's invariants: every save path (actions, admin)
        # runs full_clean(), so they cannot drift from the name.
        self.id_number = normalize_id_number(self.id_number or "")
        self.phone = normalize_phone(self.phone or "")
        if self.name:
            self.name = self.name.strip()
        errors: dict[str, list[Any]] = {}
        # A typed reading (Issue 9, item 1) replaces the computed one if it reads the name.
        self.name_reading = normalize_reading(self.name_reading or "")
        reading = self.name_reading
        mismatch = reading_mismatch(self.name, reading) if self.name and reading else None
        if mismatch is not None:
            errors.setdefault("name_reading", []).append(_reading_error(mismatch))
            reading = ""
        if self.name:
            self.name_pinyin = pinyin_key(self.name, reading)
            self.name_initials = pinyin_initials(self.name, reading)
        if self.home_org_id and (refusal := self.home_org.relationship_refusal()):
            errors.setdefault("home_org", []).append(refusal)
        if self.full_member_on and self.joined_on and self.full_member_on < self.joined_on:
            errors.setdefault("full_member_on", []).append(
                _("The date of becoming a full member cannot be before the date of joining.")
            )
        if self.membership == Membership.PROBATIONARY and self.full_member_on:
            errors.setdefault("full_member_on", []).append(
                _("A probationary member has no date of becoming a full member.")
            )
        if self.membership == Membership.FULL and self.joined_on and not self.full_member_on:
            errors.setdefault("full_member_on", []).append(
                _("Enter the date this member became a full member.")
            )
        if self.lost_contact_since and not self.lost_contact:
            errors.setdefault("lost_contact_since", []).append(
                _("Only a member marked as lost contact has a lost-contact date.")
            )
        if self.lost_contact and not self.lost_contact_since:
            errors.setdefault("lost_contact_since", []).append(
                _("Enter since when contact has been lost.")
            )
        if errors:
            raise ValidationError(errors)


class MemberUserObjectPermission(UserObjectPermissionBase):
    """Direct-foreign-key object permission on a member for one user (joins by integer key)."""

    content_object = models.ForeignKey(Member, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("member permission (user)")
        verbose_name_plural = _("member permissions (user)")


class MemberGroupObjectPermission(GroupObjectPermissionBase):
    """Direct-foreign-key object permission on a member for an organization's group.

    This is how a member is shared with an inflow or receiving organization: the grant goes to
    that organization's group, and `Member.objects.visible_to` lets anyone whose scope contains
    the organization see the member.
    """

    content_object = models.ForeignKey(Member, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("member permission (group)")
        verbose_name_plural = _("member permissions (group)")
        indexes = [
            models.Index(fields=["group", "permission"], name="member_gperm_group_idx"),
        ]
