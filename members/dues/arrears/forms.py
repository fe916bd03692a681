"""The arrears pages' query string: the organization to show and "owing at least N months".

Both are read, never trusted: a value that is no number, an unknown choice or a number too large
for the database is a field error, and the page shows its default (the user's scope, one month).
An organization outside the user's scope is refused by the view (404)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.dues.queries import owed_thresholds

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
