"""The relationship transfers ledger (组织关系转接台账, issue 13): the transfers a list of the
transfers pages shows, each with its letter (number, dates of issue and validity), the
receiving end (received on, the receipt returned and by whom) and its state.

Two pages export it, each its own rows:

- the list of every transfer (`transfers:history`), with its status filter: `history_rows`;
- a queue of the queues page, named by `tab` (the queue the page shows; an unknown one is the
  first queue, as on the page): all of the queue's transfers, where the page shows the most
  recently changed fifty.

Both are read from the user's own scope (`Transfer.objects.visible_to`, the queues'
`change_org_ids`): nothing in the query string names an organization, so nothing in it can
widen what is written. ID-card numbers are masked unless the export asked for full ones and
the user is on the member's home side now (after the receipt, the receiving side's).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import FormFilter
from core.types import AnyUser
from ledgers.registry import IdNumbers, LedgerSource, OrgIndex, Selection, filter_words
from ledgers.writer import Column, Ledger
from transfers.forms import HistoryFilter
from transfers.models import Transfer, TransferStatus
from transfers.queues import (
    HISTORY_ORDER,
    QUEUE_ORDER,
    QUEUES,
    change_org_ids,
    history_rows,
    queue,
)

#: What the ledger reads of a transfer...
TRANSFER_FIELDS = (
    "number",
    "status",
    "from_org_id",
    "to_org_id",
    "to_name",
    "issued_on",
    "valid_until",
    "received_on",
    "receipt_returned_on",
    "receipt_handler",
)
#: ... and of its member, under names a column can read.
TRANSFER_RELATED = {
    "name": "member__name",
    "id_number": "member__id_number",
    "member_home_id": "member__home_org_id",
}


def _destination(row: dict[str, Any], orgs: OrgIndex) -> str:
    """The receiving organization: in the system by name, out of it as the letter names it."""
    if row["to_org_id"] is not None:
        return orgs.name(row["to_org_id"])
    name: str = row["to_name"]
    return name


def transfer_ledger(ids: IdNumbers, orgs: OrgIndex) -> Ledger:
    statuses = {value: str(label) for value, label in TransferStatus.choices}
    return Ledger(
        title=_("Relationship transfer ledger"),
        sheet=pgettext_lazy("transfers", "Transfers"),
        columns=(
            Column(pgettext_lazy("transfers", "Letter number"), "number", width=24),
            Column(pgettext_lazy("transfers", "Name"), "name", width=10),
            Column(
                pgettext_lazy("transfers", "Citizen ID number"),
                lambda r: ids.show(r["id_number"], orgs.path(r["member_home_id"])),
                width=21,
                kind="idcard",
            ),
            Column(
                pgettext_lazy("transfers", "From"), lambda r: orgs.name(r["from_org_id"]), width=22
            ),
            Column(pgettext_lazy("transfers", "To"), lambda r: _destination(r, orgs), width=24),
            Column(pgettext_lazy("transfers", "Date of issue"), "issued_on", width=11, kind="date"),
            Column(pgettext_lazy("transfers", "Valid until"), "valid_until", width=11, kind="date"),
            Column(pgettext_lazy("transfers", "Received on"), "received_on", width=11, kind="date"),
            Column(
                pgettext_lazy("transfers", "Status"),
                lambda r: statuses.get(r["status"], r["status"]),
                width=12,
            ),
            Column(
                pgettext_lazy("transfers", "Receipt returned on"),
                "receipt_returned_on",
                width=11,
                kind="date",
            ),
            Column(pgettext_lazy("transfers", "Receipt handled by"), "receipt_handler", width=10),
        ),
    )


class TransferSource(LedgerSource):
    key = "transfers"
    title = _("Relationship transfer ledger")
    list_url = "transfers:history"

    def select(self, user: AnyUser, data: QueryDict, ids: IdNumbers) -> Selection:
        queryset: Any
        if "tab" in data:
            labels = dict(QUEUES)
            asked = str(data.get("tab") or "")
            tab = asked if asked in labels else QUEUES[0][0]
            today = timezone.localdate()
            queryset = queue(Transfer.objects.visible_to(user), tab, change_org_ids(user), today)
            order = QUEUE_ORDER
            words = [f"{_('Queue')}：{labels[tab]}"]
        else:
            form = HistoryFilter(data or None)
            queryset = history_rows(user, form)
            order = HISTORY_ORDER
            words = filter_words(FormFilter(form))
        orgs = OrgIndex()
        related = {name: F(path) for name, path in TRANSFER_RELATED.items()}
        rows = queryset.order_by(*order).values(*TRANSFER_FIELDS, **related)
        return Selection(
            ledger=transfer_ledger(ids, orgs),
            rows=lambda: rows.iterator(chunk_size=2_000),
            count=queryset.count,
            words=words,
        )


LEDGERS = (TransferSource(),)
