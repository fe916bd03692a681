from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from core import demo
        from members.demo import DEMO
        from members.models import (
            Certificate,
            CertificateCheck,
            ContactRecord,
            FindingAttempt,
            FoundArrival,
            Member,
            MobilityEpisode,
            RegularReport,
        )

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
            ],
        )
        auditlog.register(MobilityEpisode, exclude_fields=["created_at", "updated_at"])
        auditlog.register(ContactRecord, exclude_fields=["created_at"])
        auditlog.register(FindingAttempt, exclude_fields=["created_at"])
        auditlog.register(RegularReport, exclude_fields=["created_at"])
        auditlog.register(Certificate, exclude_fields=["created_at"])
        auditlog.register(CertificateCheck, exclude_fields=["created_at"])
        # The person found outside the system: their ID-card number is as sensitive as a member's.
        auditlog.register(
            FoundArrival,
            mask_fields=["id_number"],
            mask_callable="core.validators.mask_id_number",
            exclude_fields=["created_at", "updated_at"],
        )
        demo.register(self.label, DEMO)
