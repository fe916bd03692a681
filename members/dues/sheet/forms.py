"""The dues sheet's forms: which sheet (organization and month, from the query string), what all
the payments share (paid on, received by), and one small form per member's row, prefixed with
the member's id ("m<id>-amount"). The page writes the row inputs itself (a 100-member branch
would otherwise render 700 widget templates); these forms read and check the POST."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, MonthField, PlainSelect, parse_id
from members.models import DuesMethod
from members.models.dues import add_months, month_index


def _today() -> dt.date:
    return timezone.localdate()


class SheetQueryForm(forms.Form):
    """The sheet asked for: `org` (an id; a branch-level organization in scope) and `month`
    (YYYY-MM, from 1900 to as far ahead as dues may be paid). A value that is neither is a field
    error and the page shows the default (the user's own branch, this month): a report's
    filter, never a 500."""

    org = forms.CharField(label=_("Organization"), required=False, widget=PlainSelect)
    month = MonthField(label=_("Month"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget: Any = self.fields["org"].widget
        widget.choices = choices
        widget.attrs["class"] = "form-select form-select-sm"
        self.fields["month"].widget.attrs["class"] = "form-control form-control-sm"

    def clean_org(self) -> int | None:
        raw = self.cleaned_data.get("org") or ""
        if not raw:
            return None
        pk = parse_id(raw.strip())
        if pk is None:
            raise forms.ValidationError(_("Choose an organization from the list."))
        return pk

    def clean_month(self) -> dt.date | None:
        month: dt.date | None = self.cleaned_data.get("month")
        if month is None:
            return None
        latest = add_months(_today().replace(day=1), settings.DUES_MAX_MONTHS_AHEAD)
        if month_index(month) > month_index(latest):
            raise forms.ValidationError(
                _("Dues are paid at most %(max)d months ahead.")
                % {"max": settings.DUES_MAX_MONTHS_AHEAD}
            )
        return month

    def value(self, name: str) -> Any:
        """A valid value, or None (an invalid one is shown as an error, not applied)."""
        if not self.is_bound or name in self.errors:
            return None
        return self.cleaned_data.get(name)

    def offer(self, pk: int, name: str) -> None:
        """Keep the organization shown among the options (one past the picker's limit)."""
        widget: Any = self.fields["org"].widget
        if all(str(value) != str(pk) for value, _label in widget.choices):
            widget.choices = [*widget.choices, (pk, name)]


class SheetSharedForm(forms.Form):
    """What every payment recorded at once shares: the day received and who received it."""

    paid_on = DateField(label=_("Paid on"), initial=_today)
    received_by = forms.CharField(label=_("Received by"), max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"


class PaymentRowForm(forms.Form):
    """One member's payment on the sheet: ticked "paid", the months it covers from the sheet's
    month, the amount, how, the receipt number (and a transfer's reference), a note. The action
    checks the rest (the standard, months already paid, a receipt used twice)."""

    paid = forms.BooleanField(label=_("Paid"), required=False)
    months = forms.IntegerField(
        label=_("Months covered"),
        min_value=1,
        max_value=settings.DUES_MAX_MONTHS_PER_PAYMENT,
        required=False,
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=DuesMethod.choices, initial=DuesMethod.CASH, required=False
    )
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=32, required=False)
    reference = forms.CharField(
        label=_("Transfer or online reference"), max_length=64, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("paid"):
            for name in ("months", "amount"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(
                        name, _("Enter the %(field)s.") % {"field": self.fields[name].label}
                    )
            if not data.get("method"):
                data["method"] = DuesMethod.CASH
        return data

    def messages(self) -> list[str]:
        """The row's errors, each with its field's label, for the line under the row."""
        found: list[str] = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            found.extend(f"{label}: {error}" if label else str(error) for error in errors)
        return found
