"""The arrears pages' query string: the organization to show and "owing at least N months"
(and, for the dues ledger the arrears page exports, the year).

Both are read, never trusted: a value that is no number, an unknown choice or a number too large
for the database is a field error, and the page shows its default (the user's scope, one month).
An organization outside the user's scope is refused by the view (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.dues.queries import owed_thresholds
from members.models.dues import add_months

#: PostgreSQL's bigint: a larger id would be an error in the query, not a missing row.
MAX_ID = 2**63 - 1


def owed_choices() -> list[tuple[int, str]]:
    return [
        (n, ngettext("Owing %(n)d month or more", "Owing %(n)d months or more", n) % {"n": n})
        for n in owed_thresholds()
    ]


class ArrearsForm(forms.Form):
    org = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    owed = forms.TypedChoiceField(
        label=_("Show members"), required=False, coerce=int, choices=(), empty_value=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["owed"]
        field.choices = owed_choices()

    def value(self, name: str) -> Any:
        """A field's valid value, or None (an invalid value is ignored)."""
        if not self.is_bound or name in self.errors:
            return None
        return self.cleaned_data.get(name)

    @property
    def owed_months(self) -> int:
        value: int | None = self.value("owed")
        return value or 1


#: The year of the 2008 dues rules (《关于中国共产党党费收缴、使用和管理的规定》): the first
#: a dues ledger is written for.
FIRST_LEDGER_YEAR = 2008


def ledger_years(today: dt.date | None = None) -> tuple[int, int]:
    """The first and last year a dues ledger may be asked for: from the 2008 dues rules to the
    last year dues may be paid ahead into (settings.DUES_MAX_MONTHS_AHEAD)."""
    today = today or timezone.localdate()
    latest = add_months(today.replace(day=1), settings.DUES_MAX_MONTHS_AHEAD)
    return FIRST_LEDGER_YEAR, latest.year


class DuesLedgerForm(ArrearsForm):
    """The arrears page's query string with the dues ledger's year (the page's export form
    asks for it): a year outside `ledger_years` is a field error and the ledger is this
    year's, as a bad organization gives the page's default one."""

    year = forms.IntegerField(label=_("Year"), required=False)

    def clean_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("year")
        if year is None:
            return None
        first, last = ledger_years()
        if not first <= year <= last:
            raise forms.ValidationError(
                _("Choose a year from %(first)d to %(last)d.") % {"first": first, "last": last}
            )
        return year
