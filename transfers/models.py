"""Organizational-relationship transfers (组织关系转接) and their three-part letter.

One `Transfer` is the whole paper trail of one move of one member: both sides work on it. The
state machine is written once here (`TRANSITIONS`); every transition is an action in
`transfers/actions.py` that checks it, and leaves a `TransferEvent` for the timeline.

While a transfer is not yet received, the member stays in the sending organization's register,
marked "in transfer". Receiving moves `Member.home_org` in the same transaction that closes the
transfer (see `do_receive_transfer`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.models import StateMachine
from core.numbering import SerialCounter
from core.scoping import Action
from core.types import AnyUser
from core.validators import past_date, plan_date
from members.models import Member, MobilityEpisode
from organizations.models import Organization
from organizations.scope import user_scope


class TransferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Letter issued")
    RECEIVED = "received", _("Received")
    RECEIPT_RETURNED = "receipt_returned", _("Receipt returned")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    REISSUED = "reissued", _("Void: reissued")


#: The allowed transitions, written once. "Rejected" goes back to the sender, who corrects and
#: submits again, or withdraws.
TRANSITIONS: dict[str, frozenset[str]] = {
    TransferStatus.DRAFT: frozenset(
        {TransferStatus.SUBMITTED, TransferStatus.ISSUED, TransferStatus.WITHDRAWN}
    ),
    TransferStatus.SUBMITTED: frozenset(
        {TransferStatus.APPROVED, TransferStatus.REJECTED, TransferStatus.WITHDRAWN}
    ),
    TransferStatus.APPROVED: frozenset({TransferStatus.ISSUED, TransferStatus.WITHDRAWN}),
    TransferStatus.ISSUED: frozenset(
        {
            TransferStatus.RECEIVED,
            TransferStatus.REJECTED,
            TransferStatus.WITHDRAWN,
            TransferStatus.EXPIRED,
        }
    ),
    TransferStatus.RECEIVED: frozenset({TransferStatus.RECEIPT_RETURNED}),
    TransferStatus.REJECTED: frozenset(
        {
            TransferStatus.SUBMITTED,
            TransferStatus.ISSUED,
            TransferStatus.WITHDRAWN,
            TransferStatus.REISSUED,
        }
    ),
    # A letter's validity limits when the member presents it: an expired letter presented in
    # time may still be received, up to TRANSFER_RECEIPT_GRACE_DAYS after it ran out.
    TransferStatus.EXPIRED: frozenset(
        {TransferStatus.RECEIVED, TransferStatus.REISSUED, TransferStatus.WITHDRAWN}
    ),
    TransferStatus.RECEIPT_RETURNED: frozenset(),
    TransferStatus.WITHDRAWN: frozenset(),
    TransferStatus.REISSUED: frozenset(),
}

#: A transfer in one of these states is the member's open transfer (at most one per member).
OPEN_STATUSES = (
    TransferStatus.DRAFT,
    TransferStatus.SUBMITTED,
    TransferStatus.APPROVED,
    TransferStatus.ISSUED,
    TransferStatus.REJECTED,
    TransferStatus.EXPIRED,
)
#: States in which a letter exists and the receiving side may act.
LETTER_STATUSES = (
    TransferStatus.ISSUED,
    TransferStatus.RECEIVED,
    TransferStatus.RECEIPT_RETURNED,
    TransferStatus.EXPIRED,
    TransferStatus.REISSUED,
)
#: The member has arrived: the move is done.
DONE_STATUSES = (TransferStatus.RECEIVED, TransferStatus.RECEIPT_RETURNED)


class LetterCounter(SerialCounter):
    """The last letter number an issuing committee gave out in a year."""

    committee = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("letter number counter")
        verbose_name_plural = _("letter number counters")
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="letter_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.year}: {self.last_serial}"


@dataclass(frozen=True)
class TransferRow:
    """One line of a transfer list."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "pk",
        "status",
        "number",
        "valid_until",
        "received_on",
        "created_at",
        "to_name",
        "to_org_id",
        "member__name",
        "from_org__name",
        "to_org__name",
    )

    pk: int
    status: str
    number: str | None
    valid_until: dt.date | None
    received_on: dt.date | None
    created_at: dt.datetime
    to_name: str
    to_org_id: int | None
    member_name: str
    from_org_name: str
    to_org_name: str | None

    @property
    def destination(self) -> str:
        return self.to_org_name or self.to_name

    def get_status_display(self) -> str:
        return str(TransferStatus(self.status).label)


