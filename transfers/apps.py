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
        # Imported here, not at the top: models cannot be imported before the app registry is
        # ready (the same holds in every AppConfig.ready of the project).
        from auditlog.registry import auditlog

        from core import demo
        from core.panels import home_page
        from members.pages import member_page, register_list_flag
        from members.sharing import share_source
        from transfers import panels
        from transfers.demo import DEMO
        from transfers.models import Transfer, TransferEvent
        from transfers.sharing import TRANSFER_SHARES

        auditlog.register(Transfer, exclude_fields=["created_at", "updated_at"])
        auditlog.register(TransferEvent)
        share_source(TRANSFER_SHARES)
        member_page.register(panels.MEMBER_PANEL)
        register_list_flag(panels.LIST_FLAG)
        home_page.register(panels.HOME_PANEL)
        checks.register(check_letter_validity_bounds)
        demo.register(self.label, DEMO)
        # The ledgers its lists export: <package>/ledger.py modules (ledgers.registry).
        from ledgers import registry as ledgers

        ledgers.discover(self.name)


def check_letter_validity_bounds(**kwargs: Any) -> list[checks.CheckMessage]:
    """A deployment may set the bounds; they must make sense (1 ≤ default ≤ maximum ≤ 90, and a
    receipt's grace period of 0 to 62 days: about one month, two at most)."""
    default = settings.TRANSFER_VALID_DAYS_DEFAULT
    maximum = settings.TRANSFER_VALID_DAYS_MAX
    grace = settings.TRANSFER_RECEIPT_GRACE_DAYS
    errors: list[checks.CheckMessage] = []
    if not (1 <= default <= maximum <= 90):
        errors.append(
            checks.Error(
                f"TRANSFER_VALID_DAYS_DEFAULT={default} and TRANSFER_VALID_DAYS_MAX={maximum}: "
                "need 1 <= default <= maximum <= 90 (a letter is valid at most three months)",
                id="transfers.E001",
            )
        )
    if not 0 <= grace <= 62:
        errors.append(
            checks.Error(
                f"TRANSFER_RECEIPT_GRACE_DAYS={grace}: need 0 to 62 days (a receipt by post "
                "follows the letter's validity by about a month)",
                id="transfers.E002",
            )
        )
    return errors
