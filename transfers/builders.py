"""A transfer driven to any state in one call, for the demo county and the tests: the real
actions (numbered, audited, shared like any other write) with defaults for the rest."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from core.models import User
from members.models import Member
from organizations.models import Organization
from transfers import actions
from transfers.models import Transfer, TransferStatus

#: The states reached before any letter is issued.
BEFORE_ISSUE = frozenset(
    {
        TransferStatus.DRAFT,
        TransferStatus.SUBMITTED,
        TransferStatus.APPROVED,
        TransferStatus.WITHDRAWN,
    }
)


def transfer_in(
    state: str,
    *,
    member: Member,
    to: Organization | str,
    actor: User,
    approver: User | None = None,
    issuer: User | None = None,
    receiver: User | None = None,
    returner: User | None = None,
    reason: str = "工作调动，在新单位长期就业",
    dues_paid_until: dt.date | None = None,
    valid_days: int | None = None,
    addressee: str = "",
    member_phone: str = "",
    issued_on: dt.date | None = None,
    received_on: dt.date | None = None,
    presented_on: dt.date | None = None,
    returned_on: dt.date | None = None,
    reissued_on: dt.date | None = None,
    handler: str = "周敏",
    refused: bool = False,
    note: str = "",
) -> Transfer:
    """A transfer of `member` to `to` (an organization, or the name of one out of the system),
    started by `actor` and driven to `state` (a TransferStatus), the transfer in that state.

    The letter is issued from the draft by `issuer` (default `actor`: the committee's approval
    implied), or, with `approver`, submitted by `actor` and approved and issued in one step by
    `approver`.
    `receiver` acts for the receiving side (default `actor`), `returner` for the receiving
    committee that returns the receipt (default `receiver`). A rejected transfer is sent back
    by the committee, or with `refused` refused by the receiving side after the letter was
    issued; `note` is the reason given (of a withdrawal too). An expired letter was issued
    `valid_days` + 10 days ago unless `issued_on` says otherwise; a reissued one is the expired
    letter voided by its reissue on `reissued_on`. Out of the system, "receipt_returned" is the
    receipt recorded by the sender (back by post on `returned_on`). `presented_on` is the day the
    member presented the letter, for a receipt recorded after its validity. Dates default to
    today, dues to this month.
    """
    today = timezone.localdate()
    out = isinstance(to, str)
    transfer = actions.do_start_transfer(
        actor=actor,
        member=member,
        to_org=None if isinstance(to, str) else to,
        to_name=to if isinstance(to, str) else "",
        addressee=addressee,
        member_phone=member_phone,
        reason=reason,
        dues_paid_until=dues_paid_until or today.replace(day=1),
        valid_days=valid_days,
    )
    if state == TransferStatus.DRAFT:
        return transfer
    if state == TransferStatus.WITHDRAWN:
        return actions.do_withdraw_transfer(
            actor=actor, transfer=transfer, reason=note or "本人决定暂不转移"
        )
    if state in BEFORE_ISSUE or (state == TransferStatus.REJECTED and not refused):
        transfer = actions.do_submit_transfer(actor=actor, transfer=transfer)
        if state == TransferStatus.REJECTED:
            return actions.do_reject_transfer(
                actor=approver or actor, transfer=transfer, reason=note or "请核对接收党组织全称"
            )
        if state == TransferStatus.APPROVED:
            return actions.do_approve_transfer(actor=approver or actor, transfer=transfer)
        return transfer
    if issued_on is None and state in (TransferStatus.EXPIRED, TransferStatus.REISSUED):
        issued_on = today - dt.timedelta(
            days=(valid_days or settings.TRANSFER_VALID_DAYS_DEFAULT) + 10
        )
    on = issued_on or today
    if approver is None:
        transfer = actions.do_issue_letter(actor=issuer or actor, transfer=transfer, issued_on=on)
    else:
        transfer = actions.do_submit_transfer(actor=actor, transfer=transfer)
        transfer = actions.do_approve_transfer(actor=approver, transfer=transfer, issue_on=on)
    receiver = receiver or actor
    if state == TransferStatus.ISSUED:
        return transfer
    if state == TransferStatus.REJECTED:
        return actions.do_reject_transfer(
            actor=receiver, transfer=transfer, reason=note or "经核实，该同志未在我单位就业"
        )
    if state in (TransferStatus.EXPIRED, TransferStatus.REISSUED):
        actions.do_expire_letters(actor=None, today=today)
        if state == TransferStatus.REISSUED:
            actions.do_reissue_letter(
                actor=approver or actor, transfer=transfer, issued_on=reissued_on or today
            )
        return Transfer.objects.get(pk=transfer.pk)
    received_on = received_on or today
    if out:
        assert state == TransferStatus.RECEIPT_RETURNED, (
            f"out of the system, {state} is not reached"
        )
        return actions.do_record_receipt(
            actor=actor,
            transfer=transfer,
            received_on=received_on,
            returned_on=returned_on,
            handler=handler,
        )
    transfer = actions.do_receive_transfer(
        actor=receiver, transfer=transfer, received_on=received_on, presented_on=presented_on
    )
    if state == TransferStatus.RECEIVED:
        return transfer
    assert state == TransferStatus.RECEIPT_RETURNED, f"{state} is not a transfer state"
    return actions.do_return_receipt(
        actor=returner or receiver,
        transfer=transfer,
        returned_on=returned_on or received_on,
        handler=handler,
    )
