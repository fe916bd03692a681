from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        # Imported here: models cannot be imported before the app registry is ready.
        from auditlog.registry import auditlog

        from core import demo
        from core.panels import home_page
        from organizations import checks  # noqa: F401  (registers the system checks)
        from organizations.demo import DEMO
        from organizations.models import Organization, Role, Trade
        from organizations.panels import HOME_PANELS

        # Reverse relations (roles, members) and timestamps are noise in a county officer's diff.
        auditlog.register(
            Organization,
            exclude_fields=["depth", "numchild", "roles", "members", "created_at", "updated_at"],
            m2m_fields={"trades"},
        )
        auditlog.register(Role)
        auditlog.register(Trade, exclude_fields=["organizations"])
        for panel in HOME_PANELS:
            home_page.register(panel)
        demo.register(self.label, DEMO)
