"""A member's dues (党费): the history page, recording a payment, setting the standard, voiding a
payment.

The 2008 dues rules (《关于中国共产党党费收缴、使用和管理的规定》): every month a share of the
regular income, or a fixed small amount, set at the start of the year; reduced or exempted on
approval; probationary members pay from the month they are admitted; mobile members pay monthly
or quarterly, at home or at the inflow organization, which records it on its side and it counts
at home. The page shows "dues paid up to" (党费交至) and the months owed as
`Member.objects.with_dues` derives them; the writes are `members.dues.actions`'."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from core.forms import prefill
from core.scoping import Action
from core.views import ScopedActionFormView, ScopedMixin
from members import access
from members.dues import actions as acts
from members.dues.history.forms import PaymentForm, StandardForm, VoidPaymentForm
from members.dues.history.queries import month_list, months_of, owed_css, span
from members.models import DuesCategory, DuesPayment, DuesRelief, DuesStandard, Member
from members.models.choices import DUES_CATEGORY_OF
from members.models.dues import add_months, to_fen
from members.pages import MemberActionView
from organizations.models import Organization

#: The history's grid: this year and the two before it.
GRID_YEARS_BEFORE = 2


def month_text(month: dt.date) -> str:
    return _("%(year)d-%(month)02d") % {"year": month.year, "month": month.month}


def history_url(member: Member | int) -> str:
    return reverse("members:member_dues", args=[getattr(member, "pk", member)])


@dataclass(frozen=True)
class Cell:
    """One month of the grid: its state (paid, owed, exempt, not due, upcoming: due but not
    overdue yet), the amount due, and the payment that paid it (if visible)."""

    month: dt.date
    state: str
    due: Decimal | None
    paid: Decimal | None
    payment: DuesPayment | None


def grid(
    member: Member, payments: dict[int, DuesPayment], today: dt.date
) -> list[tuple[int, list[Cell]]]:
    """The months of this year and the two before, by year (one query)."""
    start, end = span(today, GRID_YEARS_BEFORE)
    rows = months_of(member, start, end)
    current = today.replace(day=1)
    years: dict[int, list[Cell]] = {}
    for month in month_list(start, end):
        row = rows.get(month)
        due = to_fen(Decimal(row.due)) if row and row.due is not None else None
        if row is not None and row.payment_id is not None:
            state = "paid"
        elif due is None:
            state = "not_due"
        elif due == 0:
            state = "exempt"
        elif month < current:
            state = "owed"
        else:
            state = "upcoming"
        payment = payments.get(row.payment_id) if row and row.payment_id else None
        cell = Cell(month, state, due, row.paid if row else None, payment)
        years.setdefault(month.year, []).append(cell)
    return sorted(years.items(), reverse=True)


class MemberDuesView(ScopedMixin, DetailView[Any]):
    """The member's dues history: paid up to, months and amount owed, the standards, a grid of
    the last three years' months, and every payment (those received at the inflow organization
    too); the base income only for the home side (it is sensitive)."""

    model = Member
    template_name = "members/dues/history/history.html"
    context_object_name = "member"

    def get_queryset(self) -> Any:
        scoped: Any = super().get_queryset()
        return scoped.select_related("home_org").with_dues(timezone.localdate())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        member: Member = self.object
        user = self.actor
        today = timezone.localdate()
        payments = list(DuesPayment.objects.visible_to(user).of_member(member))
        for payment in payments:
            payment.member = member  # read with the page's member: no query per payment
        context.update(
            dues=member.dues,
            today=today,
            can_change=access.may_change(user, member),
            can_pay=acts.may_record_payment(user, member),
            standards=list(DuesStandard.objects.of_member(member)),
            payments=[
                (p, p.org_id != member.home_org_id, acts.may_void_payment(user, p))
                for p in payments
            ],
            grid=grid(member, {p.pk: p for p in payments}, today),
            owed_css=owed_css(member.dues.months_owed),
        )
        return context


def first_month_to_pay(member: Member) -> dt.date:
    """Where a new payment starts: the first month owed; otherwise the month after the month
    paid up to; otherwise this month (or the month the member became due, if later)."""
    dues = member.dues
    if dues.first_owed is not None:
        return dues.first_owed
    if dues.paid_until is not None:
        return add_months(dues.paid_until, 1)
    return max(timezone.localdate().replace(day=1), acts.due_from(member))


class PayDuesView(MemberActionView):
    """Record one payment of the member's dues: the home branch's changers, or those of the
    inflow organization the member is checked in with (`may_record_payment`); whoever else sees
    the member gets 403. "Compute" fills in the amount the standard asks for the months chosen,
    saving nothing."""

    scope_action = Action.VIEW
    template_name = "members/dues/history/pay.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().with_dues(timezone.localdate())

    def check_object_action(self, obj: Model) -> None:
        super().check_object_action(obj)
        assert isinstance(obj, Member)
        self.places: list[Organization] = acts.payment_places(self.actor, obj)
        if not self.places:
            raise PermissionDenied

    def expected(self, first: dt.date | None, months: int | None) -> list[tuple[dt.date, Decimal]]:
        if first is None or not months:
            return []
        amounts = acts.expected_amounts(self.object, first, months) or []
        return [(add_months(first, i), amount) for i, amount in enumerate(amounts)]

    def get_form(self, data: Any = None) -> PaymentForm:
        first = first_month_to_pay(self.object)
        self.breakdown = [] if data is not None else self.expected(first, 1)
        initial: dict[str, Any] = {"first_month": first, "months": 1}
        if self.breakdown:
            initial["amount"] = sum((a for _m, a in self.breakdown), Decimal(0))
        return PaymentForm(data, places=self.places, initial=initial)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("step") != "compute":
            return super().post(request, *args, **kwargs)
        self.object = self.get_object()
        probe = PaymentForm(request.POST, places=self.places)
        probe.is_valid()
        self.breakdown = self.expected(
            probe.cleaned_data.get("first_month"), probe.cleaned_data.get("months")
        )
        initial = prefill(request.POST, PaymentForm.base_fields, drop=["amount"])
        if self.breakdown:
            initial["amount"] = sum((a for _m, a in self.breakdown), Decimal(0))
        return self.render_form(PaymentForm(initial=initial, places=self.places))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            dues=self.object.dues,
            breakdown=getattr(self, "breakdown", []),
            breakdown_total=sum((a for _m, a in getattr(self, "breakdown", [])), Decimal(0)),
        )
        return context

    def perform(self, form: PaymentForm) -> None:
        self.payment = acts.do_record_payment(
            actor=self.actor, member=self.object, data=acts.PaymentInput(**form.cleaned_data)
        )

    def get_success_message(self) -> str:
        payment = self.payment
        return _(
            "Dues of %(name)s recorded: %(months)d month(s) from %(first)s, %(amount)s yuan, "
            "at %(org)s."
        ) % {
            "name": self.object.name,
            "months": payment.months,
            "first": month_text(payment.first_month),
            "amount": payment.amount,
            "org": payment.org.name,
        }

    def get_success_url(self) -> str:
        return history_url(self.object)


class SetStandardView(MemberActionView):
    """Set the member's monthly standard from a month (the home side only): the category (the
    personnel category suggests one), the base income or the amount in a fixed range, and any
    reduction or exemption approved for hardship. The computed amount is said after saving."""

    # Seen but not the home side: 403 from `may_change` (one check, not a second scope query).
    scope_action = Action.VIEW
    template_name = "members/dues/history/standard.html"

    def check_object_action(self, obj: Model) -> None:
        super().check_object_action(obj)
        assert isinstance(obj, Member)
        if not access.may_change(self.actor, obj):
            raise PermissionDenied

    def get_form(self, data: Any = None) -> StandardForm:
        member: Member = self.object
        self.latest = DuesStandard.objects.of_member(member).first()
        this_month = timezone.localdate().replace(day=1)
        initial: dict[str, Any]
        if self.latest is not None:
            initial = {
                "effective_from": max(this_month, self.latest.effective_from),
                "category": self.latest.category,
                "base_income": self.latest.base_income,
                "amount": None if self.latest.base_income is not None else self.latest.amount,
            }
        else:
            initial = {
                "effective_from": max(this_month.replace(month=1), acts.due_from(member)),
                "category": DUES_CATEGORY_OF.get(member.personnel_category, DuesCategory.SALARIED),
            }
        return StandardForm(data, initial=initial)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(latest=self.latest, **kwargs)

    def perform(self, form: StandardForm) -> None:
        data = dict(form.cleaned_data)
        month = data.pop("effective_from")
        self.standard = acts.do_set_standard(
            actor=self.actor,
            member=self.object,
            effective_from=month,
            data=acts.StandardInput(**data),
        )

    def get_success_message(self) -> str:
        standard = self.standard
        message = _(
            "Dues standard of %(name)s set: from %(month)s, %(amount)s yuan a month (%(band)s)."
        ) % {
            "name": self.object.name,
            "month": month_text(standard.effective_from),
            "amount": standard.amount,
            "band": standard.rate.describe(),
        }
        if standard.relief == DuesRelief.EXEMPT:
            message += " " + _("Exempt on approval.")
        elif standard.relief == DuesRelief.REDUCED:
            message += " " + _("Reduced on approval to %(amount)s yuan a month.") % {
                "amount": standard.relief_amount
            }
        return message

    def get_success_url(self) -> str:
        return history_url(self.object)


class VoidPaymentView(ScopedActionFormView):
    """Void a payment recorded by mistake, with the reason: its months are owed again. The
    organization that received it or the home side (`may_void_payment`); anyone else who sees
    it gets 403."""

    model = DuesPayment
    context_object_name = "payment"
    template_name = "members/dues/history/void.html"
    success_message = gettext_lazy("Payment voided: its months are owed again.")

    def get_queryset(self) -> QuerySet[DuesPayment]:
        return self.scoped(Action.VIEW).select_related("org", "member__home_org", "recorded_by")

    def check_object_action(self, obj: Model) -> None:
        assert isinstance(obj, DuesPayment)
        if not acts.may_void_payment(self.actor, obj):
            raise PermissionDenied

    def get_form(self, data: Any = None) -> VoidPaymentForm:
        return VoidPaymentForm(data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(member=self.object.member, **kwargs)

    def perform(self, form: VoidPaymentForm) -> None:
        acts.do_void_payment(
            actor=self.actor, payment=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_url(self) -> str:
        return history_url(self.object.member_id)
