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
        from django.core import checks

        from core import demo
        from core.panels import home_page
        from education.compliance.panels import HOME_PANEL as COMPLIANCE_HOME_PANEL
        from education.compliance.queries import check_meeting_frequencies
        from education.demo import DEMO
        from education.life import certificate_life_summary
        from education.models import Attendance, GroupMembership, Meeting, MeetingAttachment
        from education.sharing import GROUP_SHARES
        from education.timeline import panels as timeline_panels
        from members.certificates.hooks import register_life_summary
        from members.pages import member_page
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
        home_page.register(COMPLIANCE_HOME_PANEL)
        checks.register(check_meeting_frequencies)
        # The member page's "organizational life" section, and the activity certificate's
        # departure part filled from attendance (issue 10, item 3).
        member_page.register(timeline_panels.PANEL)
        register_life_summary(self.label, certificate_life_summary)
        register_evaluation()
        self._ready_study()
        # The ledgers its lists export: <package>/ledger.py modules (ledgers.registry).
        from ledgers import registry as ledgers

        ledgers.discover(self.name)

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


def register_evaluation() -> None:
    """The democratic evaluation's models in the audit trail, its panel on the member's page and
    its lines of the five cards (issue 10, item 5)."""
    # Imported here: models cannot be imported before the app registry is ready.
    from auditlog.registry import auditlog

    from education.evaluation import panels as evaluation_panels
    from education.models import Evaluation, HandlingNote, InflowOpinion
    from members.pages import five_cards, member_page

    auditlog.register(Evaluation, exclude_fields=["created_at", "handling"])
    auditlog.register(InflowOpinion, exclude_fields=["created_at", "updated_at"])
    auditlog.register(HandlingNote, exclude_fields=["created_at"])
    member_page.register(evaluation_panels.MEMBER_PANEL)
    for panel in evaluation_panels.CARD_PANELS:
        five_cards.register(panel)
