from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from core import demo
        from organizations.demo import DEMO
        from organizations.models import Organization, Role

        # Reverse relations (roles, members) and timestamps are noise in a county officer's diff.
        auditlog.register(
            Organization,
            exclude_fields=["depth", "numchild", "roles", "members", "created_at", "updated_at"],
        )
        auditlog.register(Role)
        demo.register(self.label, DEMO)