class TransferQuerySet(models.QuerySet["Transfer"]):
    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> TransferQuerySet:
        """The sending side sees its transfers from the draft on; the receiving side (and the
        committees above it) once the letter is issued. Changing follows the same split: each
        action checks which side may take it."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        base = Action.CHANGE if action == Action.RECORD else action
        # A subquery, not an id list: transfers are few, and one statement beats a round trip
        # for the ids plus a long literal list to plan.
        org_ids = Organization.objects.filter(scope.q("path", base)).order_by().values("id")
        sending = Q(from_org_id__in=org_ids)
        receiving = Q(to_org_id__in=org_ids, status__in=LETTER_STATUSES)
        return self.filter(sending | receiving)

    def open(self) -> TransferQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def for_list(self) -> TransferQuerySet:
        return self.select_related("member", "from_org", "to_org", "issuing_committee")

    def rows(self) -> list[TransferRow]:
        """What a row of a queue or the history shows (templates/transfers/_transfer_rows.html),
        as light rows rather than four models per transfer: queues are read often, and most of
        a transfer's columns are for its own page. Evaluates the (sliced) queryset."""
        return [TransferRow(*values) for values in self.values_list(*TransferRow.COLUMNS)]

    def incoming(self, org_ids: Any) -> TransferQuerySet:
        """Letters issued to an organization among `org_ids` (ids or a subquery), not yet
        received."""
        return self.filter(to_org_id__in=org_ids, status=TransferStatus.ISSUED)

    def outgoing(self, org_ids: Any) -> TransferQuerySet:
        """Open transfers sent from an organization among `org_ids`."""
        return self.filter(from_org_id__in=org_ids, status__in=OPEN_STATUSES)

    def to_approve(self, org_ids: Any) -> TransferQuerySet:
        """Submitted, waiting for a committee among `org_ids`."""
        return self.filter(issuing_committee_id__in=org_ids, status=TransferStatus.SUBMITTED)

    def receipts_overdue(self, today: dt.date | None = None) -> TransferQuerySet:
        """Received more than a month ago (the rule) without the receipt back."""
        today = today or timezone.localdate()
        limit = today - dt.timedelta(days=settings.TRANSFER_RECEIPT_DAYS)
        return self.filter(status=TransferStatus.RECEIVED, received_on__lt=limit)

    def expiring(self, today: dt.date | None = None) -> TransferQuerySet:
        """Issued letters that run out within the warning period (or already ran out)."""
        today = today or timezone.localdate()
        limit = today + dt.timedelta(days=settings.TRANSFER_EXPIRY_WARNING_DAYS)
        return self.filter(status=TransferStatus.ISSUED, valid_until__lte=limit)


