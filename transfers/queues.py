"""The transfer queues (to approve, to receive, outgoing, receipts overdue, letters about to
expire): each as a queryset method for its rows and as a condition for one aggregate of counts,
kept equal by tests/transfers/test_queues.py. The queues page and the home page read them; the
transfers ledger exports a queue's rows, or the history's (`history_rows`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.scoping import Action
from core.types import AnyUser
from organizations.models import Organization
from organizations.scope import user_scope
from transfers.forms import HistoryFilter
from transfers.models import OPEN_STATUSES, Transfer, TransferQuerySet, TransferStatus

#: The queues, in tab order: (key, label).
QUEUES = (
    ("to_approve", gettext_lazy("To approve")),
    ("incoming", gettext_lazy("To receive")),
    ("outgoing", gettext_lazy("Outgoing")),
    ("receipts_overdue", gettext_lazy("Receipts overdue")),
    ("expiring", gettext_lazy("Letters about to expire")),
)


#: A queue's order on its page and in its ledger: the most recently changed first.
QUEUE_ORDER = ("-updated_at", "-pk")
#: The history's order: the most recently started first.
HISTORY_ORDER = ("-created_at", "-pk")


def change_org_ids(user: AnyUser) -> Any:
    """The organizations whose transfers the user works on (CHANGE scope), as a subquery (every
    organization for the system administrator): the queues' statements carry it inside."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Organization.objects.order_by().values("id")
    return Organization.objects.filter(scope.q("path", Action.CHANGE)).order_by().values("id")


def _mine(ids: Any) -> Q:
    return Q(from_org_id__in=ids) | Q(to_org_id__in=ids) | Q(issuing_committee_id__in=ids)


def queue(qs: Any, key: str, ids: Any, today: dt.date) -> Any:
    """One queue of `qs` for the organizations `ids`, through the queryset's named methods."""
    if key == "to_approve":
        return qs.to_approve(ids)
    if key == "incoming":
        return qs.incoming(ids)
    if key == "outgoing":
        return qs.outgoing(ids)
    if key == "receipts_overdue":
        return qs.receipts_overdue(today).filter(Q(to_org_id__in=ids) | Q(from_org_id__in=ids))
    if key == "expiring":
        return qs.expiring(today).filter(_mine(ids))
    raise KeyError(key)


def queue_conditions(ids: Any, today: dt.date) -> dict[str, Q]:
    """The same queues as conditions, to count them all in one aggregate. Kept equal to the
    queryset methods by tests/transfers/test_queues.py."""
    overdue_limit = today - dt.timedelta(days=settings.TRANSFER_RECEIPT_DAYS)
    expiry_limit = today + dt.timedelta(days=settings.TRANSFER_EXPIRY_WARNING_DAYS)
    return {
        "to_approve": Q(issuing_committee_id__in=ids, status=TransferStatus.SUBMITTED),
        "incoming": Q(to_org_id__in=ids, status=TransferStatus.ISSUED),
        "outgoing": Q(from_org_id__in=ids, status__in=OPEN_STATUSES),
        "receipts_overdue": Q(status=TransferStatus.RECEIVED, received_on__lt=overdue_limit)
        & (Q(to_org_id__in=ids) | Q(from_org_id__in=ids)),
        "expiring": Q(status=TransferStatus.ISSUED, valid_until__lte=expiry_limit) & _mine(ids),
    }


def queue_counts(user: AnyUser, ids: Any, today: dt.date | None = None) -> dict[str, int]:
    """Every queue's count in one query."""
    conditions = queue_conditions(ids, today or timezone.localdate())
    counts: dict[str, int] = Transfer.objects.visible_to(user).aggregate(
        **{key: Count("id", filter=condition) for key, condition in conditions.items()}
    )
    return counts


def history_rows(user: AnyUser, form: HistoryFilter) -> TransferQuerySet:
    """Every transfer `user` sees, of the status `form` asks for when it is valid (an invalid
    status, typed into the query string, filters nothing). Unordered (`HISTORY_ORDER`)."""
    rows = Transfer.objects.visible_to(user)
    if form.is_valid() and form.cleaned_data["status"]:
        rows = rows.filter(status=form.cleaned_data["status"])
    return rows
