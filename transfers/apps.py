from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    """Organizational-relationship transfers and their three-part letter."""

    name = "transfers"
    verbose_name = _("Relationship transfers")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from core import demo
        from members.sharing import share_source
        from transfers.demo import DEMO
        from transfers.models import Transfer, TransferEvent
        from transfers.sharing import transfer_shares

        auditlog.register(Transfer, exclude_fields=["created_at", "updated_at"])
        auditlog.register(TransferEvent)
        share_source(transfer_shares)
        checks.register(check_letter_validity_bounds)
        demo.register(self.label, DEMO)


def check_letter_validity_bounds(**kwargs: Any) -> list[checks.CheckMessage]:
    """A deployment may set the bounds; they must make sense (1 ≤ default ≤ maximum ≤ 90)."""
    default = settings.TRANSFER_VALID_DAYS_DEFAULT
    maximum = settings.TRANSFER_VALID_DAYS_MAX
    if not (1 <= default <= maximum <= 90):
        return [
            checks.Error(
                f"TRANSFER_VALID_DAYS_DEFAULT={default} and TRANSFER_VALID_DAYS_MAX={maximum}: "
                "need 1 <= default <= maximum <= 90 (a letter is valid at most three months)",
                id="transfers.E001",
            )
        ]
    return []
