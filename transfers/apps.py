from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    """Organizational-relationship transfers (the transfers issue fills this app)."""

    name = "transfers"
    verbose_name = _("Relationship transfers")