class Transfer(StateMachine, ChecksInOneQuery):
    """One transfer of one member's organizational relationship, with its letter."""

    TRANSITIONS = TRANSITIONS

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("member")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.DRAFT
    )
    from_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="outgoing_transfers",
        verbose_name=_("from"),
    )
    #: The receiving organization when it works in the system; empty for a transfer out of it.
    to_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_transfers",
        verbose_name=_("to"),
    )
    to_name = models.CharField(
        _("receiving organization"),
        max_length=200,
        blank=True,
        help_text=_("For a transfer out of the system: the organization as the letter names it."),
    )
    addressee = models.CharField(
        _("addressee"),
        max_length=200,
        help_text=_("The organization the letter is addressed to (抬头)."),
    )
    reason = models.CharField(_("reason"), max_length=200)
    episode = models.ForeignKey(
        MobilityEpisode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("absence"),
    )
    issuing_committee = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="issued_transfers",
        verbose_name=_("issuing committee"),
    )
    # The letter.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("letter serial"), null=True, blank=True)
    number = models.CharField(_("letter number"), max_length=40, null=True, blank=True, unique=True)
    valid_days = models.PositiveSmallIntegerField(_("valid for (days)"))
    issued_on = models.DateField(_("date of issue"), validators=[past_date], null=True, blank=True)
    valid_until = models.DateField(_("valid until"), validators=[plan_date], null=True, blank=True)
    dues_paid_until = models.DateField(
        _("dues paid up to"), validators=[plan_date], help_text=_("The month matters, not the day.")
    )
    member_phone = models.CharField(_("member's phone"), max_length=20, blank=True)
    # The receiving end.
    presented_on = models.DateField(
        _("letter presented on"),
        validators=[past_date],
        null=True,
        blank=True,
        help_text=_(
            "The day the member presented the letter: within its validity, even when the "
            "receipt is recorded later."
        ),
    )
    received_on = models.DateField(_("received on"), validators=[past_date], null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    receipt_returned_on = models.DateField(
        _("receipt returned on"), validators=[past_date], null=True, blank=True
    )
    receipt_handler = models.CharField(_("receipt handled by"), max_length=50, blank=True)
    receipt_phone = models.CharField(_("receipt phone"), max_length=20, blank=True)
    # The way out of the normal path.
    reject_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)
    reissue_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reissued_as",
        verbose_name=_("reissue of"),
    )
    #: Transfers started together (graduates leaving at once) share a batch key.
    batch = models.UUIDField(_("batch"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("relationship transfer")
        verbose_name_plural = _("relationship transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(
                    status__in=["draft", "submitted", "approved", "issued", "rejected", "expired"]
                ),
                name="transfer_one_open_per_member",
                violation_error_message=_("This member already has an open transfer."),
            ),
            models.UniqueConstraint(
                fields=["issuing_committee", "year", "serial"], name="transfer_serial_unique"
            ),
            models.CheckConstraint(
                condition=Q(to_org__isnull=False) | ~Q(to_name=""),
                name="transfer_has_destination",
                violation_error_message=_("Name the receiving organization."),
            ),
            models.CheckConstraint(
                condition=~Q(to_org=F("from_org")),
                name="transfer_not_to_itself",
                violation_error_message=_("A member cannot be transferred to their own branch."),
            ),
            models.CheckConstraint(
                condition=Q(valid_days__gte=1), name="transfer_valid_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(number__isnull=False),
                name="transfer_issued_has_number",
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=F("issued_on")),
                name="transfer_received_after_issue",
                violation_error_message=_("A letter is received on or after its date of issue."),
            ),
            models.CheckConstraint(
                condition=Q(presented_on__isnull=True)
                | (Q(presented_on__gte=F("issued_on")) & Q(presented_on__lte=F("valid_until"))),
                name="transfer_presented_within_validity",
                violation_error_message=_("The member presents the letter within its validity."),
            ),
        ]
        indexes = [
            models.Index(fields=["to_org", "status"], name="transfer_to_status_idx"),
            models.Index(fields=["from_org", "status"], name="transfer_from_status_idx"),
            models.Index(
                fields=["issuing_committee", "status"], name="transfer_committee_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.destination}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.from_org.path}

    @property
    def in_system(self) -> bool:
        return self.to_org_id is not None

    @property
    def destination(self) -> str:
        return self.to_org.name if self.to_org is not None else self.to_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def receipt_deadline(self) -> dt.date | None:
        """The last day a receipt may still be recorded: the letter's validity limits when the
        member presents it, and a receipt (one by post, from outside the system) may follow up
        to TRANSFER_RECEIPT_GRACE_DAYS later."""
        if self.valid_until is None:
            return None
        return self.valid_until + dt.timedelta(days=settings.TRANSFER_RECEIPT_GRACE_DAYS)

    def awaits_receipt(self, today: dt.date | None = None) -> bool:
        """Whether the letter may still be received (or its receipt recorded): issued, or expired
        with the receipt's grace period still running."""
        if self.status == TransferStatus.ISSUED:
            return True
        deadline = self.receipt_deadline
        return (
            self.status == TransferStatus.EXPIRED
            and deadline is not None
            and (today or timezone.localdate()) <= deadline
        )


class TransferEvent(models.Model):
    """One step of a transfer, for its timeline: who moved it from which state to which, when."""

    transfer = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, related_name="events", verbose_name=_("transfer")
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=TransferStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=TransferStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    #: When it happened: the letter's date of issue, the day it was received or the receipt
    #: came back (often recorded days later); else the day it was recorded.
    on = models.DateField(_("on"), validators=[past_date], default=timezone.localdate)
    #: When it was recorded.
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("transfer step")
        verbose_name_plural = _("transfer steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.from_status} → {self.to_status}"
