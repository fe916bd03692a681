"""Every step of a transfer: one atomic, audited action each, checking the state machine.

Who may take which step is `transfers.steps` (`require_step`), which the pages ask too; the
sending side (CHANGE over the member's branch) starts a transfer.

Each action locks the transfer row (`select_for_update`) before it reads the state, so two users
acting on one transfer at once are serialized: the second sees the first's result and is told
why it cannot proceed. Receiving also locks the member's row; it moves `home_org`, ends the open
absence and re-derives the member's shares in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, save_valid, transition
from core.numbering import next_serial
from members.dues.paid_until import recorded_paid_until
from members.mobility.actions import end_episode
from members.models import CURRENT_STATUSES, EpisodeStatus, Member, MobilityEpisode
from members.sharing import sync_shares
from organizations.models import BRANCH_KINDS, Organization
from organizations.notices import do_notify_organization
from organizations.scope import require_change
from transfers.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    LetterCounter,
    Transfer,
    TransferEvent,
    TransferStatus,
)
from transfers.steps import require_step

#: Foreign keys of a transfer, not re-validated at each step.
RELATIONS = (
    "member",
    "from_org",
    "to_org",
    "episode",
    "issuing_committee",
    "received_by",
    "reissue_of",
    "created_by",
)


# --- who and what --------------------------------------------------------------------------


def issuing_committee_for(org: Organization) -> Organization:
    """Who issues the letter for a member of `org`: the organization itself if its kind may
    (settings.TRANSFER_SELF_ISSUING_KINDS), else its nearest committee above."""
    if org.kind in settings.TRANSFER_SELF_ISSUING_KINDS:
        return org
    committee = org.committee_above()
    if committee is not None:
        return committee
    raise ValidationError(_("%(org)s has no committee above it to issue letters.") % {"org": org})


def validate_valid_days(days: int) -> None:
    maximum = settings.TRANSFER_VALID_DAYS_MAX
    if not 1 <= days <= maximum:
        raise ValidationError(
            {"valid_days": _("A letter is valid for 1 to %(max)s days.") % {"max": maximum}}
        )


def letter_number(committee: Organization, year: int, serial: int) -> str:
    """The letter's number as printed (第__号): county code, issuing committee, year, serial
    (`330122-000017-2026-00001`).

    Each issuing committee numbers its own letters, one gap-free sequence per year
    (`LetterCounter`): its stub book (存根) runs 1, 2, 3 with nothing missing whoever else in
    the county issues. Every committee of a county shares the county's code, so the code alone
    with that serial made the second committee's first letter collide with the first's (Issue 9,
    item 20); the committee's id (unique in the deployment, never reused) tells them apart, and
    the number stays unique in the deployment even where two counties were given the same code.
    A counter per county would be unique too, but each committee's stubs would then have gaps
    wherever another committee issued in between, and a missing stub is what an inspection
    looks for. Refuses, in words, a committee without a county code (Issue 9, item 12)."""
    return f"{committee.numbering_code()}-{committee.pk:06d}-{year}-{serial:05d}"


def _take(actor: User, step: str, transfer: Transfer) -> Transfer:
    """Lock the transfer and check that `actor` is the one to take `step` on it."""
    transfer = _lock(transfer)
    require_step(actor, step, transfer)
    return transfer


def _lock(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "from_org", "to_org", "issuing_committee", "member__home_org")
        .get(pk=transfer.pk)
    )


def _move(
    transfer: Transfer,
    status: str,
    actor: User | None,
    note: str = "",
    on: dt.date | None = None,
) -> None:
    """Take the transition (or say plainly why not) and write the timeline step, dated `on`
    (the day it happened, when the step records one) or today."""
    previous = transition(transfer, status)
    # The fields a step sets are checked here; the foreign keys were checked when the transfer
    # started, and the constraints hold in the database (a violation there is a bug, not input).
    transfer.full_clean(exclude=RELATIONS, validate_unique=False, validate_constraints=False)
    transfer.save()
    TransferEvent.objects.create(
        transfer=transfer,
        from_status=previous,
        to_status=status,
        actor=actor,
        note=note[:200],
        on=on or timezone.localdate(),
    )


def _notify(actor: User | None, org: Organization | None, transfer: Transfer, title: str) -> None:
    """Tell `org` about `transfer`; `title` names the member and the other side through
    %(name)s, %(from)s and %(to)s (issue 9, item 22: a notice says who and where, not only what
    happened)."""
    if org is None:
        return
    names = {
        "name": transfer.member.name,
        "from": transfer.from_org.name,
        "to": transfer.destination,
    }
    do_notify_organization(
        actor=actor,
        organization=org,
        title=title % names,
        body=_("%(name)s: %(from)s → %(to)s.") % names,
        url=reverse("transfers:detail", args=[transfer.pk]),
    )


# --- starting --------------------------------------------------------------------------------


def _check_destination(member: Member, to_org: Organization | None, to_name: str) -> None:
    if to_org is None and not to_name.strip():
        raise ValidationError({"to_org": _("Choose the receiving organization or name it.")})
    if to_org is not None:
        if to_org.kind not in BRANCH_KINDS or not to_org.is_active:
            raise ValidationError(
                {"to_org": _("A relationship is held by an active branch, not a committee.")}
            )
        if refusal := to_org.relationship_refusal():
            raise ValidationError({"to_org": refusal})
        if to_org.pk == member.home_org_id:
            raise ValidationError({"to_org": _("The member already belongs to %(org)s.")
                                   % {"org": to_org.name}})  # fmt: skip


def _open_transfer_error(open_transfer: Transfer) -> ValidationError:
    return ValidationError(
        _("%(name)s already has an open transfer to %(to)s (%(status)s, started %(date)s).")
        % {
            "name": open_transfer.member.name,
            "to": open_transfer.destination,
            "status": open_transfer.get_status_display(),
            "date": timezone.localdate(open_transfer.created_at).isoformat(),
        }
    )


@action
def do_start_transfer(
    *,
    actor: User,
    member: Member,
    to_org: Organization | None = None,
    to_name: str = "",
    addressee: str = "",
    reason: str,
    dues_paid_until: dt.date | None = None,
    valid_days: int | None = None,
    member_phone: str = "",
    batch: uuid.UUID | None = None,
) -> Transfer:
    """A draft transfer of `member`, by the sending side. "Dues paid up to" comes from the dues
    records when the member has them (`dues_paid_until` is then ignored; issue 11), and is
    refreshed when the letter is issued; for a member without records it is typed."""
    member = Member.objects.locked(member)
    require_change(actor, member.home_org)
    if member.is_archived:
        raise ValidationError(_("An archived member cannot be transferred."))
    member.require_good_standing()
    _check_destination(member, to_org, to_name)
    open_transfer = (
        Transfer.objects.filter(member=member, status__in=OPEN_STATUSES)
        .select_related("member", "to_org")
        .first()
    )
    if open_transfer is not None:
        raise _open_transfer_error(open_transfer)
    days = valid_days if valid_days is not None else settings.TRANSFER_VALID_DAYS_DEFAULT
    validate_valid_days(days)
    recorded = recorded_paid_until(member)
    if recorded is not None:
        dues_paid_until = recorded
    elif dues_paid_until is None:
        raise ValidationError(
            {
                "dues_paid_until": _(
                    "%(name)s has no dues records: enter the month their dues are paid up to."
                )
                % {"name": member.name}
            }
        )
    elif dues_paid_until > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError({"dues_paid_until": _("Dues cannot be paid more than a year ahead.")})
    episode = MobilityEpisode.objects.filter(member=member, status__in=CURRENT_STATUSES).first()
    transfer = Transfer(
        member=member,
        from_org=member.home_org,
        to_org=to_org,
        to_name="" if to_org is not None else to_name.strip(),
        addressee=addressee.strip() or (to_org.name if to_org is not None else to_name.strip()),
        reason=reason.strip(),
        episode=episode,
        issuing_committee=issuing_committee_for(member.home_org),
        valid_days=days,
        dues_paid_until=dues_paid_until.replace(day=1),
        member_phone=member_phone or member.phone,
        batch=batch,
        created_by=actor,
    )
    save_valid(transfer)
    TransferEvent.objects.create(transfer=transfer, to_status=TransferStatus.DRAFT, actor=actor)
    return transfer


@action
def do_start_transfers(*, actor: User, members: Iterable[Member], **fields: Any) -> list[Transfer]:
    """Several members at once (graduates leaving together): all or none, one batch."""
    batch = uuid.uuid4()
    transfers: list[Transfer] = []
    errors: list[str] = []
    for member in members:
        try:
            # A savepoint per member: a refused member is reported, and the others are still
            # checked, so the page lists every refusal at once (then nothing is kept).
            with transaction.atomic():
                transfers.append(
                    do_start_transfer(actor=actor, member=member, batch=batch, **fields)
                )
        except ValidationError as exc:
            errors.extend(f"{member.name}: {message}" for message in exc.messages)
    if errors:
        raise ValidationError(errors)
    return transfers


# --- approval and issue -------------------------------------------------------------------


@action
def do_submit_transfer(*, actor: User, transfer: Transfer) -> Transfer:
    """The branch sends the transfer to its committee for approval."""
    transfer = _take(actor, "submit", transfer)
    if transfer.number:
        raise ValidationError(
            _("This letter was refused after it was issued: reissue it or withdraw it.")
        )
    _move(transfer, TransferStatus.SUBMITTED, actor)
    _notify(
        actor,
        transfer.issuing_committee,
        transfer,
        _("The transfer of %(name)s from %(from)s to %(to)s awaits your approval"),
    )
    return transfer


@action
def do_approve_transfer(
    *, actor: User, transfer: Transfer, issue_on: dt.date | None = None, note: str = ""
) -> Transfer:
    """The committee approves; with `issue_on` it issues the letter in the same step."""
    transfer = _take(actor, "approve", transfer)
    _move(transfer, TransferStatus.APPROVED, actor, note, on=issue_on)
    if issue_on is not None:
        _issue(actor, transfer, issue_on)
    else:
        _notify(
            actor, transfer.from_org, transfer, _("The transfer of %(name)s to %(to)s was approved")
        )
    return transfer


@action
def do_reject_transfer(*, actor: User, transfer: Transfer, reason: str) -> Transfer:
    """Send the transfer back to the sender with a reason: the committee (a submission) or the
    receiving side (an issued letter)."""
    transfer = _lock(transfer)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    require_step(actor, "reject", transfer)
    transfer.reject_reason = reason.strip()
    _move(transfer, TransferStatus.REJECTED, actor, reason)
    sync_shares(actor=actor, member=transfer.member)
    _notify(
        actor, transfer.from_org, transfer, _("The transfer of %(name)s to %(to)s was sent back")
    )
    return transfer


def _issue(actor: User, transfer: Transfer, issued_on: dt.date) -> None:
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("A letter cannot be issued in the future.")})
    validate_valid_days(transfer.valid_days)
    transfer.year = issued_on.year
    transfer.serial = next_serial(
        LetterCounter, committee=transfer.issuing_committee, year=issued_on.year
    )
    transfer.number = letter_number(transfer.issuing_committee, issued_on.year, transfer.serial)
    transfer.issued_on = issued_on
    # The letter says how far dues are paid on the day it is issued (issue 11).
    recorded = recorded_paid_until(transfer.member, issued_on)
    if recorded is not None:
        transfer.dues_paid_until = recorded
    transfer.valid_until = issued_on + dt.timedelta(days=transfer.valid_days)
    _move(transfer, TransferStatus.ISSUED, actor, transfer.number, on=issued_on)
    sync_shares(actor=actor, member=transfer.member)
    _notify(
        actor,
        transfer.to_org,
        transfer,
        _("The relationship of %(name)s comes to you from %(from)s"),
    )
    _notify(actor, transfer.from_org, transfer, _("The letter for %(name)s to %(to)s was issued"))


@action
def do_issue_letter(*, actor: User, transfer: Transfer, issued_on: dt.date) -> Transfer:
    """Issue the letter: a number from the committee's counter, the validity from today.

    From a draft or a returned submission only when the actor covers the issuing committee (its
    approval is implied); after approval, the sender or the committee."""
    transfer = _take(actor, "issue", transfer)
    if transfer.status != TransferStatus.APPROVED and transfer.number:
        raise ValidationError(
            _("This letter was refused after it was issued: reissue it or withdraw it.")
        )
    _issue(actor, transfer, issued_on)
    return transfer


@action
def do_withdraw_transfer(*, actor: User, transfer: Transfer, reason: str) -> Transfer:
    """The sending side calls the transfer off; the member stays where they are."""
    transfer = _take(actor, "withdraw", transfer)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    transfer.withdraw_reason = reason.strip()
    _move(transfer, TransferStatus.WITHDRAWN, actor, reason)
    sync_shares(actor=actor, member=transfer.member)
    _notify(
        actor,
        transfer.to_org if transfer.number else None,
        transfer,
        _("%(from)s withdrew the transfer of %(name)s"),
    )
    return transfer


# --- the receiving end ----------------------------------------------------------------------


def _complete_move(actor: User, transfer: Transfer, on: dt.date) -> Member:
    """The member now belongs to the receiving organization (or, out of the system, leaves the
    register); the open absence ends as transferred; shares are re-derived. Locks the member
    before the absence, in the order check-in takes them."""
    list(Member.objects.select_for_update().filter(pk=transfer.member_id).values_list("pk"))
    episode = (
        MobilityEpisode.objects.select_for_update()
        .filter(member_id=transfer.member_id, status__in=CURRENT_STATUSES)
        .first()
    )
    if episode is not None:
        end_episode(
            actor=actor,
            episode=episode,
            status=EpisodeStatus.TRANSFERRED,
            ended_on=max(on, episode.out_date),
            note=_("Relationship transferred: letter %(number)s") % {"number": transfer.number},
        )
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    if transfer.to_org is not None:
        member.home_org = transfer.to_org
    else:
        member.archived_at = timezone.now()
        member.archive_reason = _("Relationship transferred out of the system to %(to)s") % {
            "to": transfer.to_name
        }
    member.is_mobile = False
    member.mobile_destination = ""
    save_valid(member)
    sync_shares(actor=actor, member=member)
    return member


def _check_receivable(transfer: Transfer, on: dt.date, presented_on: dt.date | None = None) -> None:
    """The letter's validity limits when the member presents it, not when the receipt is
    recorded: a receipt may follow up to TRANSFER_RECEIPT_GRACE_DAYS after the validity
    (`Transfer.receipt_deadline`). In the system, a receipt recorded after the validity needs
    the day the member presented the letter, within it; out of the system, the receipt that came
    back by post is the proof."""
    if transfer.status in DONE_STATUSES:
        raise ValidationError(
            _("%(name)s was already received on %(date)s.")
            % {"name": transfer.member.name, "date": transfer.received_on}
        )
    if transfer.status not in (TransferStatus.ISSUED, TransferStatus.EXPIRED):
        raise ValidationError(
            _("This transfer is %(now)s: there is nothing to receive.")
            % {"now": transfer.get_status_display()}
        )
    assert transfer.issued_on is not None
    assert transfer.valid_until is not None
    assert transfer.receipt_deadline is not None
    expired = {"date": transfer.valid_until.isoformat()}
    if on < transfer.issued_on:
        raise ValidationError(
            {"received_on": _("A letter is received on or after its date of issue.")}
        )
    if on > timezone.localdate():
        raise ValidationError({"received_on": _("A date in the future.")})
    if on > transfer.receipt_deadline:
        raise ValidationError(
            _(
                "The letter expired on %(date)s and its receipt was due by %(deadline)s: the "
                "sender must reissue it."
            )
            % {**expired, "deadline": transfer.receipt_deadline.isoformat()}
        )
    if presented_on is not None:
        if presented_on < transfer.issued_on or presented_on > on:
            raise ValidationError(
                {
                    "presented_on": _(
                        "The letter is presented between its date of issue and the day it is "
                        "received."
                    )
                }
            )
        if presented_on > transfer.valid_until:
            raise ValidationError(
                {
                    "presented_on": _(
                        "The letter expired on %(date)s, before it was presented: the sender "
                        "must reissue it."
                    )
                    % expired
                }
            )
    elif transfer.in_system and on > transfer.valid_until:
        raise ValidationError(
            {
                "presented_on": _(
                    "The letter expired on %(date)s: give the day the member presented it "
                    "(within its validity), or the sender must reissue it."
                )
                % expired
            }
        )


@action
def do_receive_transfer(
    *,
    actor: User,
    transfer: Transfer,
    received_on: dt.date,
    presented_on: dt.date | None = None,
) -> Transfer:
    """The receiving organization takes the member on: the move happens here, atomically.
    `presented_on` (the day the member presented the letter) is needed when the receipt is
    recorded after the letter's validity; it is the day received otherwise."""
    transfer = _lock(transfer)
    if transfer.to_org is None:
        raise ValidationError(
            _("This letter goes out of the system: the sender records the receipt.")
        )
    require_step(actor, "receive", transfer)
    _check_receivable(transfer, received_on, presented_on)
    transfer.presented_on = presented_on or received_on
    transfer.received_on = received_on
    transfer.received_by = actor
    _move(transfer, TransferStatus.RECEIVED, actor, on=received_on)
    _complete_move(actor, transfer, received_on)
    _notify(actor, transfer.from_org, transfer, _("%(name)s was received by %(to)s"))
    return transfer


