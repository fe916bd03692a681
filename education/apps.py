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

        auditlog.register(Meeting, exclude_fields=["created_at", "updated_at"])
        auditlog.register(MeetingAttachment)
        auditlog.register(Attendance, exclude_fields=["created_at", "updated_at"])
        auditlog.register(GroupMembership)
        share_source(GROUP_SHARES)
        demo.register(self.label, DEMO)
        self._ready_study()

    def _ready_study(self) -> None:
        """Classified and online education (item 6): its models' audit and the member page's
        study panel (members does not import education)."""
        # Imported here: models cannot be imported before the app registry is ready.
        from auditlog.registry import auditlog

        from education.models import BranchPost, ColumnItem, StudyRecord
        from education.study.panels import MEMBER_PANEL
        from members.pages import member_page

        auditlog.register(
            ColumnItem, exclude_fields=["created_at", "updated_at"], m2m_fields={"organizations"}
        )
        auditlog.register(StudyRecord, exclude_fields=["created_at"])
        auditlog.register(BranchPost, exclude_fields=["created_at"])
        member_page.register(MEMBER_PANEL)
