"""A county's new dues schedule: the month it takes effect and its bands, starting from a copy
of the bands in force. Whether the bands fit together is the action's to say
(`do_set_rates`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MonthField
from members.models import DuesCategory, DuesRate

#: Blank rows under the bands copied, to add a band.
EXTRA_BANDS = 2

NUMBER = {"inputmode": "decimal", "class": "form-control form-control-sm", "step": "any"}


class RatesForm(forms.Form):
    effective_from = MonthField(
        label=_("effective from"),
        help_text=_("This month or later: months before keep the rates they had."),
    )


class BandForm(forms.Form):
    """One band; a row left without a category is not a band (the blank rows)."""

    category = forms.ChoiceField(
        label=_("category"),
        choices=[("", "---------"), *DuesCategory.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    income_over = forms.DecimalField(
        label=_("income above (yuan)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    income_up_to = forms.DecimalField(
        label=_("income up to (yuan)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    percent = forms.DecimalField(
        label=_("percentage of income"),
        required=False,
        max_digits=5,
        decimal_places=3,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    amount_min = forms.DecimalField(
        label=_("fixed amount from (yuan)"),
        required=False,
        max_digits=8,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    amount_max = forms.DecimalField(
        label=_("fixed amount up to (yuan)"),
        required=False,
        max_digits=8,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs=NUMBER),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("category"):
            return data
        percent = data.get("percent")
        low, high = data.get("amount_min"), data.get("amount_max")
        if percent is None and (low is None or high is None):
            raise forms.ValidationError(
                _("Give a band either a percentage or a fixed amount range (from and up to).")
            )
        if percent is not None and (low is not None or high is not None):
            raise forms.ValidationError(
                _("A band has a percentage or a fixed amount range, not both.")
            )
        if low is not None and high is not None and high < low:
            raise forms.ValidationError(_("The fixed amount's upper bound is below its lower."))
        up_to = data.get("income_up_to")
        if up_to is not None and up_to <= (data.get("income_over") or 0):
            raise forms.ValidationError(_("A band's upper income is above its lower income."))
        if data.get("income_over") is None:
            data["income_over"] = 0
        return data


BandFormSet = forms.formset_factory(BandForm, extra=EXTRA_BANDS, max_num=60, absolute_max=60)


def band_initial(rates: list[DuesRate]) -> list[dict[str, Any]]:
    """The bands in force, as the form's starting rows."""
    return [
        {
            "category": rate.category,
            "income_over": rate.income_over,
            "income_up_to": rate.income_up_to,
            "percent": rate.percent,
            "amount_min": rate.amount_min,
            "amount_max": rate.amount_max,
        }
        for rate in rates
    ]
