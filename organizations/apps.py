from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from organizations.models import Organization, Role

        auditlog.register(Organization, exclude_fields=["path", "depth", "numchild"])
        auditlog.register(Role)
