"""Writes on party dues. Atomic and audited, like every action; each refuses bad input with a
reason in Chinese before it writes anything.

Sides: the home side (change scope over the member's branch) sets standards, approves reliefs
and confirms the yearly review; the home branch, or the inflow organization the member is
checked in with, records payments (the inflow side's show on both sides and count at home); a
payment is voided by whoever may record at the organization that received it, or by the home
side. County officers set their county's rates.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, record_event, save_valid
from core.scoping import Action
from members.dues.rules import band_for, county_of, standard_amount
from members.models import (
    DuesCategory,
    DuesMethod,
    DuesPaidMonth,
    DuesPayment,
    DuesRate,
    DuesRelief,
    DuesStandard,
    EpisodeStatus,
    Member,
    MobilityEpisode,
)
from members.models.choices import INCOME_CATEGORIES
from members.models.dues import add_months, month_index, to_fen
from organizations.models import Organization, OrgKind
from organizations.scope import require_change, user_scope


def _month_text(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def due_from(member: Member) -> dt.date:
    """The first month a member owes dues: the month they joined (probationary members pay from
    the month they are admitted, the 2008 rules art. 4)."""
    return member.joined_on.replace(day=1)


def _check_amount(value: Decimal | None, field_name: str, maximum: Decimal) -> None:
    if value is None:
        return
    try:
        exponent = value.as_tuple().exponent
    except (AttributeError, InvalidOperation):  # pragma: no cover - a form gives a Decimal
        raise ValidationError({field_name: _("Enter an amount in yuan.")}) from None
    if not value.is_finite() or (isinstance(exponent, int) and exponent < -2):
        raise ValidationError({field_name: _("Enter an amount in yuan, to the fen at most.")})
    if value < 0:
        raise ValidationError({field_name: _("An amount cannot be negative.")})
    if value > maximum:
        raise ValidationError(
            {
                field_name: _("%(amount)s yuan is more than this can be (%(max)s).")
                % {"amount": value, "max": maximum}
            }
        )


# --- standards ---------------------------------------------------------------------------------


@dataclass
class StandardInput:
    """What a branch says about a member's standard: the category, the base income (for a
    share) or the amount chosen in a fixed range, and any relief."""

    category: str
    base_income: Decimal | None = None
    amount: Decimal | None = None
    relief: str = DuesRelief.NONE
    relief_amount: Decimal | None = None
    relief_until: dt.date | None = None
    relief_reason: str = ""
    relief_approved_by: str = ""
    relief_approved_on: dt.date | None = None
    note: str = ""


def compute_standard(
    member: Member, month: dt.date, data: StandardInput
) -> tuple[DuesRate, Decimal]:
    """The band and monthly amount `data` gives `member` from `month`, by the rates in force for
    the member's county in that month."""
    return _compute(data, DuesRate.objects.in_force(county_of(member.home_org), month))


def _compute(data: StandardInput, rates: list[DuesRate]) -> tuple[DuesRate, Decimal]:
    _check_amount(data.base_income, "base_income", Decimal(settings.DUES_MAX_MONTHLY_INCOME))
    _check_amount(data.amount, "amount", Decimal(settings.DUES_MAX_PAYMENT))
    income = data.base_income if data.category in INCOME_CATEGORIES else None
    rate = band_for(rates, data.category, income)
    return rate, standard_amount(rate, income, data.amount)


