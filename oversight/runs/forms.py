"""The button's form: as of today (Asia/Shanghai) unless the officer picks a recent day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField


class RunNowForm(forms.Form):
    as_of = DateField(
        label=_("As of"),
        required=False,
        help_text=_("Empty: today. A missed night can be run again for a recent day."),
    )

    def clean_as_of(self) -> dt.date:
        day: dt.date | None = self.cleaned_data.get("as_of")
        today = timezone.localdate()
        if day is None:
            return today
        # A run as of an older day would close, as cleared, the alerts whose breach began
        # since: only recent nights are run again.
        earliest = today - dt.timedelta(days=settings.OVERSIGHT_RUN_BACK_DAYS)
        if day < earliest:
            raise ValidationError(
                _("Choose a day from %(earliest)s to today."),
                code="as_of_too_early",
                params={"earliest": earliest.isoformat()},
            )
        return day

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()
