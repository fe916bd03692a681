"""Form plumbing shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404


class ScopedModelChoiceField(forms.ModelChoiceField):
    """A picker whose queryset is already narrowed to the user's scope.

    A posted id outside that queryset is not a typo a person can make from the form: it is a
    forged request, so it answers 404 (as a URL outside one's scope would) and nothing is saved.
    """

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if exc.code == "invalid_choice":
                raise Http404("Out of scope") from exc
            raise


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_action_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show an action's refusal on the form: field errors beside their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
