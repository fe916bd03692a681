"""Activity certificates (《中国共产党流动党员活动证》) and certificate letters (《党员证明信》).

Both are numbered documents for members who leave without transferring their relationship: the
activity certificate for a long absence, the certificate letter for a short trip. The county
organization department assigns the numbers, one gap-free sequence per county, kind and year:
`CertificateCounter` holds the last number issued and is locked (`select_for_update`) by the
transaction that issues the next one, so a rolled-back issue gives its number back and two
concurrent issues can never share one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.models import StateMachine
from core.numbering import SerialCounter
from core.validators import past_date, plan_date
from members.models.choices import CertificateKind, CertificateStatus, CheckResult
from members.models.member import Member
from members.models.mobility import MobilityEpisode
from members.models.records import MemberRecord
from organizations.models import Organization

#: The short form of each kind in a certificate number (e.g. 330122流证〔2026〕第0001号).  # noqa: RUF003
NUMBER_TAGS: dict[str, str] = {CertificateKind.ACTIVITY: "流证", CertificateKind.LETTER: "证明"}


class CertificateCounter(SerialCounter):
    """The last number a county issued for one kind of certificate in one year."""

    county = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    kind = models.CharField(
        pgettext_lazy("certificate", "kind"), max_length=20, choices=CertificateKind.choices
    )
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("certificate number counter")
        verbose_name_plural = _("certificate number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "kind", "year"], name="certificate_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.kind} {self.year}: {self.last_serial}"


class Certificate(StateMachine, ChecksInOneQuery, MemberRecord):
    """One activity certificate or certificate letter, issued by the home side.

    The basic part is the member's card and the episode's outflow registration, filled by the
    outflow side; the inflow side fills its branch, arrival date and contact at check-in, and the
    organizational-life and dues record when the member leaves it. A certificate is never
    deleted: it is returned, revoked or replaced, each with a reason.
    """

    #: A valid certificate ends once: handed back with its absence, revoked, or replaced.
    TRANSITIONS = {
        CertificateStatus.VALID: frozenset(
            {CertificateStatus.RETURNED, CertificateStatus.REVOKED, CertificateStatus.REPLACED}
        ),
        CertificateStatus.RETURNED: frozenset(),
        CertificateStatus.REVOKED: frozenset(),
        CertificateStatus.REPLACED: frozenset(),
    }

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("member")
    )
    episode = models.ForeignKey(
        MobilityEpisode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("absence"),
    )
    kind = models.CharField(
        pgettext_lazy("certificate", "kind"), max_length=20, choices=CertificateKind.choices
    )
    county = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("numbering county committee"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    # The basic part (outflow side).
    issuing_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issuing branch"),
    )
    issued_on = models.DateField(_("date of issue"), validators=[past_date])
    valid_until = models.DateField(_("valid until"), validators=[plan_date], null=True, blank=True)
    reason = models.CharField(_("reason for leaving"), max_length=200)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    # The inflow part, at check-in.
    inflow_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inflow branch"),
    )
    arrived_on = models.DateField(
        _("date of arrival"), validators=[past_date], null=True, blank=True
    )
    inflow_contact = models.CharField(_("inflow contact person"), max_length=50, blank=True)
    inflow_contact_phone = models.CharField(_("inflow contact phone"), max_length=20, blank=True)
    # The departure part, when the member leaves the inflow organization.
    left_inflow_on = models.DateField(
        _("date of leaving the inflow branch"), validators=[past_date], null=True, blank=True
    )
    life_record = models.CharField(_("organizational life"), max_length=500, blank=True)
    dues_paid_until = models.DateField(
        _("dues paid up to"),
        validators=[plan_date],
        null=True,
        blank=True,
        help_text=_("The month matters, not the day."),
    )
    # The end of the certificate.
    ended_on = models.DateField(_("ended on"), validators=[past_date], null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "kind", "year", "serial"], name="certificate_serial_unique"
            ),
            models.UniqueConstraint(
                fields=["member", "kind"],
                condition=Q(status="valid"),
                name="certificate_one_valid_per_member_kind",
                violation_error_message=_("This member already holds a valid one."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("issued_on")),
                name="certificate_valid_after_issue",
                violation_error_message=_("A certificate cannot expire before it is issued."),
            ),
            models.CheckConstraint(
                condition=Q(status="valid") | Q(ended_on__isnull=False),
                name="certificate_ended_has_date",
            ),
            models.CheckConstraint(
                condition=Q(arrived_on__isnull=True) | Q(arrived_on__gte=F("issued_on")),
                name="certificate_arrival_after_issue",
                violation_error_message=_("The member arrives after the certificate is issued."),
            ),
        ]
        indexes = [
            models.Index(fields=["member", "kind", "status"], name="certificate_member_idx"),
            models.Index(fields=["county", "year", "kind"], name="certificate_county_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    # Why a part cannot be written now (None: it can). The actions refuse with these words; the
    # pages offer a part's button only where its `*_open` says so: one rule for both.

    def closed_refusal(self, *open_statuses: str) -> str | None:
        """Nothing more is recorded on a certificate outside `open_statuses` (default: valid)."""
        if self.status in (open_statuses or (CertificateStatus.VALID,)):
            return None
        return gettext("Certificate %(number)s is %(status)s: nothing more is recorded on it.") % {
            "number": self.number,
            "status": self.get_status_display(),
        }

    def activity_refusal(self) -> str | None:
        if self.kind == CertificateKind.ACTIVITY:
            return None
        return gettext("Only an activity certificate has an inflow part and yearly checks.")

    def inflow_part_refusal(self) -> str | None:
        """The inflow side fills its part once, on a valid activity certificate."""
        if self.inflow_org_id is not None:
            assert self.inflow_org is not None
            return gettext("The inflow part is already filled in by %(org)s.") % {
                "org": self.inflow_org.name
            }
        return self.activity_refusal() or self.closed_refusal()

    def departure_part_refusal(self) -> str | None:
        """The departure part comes after the arrival, once, also on a returned certificate."""
        why = self.activity_refusal() or self.closed_refusal(
            CertificateStatus.VALID, CertificateStatus.RETURNED
        )
        if why:
            return why
        if self.arrived_on is None:
            return gettext("Fill in the inflow part first: the member has not arrived.")
        if self.left_inflow_on is not None:
            return gettext("The departure part is already filled in (left on %(date)s).") % {
                "date": self.left_inflow_on.isoformat()
            }
        return None

    @property
    def inflow_part_open(self) -> bool:
        return self.inflow_part_refusal() is None

    @property
    def departure_part_open(self) -> bool:
        return self.departure_part_refusal() is None


class CertificateCheck(models.Model):
    """The yearly check (年审) of an activity certificate, done with the democratic evaluation."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="checks", verbose_name=_("certificate")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    checked_on = models.DateField(_("date of check"), validators=[past_date])
    result = models.CharField(
        pgettext_lazy("yearly check", "result"), max_length=20, choices=CheckResult.choices
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("yearly check")
        verbose_name_plural = _("yearly checks")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "year"],
                name="certificate_check_once_a_year",
                violation_error_message=_("This certificate was already checked that year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate} {self.year}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.certificate.member.home_org.path}