def _build_standard(
    member: Member,
    month: dt.date,
    data: StandardInput,
    actor: User,
    *,
    latest: DuesStandard | None,
    rates: list[DuesRate],
) -> DuesStandard:
    """`member`'s standard from `month` (not saved): the latest corrected in place when it is
    of the same month. `latest` is the member's latest standard, `rates` the schedule in force
    for their county in `month`: read by the caller, once for a whole branch in the review."""
    if month < due_from(member):
        raise ValidationError(
            {
                "effective_from": _(
                    "%(name)s owes dues from %(month)s (the month they joined): a standard "
                    "cannot start earlier."
                )
                % {"name": member.name, "month": _month_text(due_from(member))}
            }
        )
    if month_index(month) > month_index(this_month()) + 12:
        raise ValidationError({"effective_from": _("A standard is set at most a year ahead.")})
    if latest is not None and month < latest.effective_from:
        raise ValidationError(
            {
                "effective_from": _(
                    "%(name)s has a standard from %(month)s: a new one starts then or later "
                    "(past months keep theirs)."
                )
                % {"name": member.name, "month": _month_text(latest.effective_from)}
            }
        )
    rate, amount = _compute(data, rates)
    if data.relief == DuesRelief.REDUCED:
        _check_amount(data.relief_amount, "relief_amount", amount)
        if data.relief_amount is None or data.relief_amount >= amount:
            raise ValidationError(
                {
                    "relief_amount": _("A reduced amount is less than the standard (%(amount)s).")
                    % {"amount": amount}
                }
            )
    standard = (
        latest
        if latest is not None and latest.effective_from == month
        else DuesStandard(member=member, effective_from=month)
    )
    standard.category = data.category
    standard.base_income = data.base_income if data.category in INCOME_CATEGORIES else None
    standard.rate = rate
    standard.amount = amount
    standard.relief = data.relief
    relieved = data.relief != DuesRelief.NONE
    standard.relief_amount = data.relief_amount if data.relief == DuesRelief.REDUCED else None
    standard.relief_until = data.relief_until if relieved else None
    standard.relief_reason = data.relief_reason if relieved else ""
    standard.relief_approved_by = data.relief_approved_by if relieved else ""
    standard.relief_approved_on = data.relief_approved_on if relieved else None
    standard.note = data.note
    standard.set_by = actor
    return standard


def _write_standard(
    member: Member, month: dt.date, data: StandardInput, actor: User
) -> DuesStandard:
    latest = DuesStandard.objects.filter(member=member).order_by("-effective_from").first()
    rates = DuesRate.objects.in_force(county_of(member.home_org), month)
    return save_valid(_build_standard(member, month, data, actor, latest=latest, rates=rates))


@action
def do_set_standard(
    *, member: Member, effective_from: dt.date, data: StandardInput, actor: User
) -> DuesStandard:
    """Set `member`'s monthly standard from `effective_from` on (the home side). A standard from
    the same month as the latest is corrected in place (the audit trail keeps the old one); an
    earlier month is refused, so that no past month changes."""
    member = Member.objects.locked(member)
    require_change(actor, member.home_org)
    member.require_good_standing()
    return _write_standard(member, effective_from.replace(day=1), data, actor)


#: What the review rewrites of a standard it corrects in place (the same month's).
_REVIEW_FIELDS = [
    "category",
    "base_income",
    "rate",
    "amount",
    "relief",
    "relief_amount",
    "relief_until",
    "relief_reason",
    "relief_approved_by",
    "relief_approved_on",
    "note",
    "set_by",
]


def _check_unsaved(standard: DuesStandard) -> None:
    """What `save_valid` checks of a standard, without a query per row: the fields, the
    model's `clean`, and its check constraints (the database keeps them too)."""
    standard.clean_fields(exclude=["member", "rate", "set_by"])
    standard.clean()
    if standard.relief_until is not None and standard.relief_until < standard.effective_from:
        raise ValidationError({"relief_until": _("The relief ends before the standard starts.")})


