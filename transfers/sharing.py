"""While a letter is issued and not yet received, the receiving organization sees the member, so
that it can prepare (registered in `TransfersConfig.ready`)."""

from __future__ import annotations

from django.db.models import Q

from members.sharing import VIEW, ShareSource
from transfers.models import Transfer, TransferStatus

TRANSFER_SHARES = ShareSource(
    "transfer",
    Transfer,
    Q(status=TransferStatus.ISSUED, to_org__isnull=False),
    "member_id",
    "to_org_id",
    frozenset({VIEW}),
)
