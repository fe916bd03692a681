from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    """Organizational life (meetings and attendance, wherever the member takes part), the
    democratic evaluation card, and classified and online education with study hours."""

    name = "education"
    verbose_name = _("Education and organizational life")

    def ready(self) -> None:
        # Imported here: models cannot be imported before the app registry is ready.
        from auditlog.registry import auditlog

        from core import demo
        from education.demo import DEMO
        from education.models import Attendance, GroupMembership, Meeting, MeetingAttachment
        from education.sharing import GROUP_SHARES
        from members.sharing import share_source

        # The sign-in code is a short-lived secret: the trail shows that it changed, masked.
        auditlog.register(
            Meeting, exclude_fields=["created_at", "updated_at"], mask_fields=["sign_in_code"]
        )
        auditlog.register(MeetingAttachment)
        auditlog.register(Attendance, exclude_fields=["created_at", "updated_at"])
        auditlog.register(GroupMembership)
        share_source(GROUP_SHARES)
        demo.register(self.label, DEMO)