@action
def do_confirm_review(
    *, org: Organization, year: int, entries: Sequence[tuple[Member, StandardInput]], actor: User
) -> list[DuesStandard]:
    """The yearly review (the 2008 rules: the amount is fixed at the start of the year from the
    previous year's income): every member of `org` listed gets their standard from January of
    `year` (or from the month they became due, if later), in one go or not at all. The errors
    name the members. Set-based: the same number of queries for a branch of 2 or of 200; one
    audit entry names every member's new standard."""
    require_change(actor, org)
    if not this_month().year - 1 <= year <= this_month().year + 1:
        raise ValidationError(_("A yearly review is for last year, this year or next year."))
    if any(member.home_org_id != org.pk for member, _data in entries):
        raise PermissionDenied
    ids = sorted({member.pk for member, _data in entries})
    if len(ids) != len(entries):
        raise ValidationError(_("A member is listed twice in the review."))
    locked = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if any(m.home_org_id != org.pk for m in locked.values()) or len(locked) != len(ids):
        raise PermissionDenied
    latest_of = {
        s.member_id: s
        for s in DuesStandard.objects.filter(member_id__in=ids)
        .order_by("member_id", "-effective_from")
        .distinct("member_id")
    }
    county = county_of(org)
    rates_of: dict[dt.date, list[DuesRate]] = {}
    errors: dict[str, list[str]] = {}
    built: list[tuple[DuesStandard, Decimal | None]] = []
    for given, data in entries:
        member = locked[given.pk]
        member.home_org = org
        month = max(dt.date(year, 1, 1), due_from(member))
        if month not in rates_of:
            rates_of[month] = DuesRate.objects.in_force(county, month)
        latest = latest_of.get(member.pk)
        before = latest.amount if latest is not None and latest.effective_from == month else None
        try:
            standard = _build_standard(
                member, month, data, actor, latest=latest, rates=rates_of[month]
            )
            _check_unsaved(standard)
        except ValidationError as exc:
            errors[str(member.pk)] = [f"{member.name}: {m}" for m in exc.messages]
            continue
        built.append((standard, before))
    if errors:
        raise ValidationError(errors)
    for standard, _before in built:
        # One insert for all: a standard of the same month is updated by the conflict.
        standard.pk = None
    saved = DuesStandard.objects.bulk_create(
        [standard for standard, _before in built],
        update_conflicts=True,
        unique_fields=["member", "effective_from"],
        update_fields=_REVIEW_FIELDS,
    )
    record_event(
        actor=actor,
        instance=org,
        event="dues.review",
        details={
            "year": year,
            "members": len(saved),
            "standards": {
                str(standard.member_id): {
                    "from": standard.effective_from.isoformat(),
                    "category": standard.category,
                    "before": None if before is None else str(before),
                    "amount": str(standard.amount),
                    "relief": standard.relief,
                }
                for standard, before in built
            },
        },
        org_path=org.path,
    )
    return saved


# --- payments ----------------------------------------------------------------------------------


def payment_places(user: User, member: Member) -> list[Organization]:
    """Where `user` may record `member`'s payment: the home branch (if in their change scope)
    and the inflow organization the member is checked in with (if in their change scope)."""
    scope = user_scope(user)
    places = []
    if scope.covers(member.home_org.path, Action.CHANGE):
        places.append(member.home_org)
    episode = (
        MobilityEpisode.objects.filter(member=member, status=EpisodeStatus.CHECKED_IN)
        .select_related("inflow_org")
        .first()
    )
    if (
        episode is not None
        and episode.inflow_org is not None
        and scope.covers(episode.inflow_org.path, Action.CHANGE)
        and episode.inflow_org not in places
    ):
        places.append(episode.inflow_org)
    return places


def may_record_payment(user: User, member: Member) -> bool:
    return bool(payment_places(user, member))


def expected_amounts(member: Member, first: dt.date, months: int) -> list[Decimal] | None:
    """What `member` owes for each of `months` months from `first` under their standards (None
    if a month has no standard: before they became due)."""
    standards = list(DuesStandard.objects.filter(member=member).order_by("effective_from"))
    amounts: list[Decimal] = []
    for offset in range(months):
        month = add_months(first, offset)
        current = [s for s in standards if s.effective_from <= month]
        if not current:
            return None
        amounts.append(current[-1].amount_in(month))
    return amounts


@dataclass
class PaymentInput:
    """A payment as the form gives it."""

    first_month: dt.date
    months: int
    amount: Decimal
    method: str
    paid_on: dt.date
    received_by: str
    receipt_number: str = ""
    reference: str = ""
    note: str = ""
    org: Organization | None = None


def _place(actor: User, member: Member, wanted: Organization | None) -> Organization:
    places = payment_places(actor, member)
    if not places:
        raise ValidationError(
            _(
                "%(name)s is neither a member of a branch you work for nor checked in with one "
                "of your organizations: you cannot record their dues."
            )
            % {"name": member.name}
        )
    if wanted is None:
        return places[0]
    if wanted not in places:
        raise ValidationError(
            {
                "org": _("%(org)s cannot receive %(name)s's dues.")
                % {"org": wanted.name, "name": member.name}
            }
        )
    return wanted


