from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Imported here: models cannot be imported before the app registry is ready.
        from auditlog.registry import auditlog

        from core.models import User

        # Account changes are audited; the password hash and login times are not diff material.
        auditlog.register(
            User,
            include_fields=[
                "username",
                "full_name",
                "phone",
                "email",
                "is_active",
                "is_staff",
                "is_superuser",
                "must_change_password",
            ],
        )
