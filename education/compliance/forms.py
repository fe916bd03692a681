"""The compliance pages' filters: the day to judge as of, and (on the table) the organization."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, PlainSelect
from core.scoping import Action
from core.types import AnyUser
from organizations.models import COMMITTEE_KINDS, Organization, OrgKind

#: Most organizations offered in the picker (any organization in scope is still accepted).
ORG_OPTIONS_LIMIT = 300


class AsOfForm(forms.Form):
    """The day the colours are judged as of: today unless a past day is chosen. A date that
    is no date, in the future or before 1900 is a field error, and the page shows today."""

    as_of = DateField(label=_("As of"), required=False)

    def value(self, name: str) -> Any:
        """A filter's valid value, or None (an invalid filter is shown, not applied)."""
        if not self.is_bound or name in self.errors:  # `errors` cleans the form once
            return None
        return self.cleaned_data.get(name) or None

    @property
    def as_of_day(self) -> dt.date:
        day: dt.date | None = self.value("as_of")
        return day or timezone.localdate()


class ComplianceTableForm(AsOfForm):
    """The table's filters: the day, and a township, county or general branch in the user's
    scope (all of the scope when none is chosen). An id outside the scope, or no id at all,
    is ignored with a field error: the page is a report, not a change, so nothing is forged
    into anything."""

    org = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("Organization"),
        empty_label=_("All in my scope"),
        widget=PlainSelect,
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["org"]
        field.queryset = Organization.objects.visible_to(user, Action.VIEW).order_by("path")
        # The options: the committees and general branches in scope (a table has branches).
        places = field.queryset.filter(
            kind__in=COMMITTEE_KINDS | {OrgKind.GENERAL_BRANCH}
        ).values_list("pk", "depth", "name")[:ORG_OPTIONS_LIMIT]
        places = list(places)
        top = min((depth for _pk, depth, _name in places), default=1)
        field.widget.choices = [
            ("", _("All in my scope")),
            *((pk, f"{'　' * (depth - top)}{name}") for pk, depth, name in places),
        ]

    def offer(self, org: Organization) -> None:
        """Keep a chosen organization among the options (a branch, or one past the limit)."""
        widget: Any = self.fields["org"].widget
        if all(str(value) != str(org.pk) for value, _label in widget.choices):
            widget.choices = [*widget.choices, (org.pk, org.name)]