def _validate_payment(member: Member, data: PaymentInput, org: Organization) -> list[Decimal]:
    """The payment's refusals, in the order a secretary fixes them; the months' amounts."""
    first = data.first_month.replace(day=1)
    if not 1 <= data.months <= settings.DUES_MAX_MONTHS_PER_PAYMENT:
        raise ValidationError(
            {
                "months": _("A payment covers 1 to %(max)d months.")
                % {"max": settings.DUES_MAX_MONTHS_PER_PAYMENT}
            }
        )
    _check_amount(data.amount, "amount", Decimal(settings.DUES_MAX_PAYMENT))
    if data.amount <= 0:
        raise ValidationError({"amount": _("Enter the amount paid: more than zero.")})
    if first < due_from(member):
        raise ValidationError(
            {
                "first_month": _("%(name)s owes dues from %(month)s, when they joined.")
                % {"name": member.name, "month": _month_text(due_from(member))}
            }
        )
    last = add_months(first, data.months - 1)
    if month_index(last) > month_index(this_month()) + settings.DUES_MAX_MONTHS_AHEAD:
        raise ValidationError(
            {
                "months": _("Dues are paid at most %(max)d months ahead.")
                % {"max": settings.DUES_MAX_MONTHS_AHEAD}
            }
        )
    if data.paid_on > timezone.localdate():
        raise ValidationError(
            {"paid_on": _("This date is in the future: enter the day it happened.")}
        )
    expected = expected_amounts(member, first, data.months)
    if expected is None:
        raise ValidationError(
            {
                "first_month": _(
                    "%(name)s has no dues standard for %(month)s: the home branch sets it first."
                )
                % {"name": member.name, "month": _month_text(first)}
            }
        )
    taken = (
        DuesPaidMonth.objects.filter(member=member, voided=False, month__gte=first, month__lte=last)
        .order_by("month")
        .values_list("month", flat=True)
    )
    if taken:
        raise ValidationError(
            {
                "first_month": _("%(month)s is paid already.")
                % {"month": "、".join(_month_text(m) for m in taken)}
            }
        )
    total = sum(expected, Decimal(0))
    if to_fen(data.amount) != total and not data.note.strip():
        raise ValidationError(
            {
                "note": _(
                    "%(amount)s yuan is not the standard for these months (%(total)s yuan): "
                    "say why in the note (paid more of their own will, a reduction not "
                    "recorded yet, ...)."
                )
                % {"amount": data.amount, "total": total}
            }
        )
    if data.method in (DuesMethod.TRANSFER, DuesMethod.ONLINE) and not data.reference.strip():
        raise ValidationError(
            {"reference": _("Enter the transfer's or the online payment's reference.")}
        )
    receipt = data.receipt_number.strip()
    if receipt and DuesPayment.objects.filter(org=org, receipt_number=receipt).exists():
        raise ValidationError(
            {
                "receipt_number": _("Receipt %(number)s is recorded already at %(org)s.")
                % {"number": receipt, "org": org.name}
            }
        )
    return expected


def _split(amount: Decimal, expected: list[Decimal]) -> list[Decimal]:
    """The payment's amount spread over its months: each month its standard, the difference (a
    voluntary extra, an unrecorded reduction) on the last."""
    shares = list(expected)
    shares[-1] += to_fen(amount) - sum(expected, Decimal(0))
    return shares


def _write_payment(member: Member, data: PaymentInput, actor: User) -> DuesPayment:
    org = _place(actor, member, data.org)
    expected = _validate_payment(member, data, org)
    first = data.first_month.replace(day=1)
    payment = save_valid(
        DuesPayment(
            member=member,
            org=org,
            first_month=first,
            months=data.months,
            amount=to_fen(data.amount),
            method=data.method,
            reference=data.reference.strip(),
            paid_on=data.paid_on,
            received_by=data.received_by.strip(),
            receipt_number=data.receipt_number.strip(),
            note=data.note.strip(),
            recorded_by=actor,
        )
    )
    DuesPaidMonth.objects.bulk_create(
        DuesPaidMonth(payment=payment, member=member, month=add_months(first, i), amount=share)
        for i, share in enumerate(_split(data.amount, expected))
    )
    return payment


@action
def do_record_payment(*, member: Member, data: PaymentInput, actor: User) -> DuesPayment:
    """Record a payment of `member`'s dues at the home branch or at the inflow organization the
    member is checked in with (`data.org`; the first of those the actor works for if empty)."""
    return _write_payment(Member.objects.locked(member), data, actor)


