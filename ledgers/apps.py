from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    """Excel in and out: the ledgers (台账) every list exports (each app registers its own in
    `ledgers.registry`), exports written at once or by a Celery task with a progress bar, and
    the writer they share (`ledgers.writer`).

    Left of the domain apps in the app graph: it imports none of them."""

    name = "ledgers"
    verbose_name = _("Ledgers")
