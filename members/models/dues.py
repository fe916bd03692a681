"""Party dues (党费): the rates, each member's standard, and payments with the months they cover.

The rules (the 2008 《关于中国共产党党费收缴、使用和管理的规定》): a member pays every month a
share of the regular after-tax income fixed at the start of the year from the previous year's
income; retirees on their pension; farmers, students, the unemployed and people on
minimum-living support a fixed small amount; hardship earns a reduction or an exemption on
approval; probationary members pay from the month they are admitted.

- `DuesRate`: one band of the rates (a category and an income range, and either a percentage or
  a fixed amount range), with the month it takes effect and the county it is for (none: the
  whole deployment). Rates are data: a county officer sets new bands from a month on, and no
  month before it changes, because a member's amount is written on their standard.
- `DuesStandard`: what a member owes each month from `effective_from` on, until their next
  standard: the category, the base income, the band and its amount, and any reduction or
  exemption approved for a period. Set once a year in the yearly review, or when a member
  becomes due.
- `DuesPayment`: a payment (amount, where, how, receipt) covering one or several consecutive
  months; `DuesPaidMonth`: one row per month it covers, so that a month is paid at most once.

Nothing here stores whether a member is paid up: "dues paid up to" (党费交至), months and amount
owed are derived from the standards and the paid months by `members.models.dues_state`.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.scoping import Action
from core.types import AnyUser
from core.validators import past_date, plan_date
from members.models.choices import DuesCategory, DuesMethod, DuesRelief
from members.models.member import Member
from members.models.records import MemberRecord, MemberRecordQuerySet
from organizations.models import Organization
from organizations.scope import user_scope

#: One fen: every amount is rounded to it (the rules: to the fen, half up).
FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> Decimal:
    """`amount` rounded to the fen, half up, as the dues rules count."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def first_of_month(value: dt.date | None) -> None:
    """A month is kept as its first day."""
    if value is not None and value.day != 1:
        raise ValidationError(_("Enter a month: the first day stands for it."), code="not_month")


def month_index(day: dt.date) -> int:
    """Months since year 0: the difference of two is the number of months between them."""
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def add_months(month: dt.date, months: int) -> dt.date:
    return month_from_index(month_index(month) + months)


class DuesRateQuerySet(models.QuerySet["DuesRate"]):
    def in_force(self, county: Organization | None, month: dt.date) -> list[DuesRate]:
        """The bands in force for `county` in `month`: the county's own schedule when it set one
        that has taken effect and is newer than the deployment's, otherwise the deployment's."""
        rows = list(
            self.filter(Q(county=county) | Q(county__isnull=True), effective_from__lte=month)
            .order_by("-effective_from", "county_id")
            .select_related("county")
        )
        if not rows:
            return []
        # The newest schedule wins; at the same date the county's own (sorted first: nulls last).
        newest = rows[0]
        return [
            r
            for r in rows
            if r.effective_from == newest.effective_from and r.county_id == newest.county_id
        ]


