"""The yearly review's one row per member: the category, the base income (for a share) or the
amount chosen in a fixed range. Amounts are checked by the action (`compute_standard`), which
refuses in words what a form field would refuse in its own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import DuesCategory

#: The amount fields: any decimal typed reaches the action, which says what is wrong with it.
AMOUNT_ATTRS = {"inputmode": "decimal", "class": "form-control form-control-sm", "step": "any"}


class ReviewEntryForm(forms.Form):
    """One member's line of the review, its fields prefixed by the member's id."""

    category = forms.ChoiceField(
        label=_("category"),
        choices=DuesCategory.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    base_income = forms.DecimalField(
        label=_("monthly base income (yuan)"),
        required=False,
        max_digits=14,
        widget=forms.NumberInput(attrs=AMOUNT_ATTRS),
    )
    amount = forms.DecimalField(
        label=_("amount chosen (yuan)"),
        required=False,
        max_digits=10,
        widget=forms.NumberInput(attrs=AMOUNT_ATTRS),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-label", str(field.label))
            field.widget.attrs["id"] = f"id_{self.prefix}-{name}"
