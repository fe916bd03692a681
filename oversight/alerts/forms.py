"""The alert list's filters (a GET form: a bad value is shown and ignored, never a 500) and
the reason a person resolves or dismisses an alert with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.forms import PlainSelect, parse_id
from core.scoping import Action
from core.types import AnyUser
from organizations.models import Organization
from organizations.scope import user_scope
from oversight import rules
from oversight.alerts.queries import LIVE, STATUS_CHOICES, Age, AlertFilters
from oversight.alerts.words import group_title, groups
from oversight.models import Severity

#: Most organizations rendered in the picker (any organization in scope is still accepted).
ORG_OPTIONS_LIMIT = 300


class AlertFilterForm(forms.Form):
    q = forms.CharField(label=_("Member's name"), required=False, max_length=50)
    group = forms.ChoiceField(label=_("Rule group"), required=False, widget=PlainSelect)
    rule = forms.ChoiceField(label=_("Rule"), required=False, widget=PlainSelect)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=STATUS_CHOICES, widget=PlainSelect
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), *Severity.choices],
        widget=PlainSelect,
    )
    age = forms.ChoiceField(
        label=_("Found"), required=False, choices=[("", _("Any time")), *Age.choices]
    )
    org = forms.CharField(label=_("Organization"), required=False, widget=PlainSelect)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        group_field: Any = self.fields["group"]
        group_field.choices = [("", _("All groups")), *((g, group_title(g)) for g in groups())]
        rule_field: Any = self.fields["rule"]
        rule_field.choices = [
            ("", _("All rules")),
            *((code, str(found.title)) for code, found in rules.RULES.items()),
        ]
        self.fields["org"].widget.choices = self._org_options()

    def _org_options(self) -> list[tuple[Any, str]]:
        """The top levels of the user's scope (read once per request with the scope)."""
        scope = user_scope(self.user)
        options: list[tuple[Any, str]] = [("", str(_("All in my scope")))]
        if scope.is_superuser:
            return options
        rows = scope.organization_rows(Action.VIEW)
        top = min((row.depth for row in rows), default=1)
        options += [
            (row.pk, f"{'　' * (row.depth - top)}{row.name}")
            for row in rows
            if row.depth <= top + 2
        ][:ORG_OPTIONS_LIMIT]
        return options

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"]
        return text.replace("\x00", "").strip()

    def clean_org(self) -> Organization | None:
        """An organization in the user's scope; a well-formed id outside it is a forged
        request (404), anything else not an id at all (shown, ignored)."""
        value = self.cleaned_data["org"]
        if not value:
            return None
        pk = parse_id(value)
        if pk is None:
            raise ValidationError(_("Choose an organization from the list."), code="invalid")
        found: Organization | None = (
            Organization.objects.visible_to(self.user).filter(pk=pk).first()
        )
        if found is None:
            raise Http404("Out of scope")
        widget: Any = self.fields["org"].widget
        if all(str(option) != str(pk) for option, _label in widget.choices):
            widget.choices = [*widget.choices, (found.pk, found.name)]
        return found

    def _value(self, name: str) -> Any:
        """A filter's valid value, or None (an invalid filter is shown, not applied)."""
        if not self.is_bound or name in self.errors:  # `errors` cleans the form once
            return None
        return self.cleaned_data.get(name) or None

    def filters(self) -> AlertFilters:
        return AlertFilters(
            rule=self._value("rule") or "",
            group=self._value("group") or "",
            status=self._value("status") or LIVE,
            severity=self._value("severity"),
            age=self._value("age") or "",
            organization=self._value("org"),
            search=self._value("q") or "",
        )


class ReasonForm(forms.Form):
    """Why a person resolves or dismisses an alert (required to dismiss)."""

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"]
        return reason.replace("\x00", "").strip()
