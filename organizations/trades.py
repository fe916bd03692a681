"""The starting list of trades (行业) for sector-based management (归口管理; issue 9, item 11).

The list is data: the migration `organizations.0003_trades` seeds it, superusers edit it in the
admin afterwards, and the demo seeds it again on a database that was emptied since (a flushed
test database). Codes are fixed keys; names are what pickers show.
"""

from __future__ import annotations

from typing import Any

#: (code, name), in the order pickers show them.
STARTING_TRADES = (
    ("transport", "交通运输"),
    ("logistics", "物流仓储"),
    ("courier", "快递"),
    ("food_delivery", "外卖配送"),
    ("ride_hailing", "网约车"),
    ("construction", "建筑"),
    ("manufacturing", "制造业"),
    ("domestic_service", "家政服务"),
    ("catering", "餐饮"),
    ("retail", "批发零售"),
    ("property", "物业服务"),
    ("agriculture", "农业"),
)


def seed_trades(trade_model: Any) -> None:
    """Add the starting trades that are missing (by code); never changes an edited one.
    `trade_model` is `Trade`, or the migration's historical model."""
    for order, (code, name) in enumerate(STARTING_TRADES, start=1):
        trade_model.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
