"""Forms of what the branch records for the six-month rule. Plain forms: the actions check the
dates against each other and say which field is wrong; the date fields bound the years."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from oversight.models import Condition, ExemptionReason


def _today() -> dt.date:
    return timezone.localdate()


class ExemptionForm(forms.Form):
    condition = forms.ChoiceField(
        label=_("Condition excused"), choices=Condition.choices, initial=Condition.ALL
    )
    reason = forms.ChoiceField(label=_("Proper reason"), choices=ExemptionReason.choices)
    note = forms.CharField(
        label=_("Explanation"),
        max_length=300,
        help_text=_("Who approved it and on what grounds (e.g. the approval of a stay abroad)."),
    )
    starts_on = DateField(label=_("From"), plan=True, initial=_today)
    ends_on = DateField(label=_("Until"), plan=True)


class RevokeExemptionForm(forms.Form):
    revoke_reason = forms.CharField(label=_("Reason for revoking"), max_length=200)


class WorkForm(forms.Form):
    task = forms.CharField(label=_("Work assigned"), max_length=200)
    assigned_on = DateField(label=_("Assigned on"), initial=_today)
    due_on = DateField(
        label=_("Due by"),
        plan=True,
        required=False,
        help_text=_("If set, the six-month rule counts from this day instead of the day assigned."),
    )


class WorkDoneForm(forms.Form):
    done_on = DateField(label=_("Done on"), initial=_today)
    outcome = forms.CharField(label=_("Outcome"), max_length=300, required=False)


class VoidWorkForm(forms.Form):
    void_reason = forms.CharField(label=_("Reason for voiding"), max_length=200)