class DuesRate(ChecksInOneQuery):
    """One band of the dues rates: members of `category` whose monthly base income is above
    `income_over` and at most `income_up_to` pay `percent` of it, or a fixed amount between
    `amount_min` and `amount_max` (the branch picks it; equal bounds: that amount).

    The bands of a schedule share `effective_from` and `county`. A new schedule never changes a
    standard already set: it is used for standards set for its months from then on."""

    county = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dues_rates",
        verbose_name=_("county"),
        help_text=_("Empty: the rates everywhere, unless a county set its own."),
    )
    effective_from = models.DateField(_("effective from"), validators=[plan_date, first_of_month])
    category = models.CharField(_("category"), max_length=20, choices=DuesCategory.choices)
    income_over = models.DecimalField(
        _("income above (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    income_up_to = models.DecimalField(
        _("income up to (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no upper limit."),
    )
    percent = models.DecimalField(
        _("percentage of income"),
        max_digits=5,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(10))],
    )
    amount_min = models.DecimalField(
        _("fixed amount from (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    amount_max = models.DecimalField(
        _("fixed amount up to (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = DuesRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues rate")
        verbose_name_plural = _("dues rates")
        ordering = ["effective_from", "category", "income_over"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "effective_from", "category", "income_over"],
                nulls_distinct=False,
                name="dues_rate_band_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(percent__isnull=False, amount_min__isnull=True, amount_max__isnull=True)
                    | Q(
                        percent__isnull=True,
                        amount_min__gte=0,
                        amount_max__gte=models.F("amount_min"),
                    )
                ),
                name="dues_rate_percent_or_amount",
            ),
            models.CheckConstraint(
                condition=Q(income_up_to__isnull=True)
                | Q(income_up_to__gt=models.F("income_over")),
                name="dues_rate_income_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.describe()}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.county.path if self.county else ""}

    @property
    def is_fixed(self) -> bool:
        return self.percent is None

    def covers(self, income: Decimal | None) -> bool:
        if self.is_fixed:
            return True
        if income is None:
            return False
        above = income >= 0 if not self.income_over else income > self.income_over
        return above and (self.income_up_to is None or income <= self.income_up_to)

    def amount_for(self, income: Decimal | None) -> Decimal:
        """The monthly amount of a member of this band: the percentage of `income`, or the
        lower bound of the fixed range."""
        if self.percent is None:
            assert self.amount_min is not None
            return self.amount_min
        assert income is not None
        return to_fen(income * self.percent / 100)

    def describe(self) -> str:
        if self.percent is None:
            if self.amount_min == self.amount_max:
                return str(_("%(amount)s yuan a month")) % {"amount": self.amount_min}
            return str(_("%(low)s to %(high)s yuan a month")) % {
                "low": self.amount_min,
                "high": self.amount_max,
            }
        if self.income_up_to is None:
            band = str(_("above %(low)s yuan")) % {"low": self.income_over}
        elif not self.income_over:
            band = str(_("up to %(high)s yuan")) % {"high": self.income_up_to}
        else:
            band = str(_("%(low)s to %(high)s yuan")) % {
                "low": self.income_over,
                "high": self.income_up_to,
            }
        return f"{band}: {self.percent.normalize()}%"


class DuesStandardQuerySet(MemberRecordQuerySet):
    def of_member(self, member: Member) -> DuesStandardQuerySet:
        return (
            self.filter(member=member).select_related("rate", "set_by").order_by("-effective_from")
        )

    def current_for(self, members: Any, month: dt.date) -> dict[int, DuesStandard]:
        """Each member's standard in force in `month` (members without one left out), in one
        query."""
        rows = (
            self.filter(member__in=members, effective_from__lte=month)
            .order_by("member_id", "-effective_from")
            .distinct("member_id")
        )
        return {row.member_id: row for row in rows}


class DuesStandard(ChecksInOneQuery, MemberRecord):
    """What a member owes each month from `effective_from` until their next standard.

    The amount is written here when the standard is set (from the band in force then, or the
    amount the branch picked in a fixed range), so a later change of rates never changes it. A
    reduction or exemption approved for hardship (the 2008 rules, art. 8) applies from
    `effective_from` to `relief_until` (empty: as long as this standard holds)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="dues_standards", verbose_name=_("member")
    )
    effective_from = models.DateField(_("from month"), validators=[plan_date, first_of_month])
    category = models.CharField(_("category"), max_length=20, choices=DuesCategory.choices)
    base_income = models.DecimalField(
        _("monthly base income (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "Regular after-tax monthly income (the pension for retirees), from the previous "
            "year. Sensitive."
        ),
    )
    rate = models.ForeignKey(
        DuesRate,
        on_delete=models.PROTECT,
        related_name="standards",
        verbose_name=_("band"),
    )
    amount = models.DecimalField(
        _("monthly standard (yuan)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    relief = models.CharField(
        _("reduction or exemption"),
        max_length=10,
        choices=DuesRelief.choices,
        default=DuesRelief.NONE,
    )
    relief_amount = models.DecimalField(
        _("reduced amount (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    relief_until = models.DateField(
        _("relief until month"),
        null=True,
        blank=True,
        validators=[plan_date, first_of_month],
        help_text=_("Empty: as long as this standard holds."),
    )
    relief_reason = models.CharField(_("reason for relief"), max_length=200, blank=True)
    relief_approved_by = models.CharField(
        _("approved by"),
        max_length=100,
        blank=True,
        help_text=_("The committee (and person) that approved the reduction or exemption."),
    )
    relief_approved_on = models.DateField(
        _("approved on"), null=True, blank=True, validators=[past_date]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )

    objects: ClassVar[Any] = DuesStandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues standard")
        verbose_name_plural = _("dues standards")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "effective_from"], name="dues_standard_member_month_unique"
            ),
            models.CheckConstraint(
                condition=Q(relief="none", relief_amount__isnull=True, relief_reason="")
                | Q(relief="exempt", relief_amount__isnull=True)
                | Q(relief="reduced", relief_amount__gte=0, relief_amount__lt=models.F("amount")),
                name="dues_standard_relief_amount",
            ),
            models.CheckConstraint(
                condition=Q(relief_until__isnull=True)
                | Q(relief_until__gte=models.F("effective_from")),
                name="dues_standard_relief_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.effective_from:%Y-%m} {self.amount}"

    def amount_in(self, month: dt.date) -> Decimal:
        """What the member owes for `month` under this standard (relief applied)."""
        if self.relief != DuesRelief.NONE and (
            self.relief_until is None or month <= self.relief_until
        ):
            if self.relief == DuesRelief.EXEMPT or self.relief_amount is None:
                return Decimal("0.00")
            return self.relief_amount
        return self.amount

    def clean(self) -> None:
        if self.relief != DuesRelief.NONE and not (
            self.relief_reason and self.relief_approved_by and self.relief_approved_on
        ):
            raise ValidationError(
                _("A reduction or exemption needs its reason, who approved it and when.")
            )


class DuesPaymentQuerySet(models.QuerySet["DuesPayment"]):
    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> DuesPaymentQuerySet:
        """Whoever sees the member sees their payments; an organization also keeps seeing the
        payments it received, after the member has left it (it recorded them on its side)."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self.all()
        received = scope.q("org__path", action)
        return self.filter(Q(member__in=Member.objects.visible_to(user, action)) | received)

    def active(self) -> DuesPaymentQuerySet:
        return self.filter(voided_at__isnull=True)

    def of_member(self, member: Member) -> DuesPaymentQuerySet:
        return (
            self.filter(member=member)
            .select_related("org", "recorded_by")
            .order_by("-first_month", "-id")
        )


class DuesPayment(ChecksInOneQuery):
    """A payment of dues covering `months` consecutive months from `first_month`, received by the
    member's home branch or by the inflow organization the member is checked in with (which
    records it on its side; it counts at home all the same). Voided, never deleted."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="dues_payments", verbose_name=_("member")
    )
    org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="dues_payments",
        verbose_name=_("paid at"),
    )
    first_month = models.DateField(_("first month"), validators=[plan_date, first_of_month])
    months = models.PositiveSmallIntegerField(
        _("months covered"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=DuesMethod.choices)
    reference = models.CharField(_("transfer or online reference"), max_length=64, blank=True)
    paid_on = models.DateField(_("paid on"), validators=[past_date])
    received_by = models.CharField(_("received by"), max_length=50)
    receipt_number = models.CharField(_("receipt number"), max_length=32, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)

    objects = DuesPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="dues_payment_receipt_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="dues_payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=12), name="dues_payment_months_range"
            ),
        ]
        indexes = [models.Index(fields=["org", "paid_on"], name="dues_payment_org_idx")]

    def __str__(self) -> str:
        return f"{self.member} {self.first_month:%Y-%m} x{self.months} {self.amount}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.member.home_org.path}

    @property
    def last_month(self) -> dt.date:
        return add_months(self.first_month, self.months - 1)

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class DuesPaidMonth(models.Model):
    """One month a payment covers. A month is paid at most once (voided payments aside): the
    partial unique index is also the index every "paid up to" query reads."""

    payment = models.ForeignKey(DuesPayment, on_delete=models.PROTECT, related_name="paid_months")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), validators=[plan_date, first_of_month])
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    voided = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("paid month")
        verbose_name_plural = _("paid months")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "month"],
                condition=Q(voided=False),
                name="dues_paid_month_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m}"
