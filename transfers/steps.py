"""Who may take which step of a transfer, and when: the one place the actions, the pages and the
buttons ask.

- the sending side (CHANGE over `from_org`): submit, withdraw, record an out-of-system receipt;
- the issuing committee (CHANGE over `issuing_committee`): approve, reject a submission, issue,
  reissue; after approval the sender may issue too;
- the receiving side (CHANGE over `to_org`): receive, refuse (reject) an issued letter;
- the receiving basic-level committee (CHANGE over the committee above `to_org`): return the
  receipt (the branch's own staff do not).

`Step.allowed` is "who", `Step.open` is "when" (the state); an action calls `require_step`
inside its transaction, after locking the transfer, and still checks the state machine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from core.scoping import Action
from core.types import AnyUser
from organizations.models import Organization
from organizations.scope import user_scope
from transfers.models import Transfer, TransferStatus


def covers(user: AnyUser, org: Organization | None) -> bool:
    """Whether `user` works for `org` (CHANGE scope over it)."""
    return org is not None and user_scope(user).covers(org.path, Action.CHANGE)


def needs_approval(transfer: Transfer) -> bool:
    """A branch's transfer goes to its committee for approval; a committee issues its own."""
    return transfer.issuing_committee_id != transfer.from_org_id


def sender(user: AnyUser, transfer: Transfer) -> bool:
    return covers(user, transfer.from_org)


def committee(user: AnyUser, transfer: Transfer) -> bool:
    return covers(user, transfer.issuing_committee)


def receiver(user: AnyUser, transfer: Transfer) -> bool:
    return transfer.to_org is not None and covers(user, transfer.to_org)


def receiving_committee(user: AnyUser, transfer: Transfer) -> bool:
    """The receipt is returned by the basic-level committee above the receiving branch, not by
    the branch's staff (issue 9, item 6)."""
    if transfer.to_org is None:
        return False
    return covers(user, transfer.to_org.committee_above())


def may_reject(user: AnyUser, transfer: Transfer) -> bool:
    """An issued letter is refused by the receiving side; a submission by the committee."""
    if transfer.status == TransferStatus.ISSUED:
        return receiver(user, transfer)
    return committee(user, transfer)


def may_issue(user: AnyUser, transfer: Transfer) -> bool:
    """After approval the sender issues too; before it, only the committee (its issue is its
    approval)."""
    if transfer.status == TransferStatus.APPROVED:
        return sender(user, transfer) or committee(user, transfer)
    return committee(user, transfer)


def may_print(user: AnyUser, transfer: Transfer) -> bool:
    """The sending side and the issuing committee print the letter (it holds the full ID-card
    number). Once the member is received and the receipt is back, the committees keep the
    letter and the sending branch no longer opens it (issue 9, item 19)."""
    if committee(user, transfer):
        return True
    return sender(user, transfer) and transfer.status != TransferStatus.RECEIPT_RETURNED


@dataclass(frozen=True)
class Step:
    """One step a user may take on a transfer: who (`allowed`), when (`open`)."""

    name: str
    label: StrOrPromise
    allowed: Callable[[Any, Transfer], bool]
    open: Callable[[Transfer], bool]
    button: str = "btn-outline-primary"


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "submit",
            gettext_lazy("Submit for approval"),
            sender,
            lambda t: t.can_become(TransferStatus.SUBMITTED) and not t.number and needs_approval(t),
            "btn-primary",
        ),
        Step(
            "approve",
            gettext_lazy("Approve"),
            committee,
            lambda t: t.status == TransferStatus.SUBMITTED,
            "btn-primary",
        ),
        Step(
            "issue",
            gettext_lazy("Issue the letter"),
            may_issue,
            lambda t: t.can_become(TransferStatus.ISSUED) and not t.number,
            "btn-primary",
        ),
        Step(
            "receive",
            gettext_lazy("Receive the member"),
            receiver,
            lambda t: t.to_org_id is not None and t.awaits_receipt(),
            "btn-primary",
        ),
        Step(
            "return_receipt",
            gettext_lazy("Return the receipt"),
            receiving_committee,
            lambda t: t.status == TransferStatus.RECEIVED and t.to_org_id is not None,
            "btn-primary",
        ),
        Step(
            "record_receipt",
            gettext_lazy("Record the returned receipt"),
            sender,
            lambda t: t.to_org_id is None and t.awaits_receipt(),
            "btn-primary",
        ),
        Step(
            "reissue",
            gettext_lazy("Reissue the letter"),
            committee,
            lambda t: t.can_become(TransferStatus.REISSUED) and bool(t.number),
        ),
        Step(
            "reject",
            gettext_lazy("Send back"),
            may_reject,
            lambda t: t.status in (TransferStatus.SUBMITTED, TransferStatus.ISSUED),
            "btn-outline-danger",
        ),
        Step(
            "withdraw",
            gettext_lazy("Withdraw"),
            sender,
            lambda t: t.can_become(TransferStatus.WITHDRAWN),
            "btn-outline-danger",
        ),
    )
}


def available_steps(user: AnyUser, transfer: Transfer) -> list[Step]:
    """The steps `user` may take on `transfer` now."""
    return [s for s in STEPS.values() if s.open(transfer) and s.allowed(user, transfer)]


def require_step(user: AnyUser, step: str, transfer: Transfer) -> None:
    """Refuse (403) unless `user` is the one to take `step` on `transfer` (who, not when: the
    action checks the state machine itself, to say plainly why not)."""
    if not STEPS[step].allowed(user, transfer):
        raise PermissionDenied
