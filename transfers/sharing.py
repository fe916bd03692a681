"""While a letter is issued and not yet received, the receiving organization sees the member."""

from __future__ import annotations

from collections.abc import Iterable

from members.sharing import VIEW, Shares
from transfers.models import Transfer, TransferStatus


def transfer_shares(member_ids: Iterable[int] | None) -> Shares:
    transfers = Transfer.objects.filter(status=TransferStatus.ISSUED, to_org__isnull=False)
    if member_ids is not None:
        transfers = transfers.filter(member_id__in=list(member_ids))
    return {key: {VIEW} for key in transfers.values_list("member_id", "to_org_id")}