@action
def do_return_receipt(
    *, actor: User, transfer: Transfer, returned_on: dt.date, handler: str, phone: str = ""
) -> Transfer:
    """The receiving committee returns the receipt (回执), within one month of receiving."""
    transfer = _take(actor, "return_receipt", transfer)
    if transfer.received_on and returned_on < transfer.received_on:
        raise ValidationError({"returned_on": _("The receipt comes after receiving.")})
    if not handler.strip():
        raise ValidationError({"handler": _("Name who handled the receipt.")})
    transfer.receipt_returned_on = returned_on
    transfer.receipt_handler = handler.strip()
    transfer.receipt_phone = phone.strip()
    _move(transfer, TransferStatus.RECEIPT_RETURNED, actor, on=returned_on)
    _notify(actor, transfer.from_org, transfer, _("The receipt for %(name)s came back from %(to)s"))
    return transfer


@action
def do_record_receipt(
    *,
    actor: User,
    transfer: Transfer,
    received_on: dt.date,
    handler: str,
    phone: str = "",
    returned_on: dt.date | None = None,
) -> Transfer:
    """Out of the system: the receipt came back by post on `returned_on` (default: the date on
    it, `received_on`); the sender records it, and the member leaves the register (archived,
    never deleted). A receipt that comes back after the letter's validity, within
    TRANSFER_RECEIPT_GRACE_DAYS, is accepted."""
    transfer = _take(actor, "record_receipt", transfer)
    if transfer.to_org is not None:
        raise ValidationError(_("The receiving organization works in the system: it receives."))
    _check_receivable(transfer, received_on)
    returned_on = returned_on or received_on
    if returned_on < received_on:
        raise ValidationError({"returned_on": _("The receipt comes after receiving.")})
    if returned_on > timezone.localdate():
        raise ValidationError({"returned_on": _("A date in the future.")})
    assert transfer.receipt_deadline is not None  # issued: _check_receivable says so
    if returned_on > transfer.receipt_deadline:
        raise ValidationError(
            {
                "returned_on": _("The receipt was due by %(deadline)s: the sender must reissue it.")
                % {"deadline": transfer.receipt_deadline.isoformat()}
            }
        )
    if not handler.strip():
        raise ValidationError({"handler": _("Name who handled the receipt.")})
    transfer.received_on = received_on
    transfer.received_by = actor
    transfer.receipt_returned_on = returned_on
    transfer.receipt_handler = handler.strip()
    transfer.receipt_phone = phone.strip()
    _move(transfer, TransferStatus.RECEIVED, actor, on=received_on)
    _move(transfer, TransferStatus.RECEIPT_RETURNED, actor, on=returned_on)
    _complete_move(actor, transfer, received_on)
    return transfer


