"""The mobile members' lists' filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import ScopedModelChoiceField
from core.scoping import Action
from core.types import AnyUser
from organizations.models import Organization
from organizations.scope import user_scope

#: Most organizations rendered in the picker (any organization in scope is still accepted).
ORG_OPTIONS_LIMIT = 300


class MobileListForm(forms.Form):
    """The lists' filters: search by name, an organization in scope, and for the list of
    members not checked in, after how many days."""

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    org = ScopedModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("Organization"),
        empty_label=_("All in my scope"),
    )
    days = forms.IntegerField(
        label=_("Days after leaving"), required=False, min_value=1, max_value=3650
    )

    def __init__(self, *args: Any, user: AnyUser, with_days: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.visible_to(user, Action.VIEW).order_by("path")
        )
        if not with_days:
            del self.fields["days"]
        else:
            self.fields["days"].widget.attrs["placeholder"] = str(
                settings.MOBILE_CHECK_IN_GRACE_DAYS
            )
        self._limit_org_options(user)

    def _limit_org_options(self, user: AnyUser) -> None:
        """Offer the top levels of a large scope, not thousands of options (one query)."""
        field = self.fields["org"]
        queryset = field.queryset  # type: ignore[attr-defined]
        top = min((role.organization.depth for role in user_scope(user).roles), default=1)
        orgs = list(queryset.filter(depth__lte=top + 2)[:ORG_OPTIONS_LIMIT])
        options = [(org.pk, f"{'　' * (org.depth - top)}{org.name}") for org in orgs]
        field.widget.choices = [("", _("All in my scope")), *options]

    def offer(self, org: Organization) -> None:
        """Keep a chosen organization among the options even when it lies deeper."""
        widget: Any = self.fields["org"].widget
        if all(value != org.pk for value, _label in widget.choices):
            widget.choices = [*widget.choices, (org.pk, org.name)]

    def value(self, name: str) -> Any:
        """A filter's valid value, or None (an invalid filter is shown, not applied)."""
        if not self.is_bound or name in self.errors:  # `errors` cleans the form once
            return None
        return self.cleaned_data.get(name) or None
