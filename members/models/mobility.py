"""Mobility episodes: one record of each time a member is away, shared by both sides.

The outflow (home) organization registers the episode before the member leaves; the inflow
organization checks the member in; both, and the committees above each, work on the same record.
The member information card (流动信息卡) is the member's episodes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.models import StateMachine, User
from core.scoping import Action
from core.types import AnyUser
from core.validators import past_date, plan_date, validate_mobile_phone
from members.models.choices import (
    CURRENT_STATUSES,
    OPEN_STATUSES,
    ContactChannel,
    EpisodeOrigin,
    EpisodeStatus,
    EpisodeUpdateKind,
    OccupationCategory,
)
from members.models.member import Member
from members.models.records import LogRecord, RecordRow
from organizations.models import ManagementMode, Organization, Sector, Trade
from organizations.scope import user_scope

#: What the home side fills in when a member reports leaving.
OUTFLOW_FIELDS = (
    "out_date",
    "destination_province",
    "destination_city",
    "destination_county",
    "destination_address",
    "employer",
    "employer_has_party_org",
    "employer_sector",
    "occupation",
    "reason",
    "expected_return",
    "phone_there",
    "intended_org",
    "contact_person",
    "contact_member",
    "trade",
)

#: What may change while the member is away, reported by the member (Issue 9, item 4: mobile
#: members report changes of place; who may record which is `members.access`).
UPDATE_FIELDS = (
    "destination_province",
    "destination_city",
    "destination_county",
    "destination_address",
    "employer",
    "employer_has_party_org",
    "employer_sector",
    "phone_there",
    "contact_person",
)


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


class MobilityEpisodeQuerySet(models.QuerySet["MobilityEpisode"]):
    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> MobilityEpisodeQuerySet:
        """Episodes of members the user may see; changing needs the home side's scope, and the
        inflow side may record on episodes checked in with an organization in its scope."""
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
        return self.select_related(
            "member", "home_org", "inflow_org", "contact_person", "contact_member"
        )

    def of_member(self, member: Member) -> MobilityEpisodeQuerySet:
        """The member's absences, newest first, as the mobility card shows them."""
        return (
            self.filter(member=member)
            .select_related(
                "home_org",
                "inflow_org",
                "contact_person",
                "contact_member",
                "trade",
                "outside_check_in",
            )
            .order_by("-out_date", "-id")
        )


#: Item 16 of the national collection form (是否流动党员): a mobile member is one away six
#: months or more, expected or actual (Issue 9, item 12).
MOBILE_MEMBER_MONTHS = 6


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, clamped to the end of a shorter month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