# --- expiry and reissue ---------------------------------------------------------------------


@action
def do_expire_letters(*, actor: User | None, today: dt.date | None = None) -> int:
    """Issued letters past their validity become expired (nightly); their shares go. A letter
    out of the system waits for its receipt by post until TRANSFER_RECEIPT_GRACE_DAYS after its
    validity (an expired letter in the system may still be received when it was presented in
    time: `_check_receivable`)."""
    today = today or timezone.localdate()
    grace = dt.timedelta(days=settings.TRANSFER_RECEIPT_GRACE_DAYS)
    count = 0
    for transfer in (
        Transfer.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("member", "from_org", "to_org")
        .filter(status=TransferStatus.ISSUED)
        .filter(
            Q(to_org__isnull=False, valid_until__lt=today)
            | Q(to_org__isnull=True, valid_until__lt=today - grace)
        )
        .order_by("pk")
    ):
        _move(transfer, TransferStatus.EXPIRED, actor, on=today)
        sync_shares(actor=actor, member=transfer.member)
        _notify(
            actor,
            transfer.from_org,
            transfer,
            _("The letter for %(name)s to %(to)s expired unreceived"),
        )
        count += 1
    return count


@action
def do_reissue_letter(
    *,
    actor: User,
    transfer: Transfer,
    issued_on: dt.date,
    valid_days: int | None = None,
    to_org: Organization | None = None,
    to_name: str = "",
    addressee: str = "",
) -> Transfer:
    """Reissue (换开) an expired or refused letter: the old one becomes void, the new one gets a
    new number and points back to it. The destination may be corrected."""
    old = _take(actor, "reissue", transfer)
    if old.number is None:
        raise ValidationError(_("Only an issued letter can be reissued."))
    _move(old, TransferStatus.REISSUED, actor, on=issued_on)
    destination_changed = to_org is not None or bool(to_name.strip())
    new_to_org = to_org if destination_changed else old.to_org
    new_to_name = to_name.strip() if destination_changed and to_org is None else ""
    if not destination_changed:
        new_to_name = old.to_name
    _check_destination(old.member, new_to_org, new_to_name)
    new = Transfer(
        member=old.member,
        from_org=old.from_org,
        to_org=new_to_org,
        to_name=new_to_name,
        addressee=addressee.strip()
        or (old.addressee if not destination_changed else (new_to_org or new_to_name).__str__()),
        reason=old.reason,
        episode=old.episode,
        issuing_committee=old.issuing_committee,
        valid_days=valid_days if valid_days is not None else old.valid_days,
        dues_paid_until=old.dues_paid_until,
        member_phone=old.member_phone,
        reissue_of=old,
        batch=old.batch,
        created_by=actor,
    )
    save_valid(new)
    TransferEvent.objects.create(
        transfer=new,
        to_status=TransferStatus.DRAFT,
        actor=actor,
        note=_("Reissue of %(number)s") % {"number": old.number},
    )
    _issue(actor, new, issued_on)
    return new
