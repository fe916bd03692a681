"""Mobility episodes: one record of each time a member is away, shared by both sides.

The outflow (home) organization registers the episode before the member leaves; the inflow
organization checks the member in; both, and the committees above each, work on the same record.
The member information card (流动信息卡) is the member's episodes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.scoping import Action
from core.validators import validate_id_number, validate_mobile_phone
from members.models.member import Member
from organizations.models import ManagementMode, Organization, Sector


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


#: The allowed transitions, written once; every action checks them.
TRANSITIONS: dict[str, frozenset[str]] = {
    EpisodeStatus.REGISTERED: frozenset(
        {EpisodeStatus.CHECKED_IN, EpisodeStatus.RETURNED, EpisodeStatus.TRANSFERRED,
         EpisodeStatus.LOST}
    ),
    EpisodeStatus.CHECKED_IN: frozenset(
        {EpisodeStatus.RETURNED, EpisodeStatus.TRANSFERRED, EpisodeStatus.LOST}
    ),
    EpisodeStatus.LOST: frozenset(
        {EpisodeStatus.REGISTERED, EpisodeStatus.CHECKED_IN, EpisodeStatus.RETURNED,
         EpisodeStatus.TRANSFERRED}
    ),
    EpisodeStatus.RETURNED: frozenset(),
    EpisodeStatus.TRANSFERRED: frozenset(),
}  # fmt: skip


class OccupationCategory(models.TextChoices):
    MIGRANT_WORKER = "migrant", _("Migrant worker or trader")
    NON_PUBLIC_EMPLOYEE = "non_public", _("Employed in a non-public enterprise")
    FLEXIBLE = "flexible", _("Flexible employment")
    STUDY = "study", _("Study")
    OTHER = "other", _("Other")


class MobilityEpisodeQuerySet(models.QuerySet["MobilityEpisode"]):
    def visible_to(self, user: Any, action: str = Action.VIEW) -> MobilityEpisodeQuerySet:
        """Episodes of members the user may see; changing needs the home side's scope, and the
        inflow side may record on episodes checked in with an organization in its scope."""
        from organizations.scope import user_scope

        scope = user_scope(user)
        if scope.is_superuser:
            return self
        if action == Action.VIEW:
            return self.filter(member__in=Member.objects.visible_to(user, Action.VIEW))
        home = Q(home_org_id__in=scope.organization_ids(Action.CHANGE))
        inflow = Q(inflow_org_id__in=scope.organization_ids(Action.CHANGE))
        return self.filter(home | inflow)

    def open(self) -> MobilityEpisodeQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def for_list(self) -> MobilityEpisodeQuerySet:
        return self.select_related("member", "home_org", "inflow_org", "contact_person")


class MobilityEpisode(models.Model):
    """One absence of a member: outflow registration, check-in, return or end.

    At most one episode per member is open (registered or checked in). While it is checked in,
    the inflow organization's group holds object permissions on the member.
    """

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="episodes", verbose_name=_("member")
    )
    home_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="outflow_episodes",
        verbose_name=_("outflow organization"),
        help_text=_("The organization holding the relationship when the member left."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.REGISTERED
    )
    origin = models.CharField(
        _("origin"), max_length=20, choices=EpisodeOrigin.choices, default=EpisodeOrigin.REGISTERED
    )
    out_date = models.DateField(_("date of leaving"))
    destination_province = models.CharField(_("destination province"), max_length=30)
    destination_city = models.CharField(_("destination city"), max_length=30, blank=True)
    destination_county = models.CharField(_("destination county/district"), max_length=30)
    destination_address = models.CharField(_("address there"), max_length=200, blank=True)
    employer = models.CharField(_("employer there"), max_length=200, blank=True)
    employer_has_party_org = models.BooleanField(
        _("employer has a party organization"), default=False
    )
    employer_sector = models.CharField(
        _("employer sector"), max_length=20, choices=Sector.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation category"), max_length=20, choices=OccupationCategory.choices
    )
    reason = models.CharField(_("reason for leaving"), max_length=200)
    expected_return = models.DateField(_("expected return"), null=True, blank=True)
    phone_there = models.CharField(
        _("phone there"), max_length=11, blank=True, validators=[validate_mobile_phone]
    )
    intended_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expected_episodes",
        verbose_name=_("expected inflow organization"),
        help_text=_("Told that the member is coming, when it works in the system."),
    )
    inflow_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inflow_episodes",
        verbose_name=_("inflow organization"),
    )
    checked_in_on = models.DateField(_("checked in on"), null=True, blank=True)
    routing_mode = models.CharField(
        _("management mode"),
        max_length=20,
        choices=ManagementMode.choices,
        blank=True,
        help_text=_("The management mode that decided which organization takes the member."),
    )
    suggested_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization the management mode suggested"),
    )
    routing_override_reason = models.CharField(
        _("reason for choosing another organization"), max_length=200, blank=True
    )
    lost_since = models.DateField(_("lost contact since"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_episodes",
        verbose_name=_("designated contact"),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_note = models.CharField(_("note on the end"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MobilityEpisodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("mobility episode")
        verbose_name_plural = _("mobility episodes")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["registered", "checked_in", "lost"]),
                name="episode_one_current_per_member",
                violation_error_message=_("This member is already registered as away."),
            ),
            models.CheckConstraint(
                condition=~Q(status="lost") | Q(lost_since__isnull=False),
                name="episode_lost_has_since",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_on__isnull=True) | Q(checked_in_on__gte=F("out_date")),
                name="episode_checkin_after_leaving",
                violation_error_message=_("A member checks in on or after the date of leaving."),
            ),
            models.CheckConstraint(
                condition=Q(expected_return__isnull=True)
                | Q(expected_return__gte=F("out_date")),
                name="episode_return_after_leaving",
                violation_error_message=_("The expected return cannot be before leaving."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("out_date")),
                name="episode_end_after_leaving",
                violation_error_message=_("An absence ends on or after the date of leaving."),
            ),
            models.CheckConstraint(
                condition=~Q(status="checked_in")
                | (Q(inflow_org__isnull=False) & Q(checked_in_on__isnull=False)),
                name="episode_checked_in_has_inflow",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["registered", "checked_in"]) | Q(ended_on__isnull=False)
                | Q(status="lost"),
                name="episode_closed_has_end_date",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["home_org", "status"], name="episode_home_status_idx"),
            models.Index(fields=["inflow_org", "status"], name="episode_inflow_status_idx"),
            models.Index(fields=["intended_org", "status"], name="episode_intended_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.destination_province}{self.destination_county}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.home_org.path}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_current(self) -> bool:
        """Open, or lost while away: the member's present absence, which the home side ends."""
        return self.status in CURRENT_STATUSES

    @property
    def destination(self) -> str:
        return "".join(
            part
            for part in (self.destination_province, self.destination_city, self.destination_county)
            if part
        )

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, frozenset())


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    VIA_INFLOW = "via_inflow", _("Through the inflow organization")


class MemberRecordQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any, action: str = Action.VIEW) -> MemberRecordQuerySet:
        """A record about a member is visible (or recordable) exactly as the member is."""
        return self.filter(member__in=Member.objects.visible_to(user, action))


class MemberRecord(models.Model):
    """The small records kept about one member (contacts, finding attempts, reports): scoped
    and filed in the audit trail through their member."""

    member: Member
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.member.home_org.path}


class ContactRecord(MemberRecord):
    """One contact with a member: a line of the pairing card (结对联心卡).

    Recorded by the home branch's contact person or by the inflow organization the member is
    shared with; the list shows how long ago the member was last reached.
    """

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("member")
    )
    contacted_on = models.DateField(_("date of contact"))
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    summary = models.CharField(_("summary"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        indexes = [models.Index(fields=["member", "-contacted_on"], name="contact_member_date_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.contacted_on}"


class FindingAttempt(MemberRecord):
    """One attempt to find a member whose whereabouts are unknown (双找: the organization looks
    for the member). An attempt that finds them closes the lost-contact state."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="finding_attempts", verbose_name=_("member")
    )
    attempted_on = models.DateField(_("date of attempt"))
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    result = models.CharField(_("result"), max_length=500)
    found = models.BooleanField(_("found"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("finding attempt")
        verbose_name_plural = _("finding attempts")
        indexes = [models.Index(fields=["member", "-attempted_on"], name="finding_member_date_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.attempted_on}"


class RegularReport(MemberRecord):
    """A mobile member's regular report to the home branch (定期汇报): when, how, what about,
    and who received it. Members away report at least quarterly unless the branch says
    otherwise (`Member.report_every_months`)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="reports", verbose_name=_("member")
    )
    reported_on = models.DateField(_("date of report"))
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    summary = models.CharField(_("content"), max_length=1000)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        verbose_name = _("regular report")
        verbose_name_plural = _("regular reports")
        indexes = [models.Index(fields=["member", "-reported_on"], name="report_member_date_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.reported_on}"


class ArrivalStatus(models.TextChoices):
    OPEN = "open", _("Home organization not yet in the system")
    MATCHED = "matched", _("Matched to a member")
    CLOSED = "closed", _("Closed")


class FoundArrivalQuerySet(models.QuerySet["FoundArrival"]):
    def visible_to(self, user: Any, action: str = Action.VIEW) -> FoundArrivalQuerySet:
        """The inflow organization that recorded the arrival, and the committees above it."""
        from organizations.scope import user_scope

        scope = user_scope(user)
        if scope.is_superuser:
            return self
        base = Action.CHANGE if action == Action.RECORD else action
        return self.filter(inflow_org_id__in=scope.organization_ids(base))


class FoundArrival(models.Model):
    """A party member who arrived and reported without any outflow record, whose ID-card number
    is not in the system (their home organization does not work in it). The inflow side keeps
    them here until the home organization is reached; a member found *in* the system becomes an
    episode of origin "found" instead."""

    id_number = models.CharField(
        _("ID-card number"), max_length=18, validators=[validate_id_number]
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(
        _("mobile phone"), max_length=11, blank=True, validators=[validate_mobile_phone]
    )
    claimed_home_org = models.CharField(
        _("home organization (as the member states it)"), max_length=200
    )
    inflow_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="found_arrivals",
        verbose_name=_("inflow organization"),
    )
    arrived_on = models.DateField(_("date of arrival"))
    residence = models.CharField(_("current residence"), max_length=200, blank=True)
    employer = models.CharField(_("employer there"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ArrivalStatus.choices, default=ArrivalStatus.OPEN
    )
    matched_member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("matched member"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FoundArrivalQuerySet.as_manager()

    class Meta:
        verbose_name = _("found member outside the system")
        verbose_name_plural = _("found members outside the system")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(status="open"),
                name="found_arrival_one_open_per_person",
                violation_error_message=_("This person is already recorded as found."),
            )
        ]
        indexes = [models.Index(fields=["inflow_org", "status"], name="found_inflow_status_idx")]

    def __str__(self) -> str:
        return f"{self.name} · {self.inflow_org}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.inflow_org.path}
