"""The organization tree and the staff roles that give users their scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.constraints import ChecksInOneQuery
from core.models import User
from core.scoping import Action
from core.types import AnyUser
from core.validators import validate_mobile_phone


class OrgKind(models.TextChoices):
    COUNTY_COMMITTEE = "county", _("County committee")
    TOWNSHIP_COMMITTEE = "township", _("Township/street committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    MOBILE_BRANCH = "mobile_branch", _("Mobile-member branch")
    JOINT_BRANCH = "joint_branch", _("Joint branch")
    STATION = "station", _("Check-in station")
    PARTY_GROUP = "party_group", _("Party group")
    TEMPORARY_BRANCH = "temporary_branch", _("Temporary branch")


COMMITTEE_KINDS = frozenset({OrgKind.COUNTY_COMMITTEE, OrgKind.TOWNSHIP_COMMITTEE})
#: Organizations that hold members' formal relationships (basic-level organizations).
BRANCH_KINDS = frozenset(
    {
        OrgKind.GENERAL_BRANCH,
        OrgKind.BRANCH,
        OrgKind.MOBILE_BRANCH,
        OrgKind.JOINT_BRANCH,
        OrgKind.STATION,
    }
)


#: Organizations of organizational life only (issue 10): a party group (党小组) inside a branch,
#: and a temporary branch (临时党支部) of mobile members who left together. They hold meetings
#: for the members who belong to them (`education.GroupMembership`) but hold no relationships
#: and take no check-ins.
LIFE_GROUP_KINDS = frozenset({OrgKind.PARTY_GROUP, OrgKind.TEMPORARY_BRANCH})


def relationship_kinds() -> frozenset[str]:
    """The kinds of organization that hold members' relationships: a member's home organization
    and a transfer's destination. Check-in stations (服务站/报到点) receive and serve arriving
    members but hold no relationships, unless settings.STATIONS_HOLD_MEMBERS says this place's
    stations are real branches (issue 9, item 10)."""
    if settings.STATIONS_HOLD_MEMBERS:
        return BRANCH_KINDS
    return BRANCH_KINDS - {OrgKind.STATION}


#: Which kinds may sit directly under which.
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    OrgKind.COUNTY_COMMITTEE: frozenset({OrgKind.TOWNSHIP_COMMITTEE, OrgKind.TEMPORARY_BRANCH})
    | BRANCH_KINDS,
    OrgKind.TOWNSHIP_COMMITTEE: BRANCH_KINDS | {OrgKind.TEMPORARY_BRANCH},
    OrgKind.GENERAL_BRANCH: frozenset(
        {
            OrgKind.BRANCH,
            OrgKind.MOBILE_BRANCH,
            OrgKind.JOINT_BRANCH,
            OrgKind.PARTY_GROUP,
            OrgKind.TEMPORARY_BRANCH,
        }
    ),
    OrgKind.BRANCH: frozenset({OrgKind.PARTY_GROUP}),
    OrgKind.MOBILE_BRANCH: frozenset({OrgKind.PARTY_GROUP}),
    OrgKind.JOINT_BRANCH: frozenset({OrgKind.PARTY_GROUP}),
    OrgKind.STATION: frozenset(),
    OrgKind.PARTY_GROUP: frozenset(),
    OrgKind.TEMPORARY_BRANCH: frozenset({OrgKind.PARTY_GROUP}),
}


def numbering_kinds() -> frozenset[str]:
    """The kinds that give official numbers: committees (the county numbers certificates, every
    committee numbers the transfer letters of the branches below it) and whatever kinds issue
    their own letters in this deployment."""
    return COMMITTEE_KINDS | frozenset(settings.TRANSFER_SELF_ISSUING_KINDS)


class Sector(models.TextChoices):
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    NON_PUBLIC_ENTERPRISE = "enterprise", _("Non-public enterprise")
    SOCIAL_ORGANIZATION = "social", _("Social organization")
    GOVERNMENT = "government", _("Government body")
    INDUSTRY_DEPARTMENT = "industry", _("Industry department")
    TALENT_CENTRE = "talent", _("Talent exchange centre")
    PARK = "park", _("Park")


#: The "two new" organizations (两新组织).
TWO_NEW_SECTORS = frozenset({Sector.NON_PUBLIC_ENTERPRISE, Sector.SOCIAL_ORGANIZATION})


class ManagementMode(models.TextChoices):
    INTEGRATED = "integrated", _("Integrated (community where they live)")
    SELF_MANAGED = "self_managed", _("Self-managed (mobile-member branch)")
    AFFILIATED = "affiliated", _("Affiliated (local station)")
    SECTOR_BASED = "sector_based", _("Sector-based (trade department)")


class TradeQuerySet(models.QuerySet["Trade"]):
    def active(self) -> TradeQuerySet:
        """The trades offered in pickers (a retired one stays on the records that name it)."""
        return self.filter(is_active=True)


class Trade(models.Model):
    """A trade (行业) by which sector-based management (归口管理) routes mobile members: transport,
    construction, couriers, food delivery, domestic service, manufacturing...

    The list is data, not code: a migration seeds it and superusers edit it in the admin. An
    organization serves some trades (`Organization.trades`: a trade department's or a trade
    association's party organization), an absence records the member's
    (`MobilityEpisode.trade`), and check-in suggests the organization serving the member's
    trade where they arrive (members.mobility.routing; issue 9, item 11).
    """

    code = models.SlugField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("A short fixed key (letters, digits, underscores), e.g. courier."),
    )
    name = models.CharField(pgettext_lazy("trade", "name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Retired trades are no longer offered.")
    )

    objects = TradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("trade")
        verbose_name_plural = _("trades")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class RoleKind(models.TextChoices):
    COUNTY_OFFICER = "county", _("County organization department officer")
    TOWNSHIP_OFFICER = "township", _("Township/street committee officer")
    SECRETARY = "secretary", _("Branch secretary")
    COMMITTEE_MEMBER = "committee", _("Branch committee member")
    INSPECTOR = "inspector", _("Read-only inspector")


#: Seniority for granting: nobody grants a role ranked above their own.
ROLE_RANK: dict[str, int] = {
    RoleKind.COUNTY_OFFICER: 4,
    RoleKind.TOWNSHIP_OFFICER: 3,
    RoleKind.SECRETARY: 2,
    RoleKind.COMMITTEE_MEMBER: 1,
    RoleKind.INSPECTOR: 0,
}
#: What each capability needs.
CAN_CHANGE = frozenset(
    {
        RoleKind.COUNTY_OFFICER,
        RoleKind.TOWNSHIP_OFFICER,
        RoleKind.SECRETARY,
        RoleKind.COMMITTEE_MEMBER,
    }
)
CAN_MANAGE = frozenset({RoleKind.COUNTY_OFFICER, RoleKind.TOWNSHIP_OFFICER})
CAN_AUDIT = frozenset({RoleKind.COUNTY_OFFICER})
#: Which organization kinds each role may be held on.
ROLE_ORG_KINDS: dict[str, frozenset[str]] = {
    RoleKind.COUNTY_OFFICER: frozenset({OrgKind.COUNTY_COMMITTEE}),
    RoleKind.TOWNSHIP_OFFICER: frozenset({OrgKind.TOWNSHIP_COMMITTEE}),
    RoleKind.SECRETARY: BRANCH_KINDS | {OrgKind.TEMPORARY_BRANCH},
    # A party group's leader (党小组长) records its meetings as a committee member does.
    RoleKind.COMMITTEE_MEMBER: BRANCH_KINDS | LIFE_GROUP_KINDS,
    RoleKind.INSPECTOR: frozenset(OrgKind.values),
}


@dataclass(slots=True)
class TreeRow:
    """An organization as a line of the tree shows it: the few columns it needs, read as values
    rather than a model instance (a province's tree is thousands of organizations)."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "pk",
        "path",
        "depth",
        "numchild",
        "name",
        "kind",
        "is_active",
    )

    pk: int
    path: str
    depth: int
    numchild: int
    name: str
    kind: str
    is_active: bool
    #: Members whose home organization this is (not archived); counted separately.
    direct_members: int = 0

    def get_kind_display(self) -> str:
        return str(OrgKind(self.kind).label)


class OrganizationQuerySet(MP_NodeQuerySet):
    def tree_rows(self) -> list[TreeRow]:
        """The organizations as light rows, in the queryset's order."""
        return [TreeRow(*values) for values in self.values_list(*TreeRow.COLUMNS)]

    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> OrganizationQuerySet:
        # organizations.scope reads roles from this module: importing it here breaks the cycle.
        from organizations.scope import user_scope

        scope = user_scope(user)
        if scope.is_superuser:
            return self
        return self.filter(scope.q("path", action))

    def with_kind(self, *kinds: str) -> OrganizationQuerySet:
        return self.filter(kind__in=kinds)

    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)

    def check_in_points(self, user: AnyUser) -> OrganizationQuerySet:
        """Where `user` may check arriving members in: the active branches and stations in
        their change scope, in tree order."""
        return (
            self.visible_to(user, Action.CHANGE)
            .active()
            .filter(kind__in=BRANCH_KINDS)
            .order_by("path")
        )


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> OrganizationQuerySet:
        # treebeard's manager hard-codes its own queryset class; keep its path ordering.
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(ChecksInOneQuery, MP_Node):
    """A party organization in the tree: county committee down to branches and check-in stations.

    The tree is a materialized path (`path`), so "everything under X" is a prefix range on an
    indexed column. Each organization owns one auth Group: object permissions granted to that group
    (django-guardian) are how records are shared with it.
    """

    name = models.CharField(pgettext_lazy("organization", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    management_mode = models.CharField(
        _("management mode"),
        max_length=20,
        choices=ManagementMode.choices,
        blank=True,
        help_text=_("How this organization manages the mobile members it takes in."),
    )
    province_code = models.CharField(_("province code"), max_length=6, blank=True)
    city_code = models.CharField(_("city code"), max_length=6, blank=True)
    county_code = models.CharField(
        _("county code"),
        max_length=6,
        blank=True,
        help_text=_("Six-digit administrative division code (GB/T 2260)."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    hotline = models.CharField(_("consulting hotline"), max_length=20, blank=True)
    fax = models.CharField(
        _("fax"),
        max_length=20,
        blank=True,
        help_text=_("Printed on the transfer letters this organization issues."),
    )
    mailbox = models.EmailField(_("work mailbox"), blank=True)
    sms_phone = models.CharField(
        _("SMS platform number"), max_length=11, blank=True, validators=[validate_mobile_phone]
    )
    trades = models.ManyToManyField(
        Trade,
        blank=True,
        related_name="organizations",
        verbose_name=_("trades served"),
        help_text=_(
            "For sector-based management (归口管理): the trades whose mobile members this "
            "organization takes in."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    group = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="organization",
        verbose_name=_("staff group"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[Any] = OrganizationManager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [
            models.Index(fields=["kind"], name="org_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrgKind.values), name="org_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.path}

    @property
    def is_branch_level(self) -> bool:
        return self.kind in BRANCH_KINDS

    def relationship_refusal(self) -> str:
        """Why this organization cannot hold a member's relationship ("" when it can): the
        one wording the member's form and the transfer actions show."""
        if self.kind in relationship_kinds():
            return ""
        if self.kind == OrgKind.STATION:
            return str(
                _(
                    "%(org)s is a check-in station: it receives and serves arriving members "
                    "but does not hold members' organizational relationships."
                )
                % {"org": self.name}
            )
        if self.kind in LIFE_GROUP_KINDS:
            return str(
                _(
                    "%(org)s is a party group or temporary branch: it holds organizational life "
                    "for its members, whose relationships stay with their branches."
                )
                % {"org": self.name}
            )
        return str(_("A member belongs to a branch-level organization, not to a committee."))

    @property
    def taking_mode(self) -> str:
        """The management mode under which this organization takes arriving members in (a
        station without one set is affiliated by nature); "" when it has none."""
        if self.management_mode:
            return str(self.management_mode)
        if self.kind == OrgKind.STATION:
            return ManagementMode.AFFILIATED.value
        return ""

    @property
    def numbers_documents(self) -> bool:
        """Whether this organization gives official numbers: a county committee (activity
        certificates and certificate letters), a township committee and any kind that issues
        its own transfer letters (settings.TRANSFER_SELF_ISSUING_KINDS)."""
        return self.kind in numbering_kinds()

    def numbering_code(self) -> str:
        """The county code that starts every official number this organization gives, or a
        refusal in words: an official number without the administrative division code is not
        one (Issue 9, item 12). The system check `organizations.E001` finds such committees
        before anyone tries to issue."""
        if not self.county_code.strip():
            raise ValidationError(
                _(
                    "%(org)s has no county code, so it cannot give official numbers. Ask the "
                    "administrator to enter the six-digit administrative division code on the "
                    "organization first."
                )
                % {"org": self.name}
            )
        return self.county_code.strip()

    def allows_child(self, kind: str) -> bool:
        return kind in ALLOWED_CHILDREN.get(self.kind, frozenset())

    def committee_above(self) -> Organization | None:
        """The nearest committee above this organization (a branch's basic-level committee),
        or None at the top. One query."""
        above = self.ancestors_and_self()[:-1]
        return next((org for org in reversed(above) if org.kind in COMMITTEE_KINDS), None)

    def ancestors_and_self(self) -> list[Organization]:
        """Root first; one query (the path encodes every ancestor)."""
        step = self.steplen
        paths = [self.path[:i] for i in range(step, len(self.path) + 1, step)]
        by_path = {o.path: o for o in Organization.objects.filter(path__in=paths)}
        return [by_path[p] for p in paths if p in by_path]


class RoleQuerySet(models.QuerySet["Role"]):
    def active(self) -> RoleQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> RoleQuerySet:
        """Roles on organizations inside the user's management scope."""
        # As in OrganizationQuerySet.visible_to: the import breaks the models ↔ scope cycle.
        from organizations.scope import user_scope

        scope = user_scope(user)
        if scope.is_superuser:
            return self
        return self.filter(scope.q("organization__path", "manage"))


class Role(ChecksInOneQuery):
    """A user's role on an organization. The role covers the organization and its whole subtree.

    Revoking sets `revoked_at`; roles are never deleted, so the history of who held what stays.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="roles",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="roles", verbose_name=_("organization")
    )
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="role_unique_active",
            ),
            models.CheckConstraint(condition=Q(kind__in=RoleKind.values), name="role_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_kind_display()}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.organization.path}

    def clean(self) -> None:
        if self.organization_id and self.kind:
            allowed = ROLE_ORG_KINDS.get(self.kind, frozenset())
            if self.organization.kind not in allowed:
                raise ValidationError(
                    {
                        "kind": _("A %(role)s cannot be held on a %(org)s.")
                        % {
                            "role": self.get_kind_display(),
                            "org": self.organization.get_kind_display(),
                        }
                    }
                )


class NoticeQuerySet(models.QuerySet["Notice"]):
    def for_user(self, user: AnyUser) -> NoticeQuerySet:
        """Notices addressed to an organization where the user holds an active role."""
        if not user.is_authenticated:
            return self.none()
        held = Role.objects.active().filter(user=user).values("organization_id")
        return self.filter(organization_id__in=held)

    def unread_by(self, user: AnyUser) -> NoticeQuerySet:
        if not isinstance(user, User):
            return self.none()
        return self.for_user(user).exclude(read_by=user)


class Notice(models.Model):
    """An in-app notice to an organization's staff (站内通知): a member registered to come, a
    member checked in elsewhere. Copies go out through the notification channels."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("organization"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("read by")
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="notice_org_created_idx")
        ]

    def __str__(self) -> str:
        return self.title
