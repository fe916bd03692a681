"""The report list's date picker: read, never trusted. A value that is no date (full-width
digits, a NUL, a year PostgreSQL or Python cannot hold) is a field error and the list shows the
latest reports instead."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import pgettext_lazy


class ReportDateForm(forms.Form):
    as_of = forms.DateField(label=pgettext_lazy("nightly report", "Reports as of"), required=False)

    @property
    def day(self) -> dt.date | None:
        """The valid date asked for, or None."""
        if not self.is_bound or not self.is_valid():
            return None
        value: dt.date | None = self.cleaned_data.get("as_of")
        return value
