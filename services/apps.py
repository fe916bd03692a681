from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """Care visits, assistance, contributions and commendations (a later issue fills this app)."""

    name = "services"
    verbose_name = _("Care and service")