class MobilityEpisode(StateMachine, ChecksInOneQuery):
    """One absence of a member: outflow registration, check-in, return or end.

    At most one episode per member is open (registered or checked in). While it is checked in,
    the inflow organization's group holds object permissions on the member.
    """

    TRANSITIONS = TRANSITIONS

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
    out_date = models.DateField(_("date of leaving"), validators=[past_date])
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
    expected_return = models.DateField(
        _("expected return"), validators=[plan_date], null=True, blank=True
    )
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
    checked_in_on = models.DateField(
        _("checked in on"), validators=[past_date], null=True, blank=True
    )
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
    lost_since = models.DateField(
        _("lost contact since"), validators=[past_date], null=True, blank=True
    )
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
    contact_member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairing_episodes",
        verbose_name=_("designated contact (party member)"),
        help_text=_(
            "An ordinary party member of the home branch paired with the member (结对党员), "
            "instead of a staff member."
        ),
    )
    trade = models.ForeignKey(
        Trade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
        verbose_name=_("trade"),
        help_text=_(
            "The trade the member works in there: sector-based management (归口管理) routes "
            "the member to the organization serving it."
        ),
    )
    ended_on = models.DateField(_("ended on"), validators=[past_date], null=True, blank=True)
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
            models.CheckConstraint(
                condition=Q(contact_person__isnull=True) | Q(contact_member__isnull=True),
                name="episode_one_designated_contact",
                violation_error_message=_(
                    "The designated contact is either a staff member or a party member of the "
                    "branch, not both."
                ),
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

    def makes_mobile_member(self, today: dt.date) -> bool:
        """Item 16 of the national form: this is the member's current absence and it is
        expected to last (the expected return) or has lasted six months or more. A shorter
        trip is an absence, not a mobile member (Issue 9, item 12)."""
        if not self.is_current:
            return False
        six_months = months_after(self.out_date, MOBILE_MEMBER_MONTHS)
        expected = self.expected_return is not None and self.expected_return >= six_months
        return expected or today >= six_months

    @property
    def takes_outside_check_in(self) -> bool:
        """A check-in outside the system is recorded on an absence registered and not checked
        in with an organization of the system (again, when the member moves on outside it)."""
        return self.status == EpisodeStatus.REGISTERED

    @property
    def outside(self) -> Any:
        """The check-in outside the system this absence stands on (an `OutsideCheckIn`), or
        None: not checked in anywhere, or with an organization of the system (Issue 9, item 5).
        Read with `select_related("outside_check_in")`."""
        if self.inflow_org_id is not None:
            return None
        return getattr(self, "outside_check_in", None)

    @property
    def contact(self) -> User | Member | None:
        """The designated contact (联系人, the pairing card's 结对党员): a staff member of the
        home branch or an ordinary party member of it (issue 9, item 11)."""
        return self.contact_member or self.contact_person

    @property
    def contact_phone(self) -> str:
        contact = self.contact
        return contact.phone if contact is not None else ""

    def contact_member_refusal(self) -> str:
        """Why `contact_member` cannot be the member's designated contact ("" when it can):
        a party member of the home branch in good standing, not archived, not the member
        themself, as the outflow form's picker offers (`Member.objects.pairing_partners`).
        Checked where the contact is chosen, not on every save: a partner who later leaves
        the branch does not block the absence's return."""
        partner = self.contact_member
        if partner is None:
            return ""
        if partner.pk == self.member_id:
            return str(_("A member cannot be their own designated contact."))
        if (
            partner.home_org_id != self.home_org_id
            or partner.archived_at is not None
            or not partner.in_good_standing
        ):
            return str(
                _(
                    "%(name)s is not a party member in good standing of %(branch)s: the "
                    "designated contact is a member of the home branch."
                )
                % {"name": partner.name, "branch": self.home_org.name}
            )
        return ""

    @property
    def destination(self) -> str:
        return "".join(
            part
            for part in (self.destination_province, self.destination_city, self.destination_county)
            if part
        )


class EpisodeUpdate(LogRecord):
    """One entry of an absence's history (Issue 9, item 4): a change the member reported while
    away (place, employer, phone, address, designated contact), or a move on to another inflow
    organization (the check-in there ends the one before). Never edited: each change is a new
    entry, shown on the mobility information card.

    `changes` lists what changed, in order, as `{"field": name, "from": old, "to": new}` with
    the stored values (an organization or a person by name): the card words them in the
    reader's language (`lines`)."""

    DATE_FIELD = "changed_on"
    BY_FIELD = "recorded_by"
    TEXT_FIELD = "note"

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="episode_updates", verbose_name=_("member")
    )
    episode = models.ForeignKey(
        MobilityEpisode,
        on_delete=models.PROTECT,
        related_name="updates",
        verbose_name=_("absence"),
    )
    kind = models.CharField(
        pgettext_lazy("episode update", "kind"),
        max_length=20,
        choices=EpisodeUpdateKind.choices,
        default=EpisodeUpdateKind.UPDATED,
    )
    changed_on = models.DateField(
        _("date of the change"),
        validators=[past_date],
        help_text=_("When the change took effect, as the member reported it."),
    )
    # Overrides the log's channel: a move is recorded at the desk, not reported through one.
    channel = models.CharField(
        _("channel"), max_length=20, choices=ContactChannel.choices, blank=True
    )
    changes = models.JSONField(_("changes"), default=list)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("change while away")
        verbose_name_plural = _("changes while away")
        indexes = [
            models.Index(fields=["member", "-changed_on"], name="episode_update_member_idx"),
            models.Index(fields=["episode", "-changed_on"], name="episode_update_episode_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.changed_on}"

    def lines(self) -> list[str]:
        """Each change in words: "employer there: A → B", choices and yes/no by their labels."""
        words = []
        for change in self.changes:
            name = change["field"]
            field = MobilityEpisode._meta.get_field(name)
            label = str(getattr(field, "verbose_name", name))
            old, new = _worded(field, change.get("from")), _worded(field, change.get("to"))
            words.append(f"{label}: {old} → {new}")
        return words

    @property
    def text(self) -> str:
        """The changes in one line, then the note."""
        return "; ".join([*self.lines(), *([self.note] if self.note else [])])

    @property
    def row(self) -> RecordRow:
        channel = self.get_channel_display() if self.channel else self.get_kind_display()
        return RecordRow(self.changed_on, str(channel), self.recorded_by, self.text)


def _worded(field: Any, value: Any) -> str:
    """A stored value of `field` as the card shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    choices = dict(getattr(field, "flatchoices", None) or [])
    return str(choices.get(value, value))
