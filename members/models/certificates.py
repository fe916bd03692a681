"""Activity certificates (《中国共产党流动党员活动证》) and certificate letters (《党员证明信》).

Both are numbered documents for members who leave without transferring their relationship: the
activity certificate for a long absence, the certificate letter for a short trip. The county
organization department assigns the numbers, one gap-free sequence per county, kind and year:
`CertificateCounter` holds the last number issued and is locked (`select_for_update`) by the
transaction that issues the next one, so a rolled-back issue gives its number back and two
concurrent issues can never share one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.models import StateMachine
from core.numbering import SerialCounter
from core.validators import past_date, plan_date
from members.models.choices import CertificateKind, CertificateStatus, CheckResult
from members.models.member import Member
from members.models.mobility import MOBILE_MEMBER_MONTHS, MobilityEpisode, months_after
from members.models.records import MemberRecord, MemberRecordQuerySet
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


def activity_certificate_caution(episode: MobilityEpisode | None, on: dt.date) -> str | None:
    """Why an activity certificate for `episode`, issued `on`, goes against the 2006 rules on
    the activity certificate (None: it does not). The issue page shows it and the issuing
    action refuses without a reason to issue anyway: one rule for both (Issue 9, item 7).

    - a short absence: the expected return comes before six months away, and the member has
      not been away six months by `on`: a certificate letter serves;
    - six months or more (expected or lasted) at a named employer with a party organization:
      the relationship should be transferred there instead.
    An absence with no expected return is not known to be short."""
    if episode is None:
        return None
    six_months = months_after(episode.out_date, MOBILE_MEMBER_MONTHS)
    expected = episode.expected_return
    if expected is not None and expected < six_months and on < six_months:
        return gettext(
            "The absence is expected to end on %(date)s, before six months away: a certificate "
            "letter serves a short absence."
        ) % {"date": expected.isoformat()}
    lasting = (expected is not None and expected >= six_months) or on >= six_months
    if lasting and episode.employer.strip() and episode.employer_has_party_org:
        return gettext(
            "The member is away six months or more at %(employer)s, which has a party "
            "organization: the organizational relationship should be transferred there."
        ) % {"employer": episode.employer.strip()}
    return None


def lapsed_letter(today: dt.date) -> Q:
    """Certificate letters past their validity whose status does not say so yet."""
    return Q(kind=CertificateKind.LETTER, status=CertificateStatus.VALID, valid_until__lt=today)


class CertificateQuerySet(MemberRecordQuerySet):
    def with_shown_status(self, status: str, today: dt.date) -> CertificateQuerySet:
        """Certificates whose status, as the pages show it (`Certificate.shown_status`), is
        `status`: a lapsed letter is expired, not valid."""
        if status == CertificateStatus.EXPIRED:
            return self.filter(Q(status=status) | lapsed_letter(today))
        if status == CertificateStatus.VALID:
            return self.filter(status=status).exclude(lapsed_letter(today))
        return self.filter(status=status)

    def unchecked(self, today: dt.date) -> CertificateQuerySet:
        """Valid activity certificates not checked (年审) this year with a pass: those a year old
        or more by `today` (their first anniversary has come: the check is due once a year from
        it), and any younger one whose check this year failed. Each row carries this year's
        check (result, handling, date) and the last year it passed (Issue 9, item 7)."""
        year = today.year
        this_year = CertificateCheck.objects.filter(certificate=OuterRef("pk"), year=year)
        passed = CertificateCheck.objects.filter(
            certificate=OuterRef("pk"), result=CheckResult.PASSED
        ).order_by("-year")
        unchecked: CertificateQuerySet = (
            self.filter(kind=CertificateKind.ACTIVITY, status=CertificateStatus.VALID)
            .filter(Q(issued_on__lte=months_after(today, -12)) | Exists(this_year))
            .exclude(Exists(passed.filter(year=year)))
            .annotate(
                check_result=Subquery(this_year.values("result")[:1]),
                check_handling=Subquery(this_year.values("handling")[:1]),
                check_handled_on=Subquery(this_year.values("handled_on")[:1]),
                last_passed_year=Subquery(passed.values("year")[:1]),
            )
        )
        return unchecked


class Certificate(StateMachine, ChecksInOneQuery, MemberRecord):
    """One activity certificate or certificate letter, issued by the home side.

    The basic part is the member's card and the episode's outflow registration, filled by the
    outflow side; the inflow side fills its branch, arrival date and contact at check-in, and the
    organizational-life and dues record when the member leaves it. A certificate is never
    deleted: it is returned, revoked or replaced, each with a reason.
    """

    #: A valid certificate ends once: handed back with its absence, revoked, replaced, or (a
    #: letter) expired.
    TRANSITIONS = {
        CertificateStatus.VALID: frozenset(
            {
                CertificateStatus.RETURNED,
                CertificateStatus.REVOKED,
                CertificateStatus.REPLACED,
                CertificateStatus.EXPIRED,
            }
        ),
        CertificateStatus.EXPIRED: frozenset(),
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
    issue_anyway_reason = models.CharField(
        _("issued anyway because"),
        max_length=200,
        blank=True,
        help_text=_(
            "Why an activity certificate was issued although the rules point elsewhere (a "
            "short absence: a certificate letter; six months at an employer with a party "
            "organization: a transfer)."
        ),
    )
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

    # The records' manager, with the certificates' own reads (mypy sees a class variable of
    # the base overridden; it is the same kind of manager).
    objects = CertificateQuerySet.as_manager()  # type: ignore[misc]

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

    @property
    def lapsed(self) -> bool:
        """A certificate letter past its validity: it shows as expired and no longer blocks a
        new one (the issuing action sets its status; Issue 9, item 7)."""
        return (
            self.kind == CertificateKind.LETTER
            and self.status == CertificateStatus.VALID
            and self.valid_until is not None
            and self.valid_until < timezone.localdate()
        )

    @property
    def shown_status(self) -> str:
        """The status the pages show: a lapsed letter is expired."""
        return CertificateStatus.EXPIRED if self.lapsed else self.status

    @property
    def shown_status_label(self) -> str:
        return str(CertificateStatus(self.shown_status).label)

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
    handling = models.CharField(
        _("handling"),
        max_length=500,
        blank=True,
        help_text=_(
            "After a failed check: how the member was handled (a talk, criticism, ...). It "
            "shows on the education and handling card."
        ),
    )
    handled_on = models.DateField(
        _("date of handling"), validators=[past_date], null=True, blank=True
    )
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
            ),
            models.CheckConstraint(
                condition=Q(result=CheckResult.PASSED)
                | (Q(handling__gt="") & Q(handled_on__isnull=False)),
                name="certificate_check_failed_is_handled",
                violation_error_message=_(
                    "A failed check is followed up: say how the member was handled, and when."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate} {self.year}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.certificate.member.home_org.path}
