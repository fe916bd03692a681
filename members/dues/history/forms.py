"""Forms of a member's dues: a payment, the standard (with relief), voiding a payment.

The forms only parse what was typed; every rule of the 2008 dues rules (the bands, the fixed
ranges, relief on approval, months before the member joined, a payment that does not match the
standard) is the actions' (`members.dues.actions`), whose refusals the pages show on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, MonthField, ScopedModelChoiceField
from members.models import DuesCategory, DuesMethod, DuesRelief
from organizations.models import Organization


def _today() -> dt.date:
    return timezone.localdate()


def months_choices() -> list[tuple[int, str]]:
    """1 to the most a payment covers; a quarter and a year said as such."""
    named = {3: _("3 months (a quarter)"), 12: _("12 months (a year)")}
    return [
        (n, str(named.get(n, _("%(n)d months") % {"n": n})))
        for n in range(1, settings.DUES_MAX_MONTHS_PER_PAYMENT + 1)
    ]


def _amount(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, **kwargs)


class PaymentForm(forms.Form):
    """One payment of one member's dues. "Where paid" is asked only when the recorder may
    record at more than one place (the home branch and the inflow organization)."""

    first_month = MonthField(label=_("First month paid"))
    months = forms.TypedChoiceField(label=_("Months covered"), coerce=int, choices=())
    amount = _amount(
        _("Amount paid (yuan)"),
        help_text=_("Filled in with what the standard asks for these months."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=DuesMethod.choices)
    reference = forms.CharField(
        label=_("Transfer or online reference"),
        max_length=64,
        required=False,
        help_text=_("Required for a bank transfer or an online payment."),
    )
    paid_on = DateField(label=_("Paid on"), initial=_today)
    received_by = forms.CharField(label=_("Received by"), max_length=50)
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=32, required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("Required when the amount is not the standard's (and why)."),
    )
    org = ScopedModelChoiceField(
        label=_("Where paid"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, places: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        months: Any = self.fields["months"]
        months.choices = months_choices()
        if len(places) > 1:
            org: Any = self.fields["org"]
            org.queryset = Organization.objects.filter(pk__in=[p.pk for p in places])
            org.required = True
            org.empty_label = None
        else:
            del self.fields["org"]


class StandardForm(forms.Form):
    """A member's monthly standard from a month: the category, the base income (a share of it)
    or the amount chosen in a fixed range, and any reduction or exemption with its approval."""

    effective_from = MonthField(label=_("From month"))
    category = forms.ChoiceField(label=_("Category"), choices=DuesCategory.choices)
    base_income = _amount(
        _("Monthly base income (yuan)"),
        required=False,
        help_text=_(
            "Salaried: regular after-tax monthly salary of the previous year; retired: the "
            "monthly pension. Sensitive: shown to the home branch only."
        ),
    )
    amount = _amount(
        _("Monthly amount (yuan)"),
        required=False,
        help_text=_("Farmers: 0.20 to 1.00 yuan a month, as the branch decides; empty: 0.20."),
    )
    relief = forms.ChoiceField(
        label=_("Reduction or exemption"),
        choices=DuesRelief.choices,
        initial=DuesRelief.NONE,
        widget=forms.RadioSelect,
    )
    relief_amount = _amount(_("Reduced amount (yuan a month)"), required=False)
    relief_reason = forms.CharField(label=_("Reason for relief"), max_length=200, required=False)
    relief_approved_by = forms.CharField(
        label=_("Approved by"),
        max_length=100,
        required=False,
        help_text=_("The committee (and person) that approved the reduction or exemption."),
    )
    relief_approved_on = DateField(label=_("Approved on"), required=False)
    relief_until = MonthField(
        label=_("Relief until month"),
        required=False,
        help_text=_("Empty: as long as this standard holds."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class VoidPaymentForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for voiding"),
        max_length=200,
        help_text=_("Entered by mistake, entered twice, the wrong member or months…"),
    )