@action
def do_record_payments(
    *, entries: Sequence[tuple[Member, PaymentInput]], actor: User
) -> list[DuesPayment]:
    """Record many payments at once (a branch's dues sheet for a month): all or none. The
    errors are keyed by the member's id and name the member."""
    errors: dict[str, list[str]] = {}
    saved: list[DuesPayment] = []
    for member, data in entries:
        try:
            saved.append(_write_payment(Member.objects.locked(member), data, actor))
        except ValidationError as exc:
            errors[str(member.pk)] = [f"{member.name}: {m}" for m in exc.messages]
    if errors:
        raise ValidationError(errors)
    return saved


def may_void_payment(user: User, payment: DuesPayment) -> bool:
    scope = user_scope(user)
    return not payment.is_voided and (
        scope.covers(payment.org.path, Action.CHANGE)
        or scope.covers(payment.member.home_org.path, Action.CHANGE)
    )


@action
def do_void_payment(*, payment: DuesPayment, reason: str, actor: User) -> DuesPayment:
    """Void a payment recorded by mistake: its months are owed again. Never deleted."""
    payment = (
        DuesPayment.objects.select_for_update()
        .select_related("org", "member__home_org")
        .get(pk=payment.pk)
    )
    if not may_void_payment(actor, payment):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the payment is voided.")})
    payment.voided_at = timezone.now()
    payment.void_reason = reason.strip()
    save_valid(payment, update_fields=["voided_at", "void_reason"])
    DuesPaidMonth.objects.filter(payment=payment).update(voided=True)
    return payment


# --- rates -------------------------------------------------------------------------------------


@dataclass
class BandInput:
    category: str
    income_over: Decimal = Decimal(0)
    income_up_to: Decimal | None = None
    percent: Decimal | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None


def _check_schedule(bands: Sequence[BandInput]) -> None:
    """Every category covered once, its income bands following each other from 0 to no limit."""
    for category in DuesCategory.values:
        rows = sorted((b for b in bands if b.category == category), key=lambda b: b.income_over)
        label = str(DuesCategory(category).label)
        if not rows:
            raise ValidationError(_("%(category)s has no band.") % {"category": label})
        if rows[0].income_over != 0 or rows[-1].income_up_to is not None:
            raise ValidationError(
                _("%(category)s: the bands start at 0 and the last has no upper limit.")
                % {"category": label}
            )
        for before, after in itertools.pairwise(rows):
            if before.income_up_to != after.income_over:
                raise ValidationError(
                    _("%(category)s: each band starts where the one before ends.")
                    % {"category": label}
                )


@action
def do_set_rates(
    *, county: Organization, effective_from: dt.date, bands: Sequence[BandInput], actor: User
) -> list[DuesRate]:
    """A county's own dues rates from `effective_from` (this month or later: no past month
    changes, and standards already set keep their amounts)."""
    if county.kind != OrgKind.COUNTY_COMMITTEE:
        raise ValidationError(_("Rates are set by a county committee."))
    require_change(actor, county)
    month = effective_from.replace(day=1)
    if month < this_month():
        raise ValidationError(
            {"effective_from": _("New rates start this month or later: past months keep theirs.")}
        )
    if DuesRate.objects.filter(county=county, effective_from=month).exists():
        raise ValidationError(
            {
                "effective_from": _("%(county)s has rates from %(month)s already.")
                % {"county": county.name, "month": _month_text(month)}
            }
        )
    _check_schedule(bands)
    return [
        save_valid(
            DuesRate(
                county=county,
                effective_from=month,
                category=band.category,
                income_over=band.income_over,
                income_up_to=band.income_up_to,
                percent=band.percent,
                amount_min=band.amount_min,
                amount_max=band.amount_max,
                created_by=actor,
            )
        )
        for band in bands
    ]


__all__ = [
    "BandInput",
    "PaymentInput",
    "StandardInput",
    "compute_standard",
    "do_confirm_review",
    "do_record_payment",
    "do_record_payments",
    "do_set_rates",
    "do_set_standard",
    "do_void_payment",
    "due_from",
    "expected_amounts",
    "may_record_payment",
    "may_void_payment",
    "payment_places",
]
