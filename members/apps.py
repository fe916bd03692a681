from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        # Imported here: models cannot be imported before the app registry is ready.
        from auditlog.registry import auditlog

        from core import demo
        from core.panels import home_page
        from members import home
        from members.certificates import panels as certificate_panels
        from members.demo import DEMO
        from members.dues import panels as dues_panels
        from members.mobility import panels as mobility_panels
        from members.models import (
            Certificate,
            CertificateCheck,
            ContactRecord,
            DuesPayment,
            DuesRate,
            DuesStandard,
            EpisodeUpdate,
            FindingAttempt,
            FoundArrival,
            Member,
            MobilityEpisode,
            OutsideCheckIn,
            RegularReport,
            StandingDecision,
        )
        from members.pages import member_page
        from members.sharing import EPISODE_SHARES, share_source
        from members.standing import panels as standing_panels

        # Audit entries keep only a masked ID-card number: the trail is read by more people.
        auditlog.register(
            Member,
            mask_fields=["id_number"],
            mask_callable="core.validators.mask_id_number",
            exclude_fields=[
                "name_pinyin",
                "name_initials",
                "created_at",
                "updated_at",
                "episodes",
                "contacts",
                "finding_attempts",
                "reports",
                "certificates",
                "standing_decisions",
                "episode_updates",
            ],
        )
        auditlog.register(
            MobilityEpisode, exclude_fields=["created_at", "updated_at", "outside_check_in"]
        )
        auditlog.register(EpisodeUpdate, exclude_fields=["created_at"])
        auditlog.register(OutsideCheckIn, exclude_fields=["created_at", "updated_at"])
        auditlog.register(ContactRecord, exclude_fields=["created_at"])
        auditlog.register(FindingAttempt, exclude_fields=["created_at"])
        auditlog.register(RegularReport, exclude_fields=["created_at"])
        auditlog.register(Certificate, exclude_fields=["created_at"])
        auditlog.register(CertificateCheck, exclude_fields=["created_at"])
        auditlog.register(StandingDecision, exclude_fields=["created_at"])
        auditlog.register(DuesRate, exclude_fields=["created_at"])
        # The base income is sensitive: the audit keeps that it changed, not its value.
        auditlog.register(DuesStandard, mask_fields=["base_income"], exclude_fields=["created_at"])
        auditlog.register(DuesPayment, exclude_fields=["created_at"])
        # The person found outside the system: their ID-card number is as sensitive as a member's.
        auditlog.register(
            FoundArrival,
            mask_fields=["id_number"],
            mask_callable="core.validators.mask_id_number",
            exclude_fields=["created_at", "updated_at"],
        )
        # The member page's panels, one per feature package, in their order on the page.
        for panel in (
            *mobility_panels.PANELS,
            *certificate_panels.PANELS,
            *standing_panels.PANELS,
            *dues_panels.PANELS,
        ):
            member_page.register(panel)
        home_page.register(home.HOME_PANEL)
        # The ledgers each feature's list exports: members/<feature>/ledger.py (ledgers.registry).
        from ledgers import registry as ledgers

        ledgers.discover(self.name)
        share_source(EPISODE_SHARES)
        demo.register(self.label, DEMO)
