"""Form plumbing shared by every app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.http import Http404, HttpRequest, QueryDict
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

from core.validators import (
    DateBounds,
    normalize_id_number,
    normalize_phone,
    validate_mobile_phone,
)


class ScopedModelChoiceField(forms.ModelChoiceField[Any]):
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


class ScopedModelMultipleChoiceField(forms.ModelMultipleChoiceField[Any]):
    """`ScopedModelChoiceField` for several records: a posted id outside the queryset (already
    narrowed to scope) is a forged request, answered 404 with nothing saved."""

    def _check_values(self, value: Any) -> Any:
        try:
            return super()._check_values(value)  # type: ignore[misc]
        except ValidationError as exc:
            if exc.code in {"invalid_choice", "invalid_pk_value"}:
                raise Http404("Out of scope") from exc
            raise


class IdNumberField(forms.CharField):
    """An ID-card number as typed anywhere (the member form, check-in, found members, searches):
    full-width or other scripts' digits and spaces become the ASCII number before any check, so
    one person has one number and the duplicate check sees it. Validating it is the caller's
    choice (a lookup answers "not found" for a wrong number rather than explaining why)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off"})

    def to_python(self, value: Any) -> str:
        return normalize_id_number(str(super().to_python(value)))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # The typed number may be longer than 18 characters before spaces are taken out.
        return {k: v for k, v in super().widget_attrs(widget).items() if k != "maxlength"}


class PhoneField(forms.CharField):
    """A phone number as typed: ASCII digits, spaces taken out. `mobile` (the default) checks
    for a mainland mobile number; a landline field keeps its hyphen."""

    def __init__(self, *, mobile: bool = True, **kwargs: Any) -> None:
        if mobile:
            kwargs["validators"] = [*kwargs.get("validators", ()), validate_mobile_phone]
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric" if mobile else "tel"})

    def to_python(self, value: Any) -> str:
        return normalize_phone(str(super().to_python(value)))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {k: v for k, v in super().widget_attrs(widget).items() if k != "maxlength"}


class PlainSelect(forms.Select):
    """A <select> written out in Python: the markup of Django's own, without rendering a
    template for every <option> (a scope's organization picker has dozens to hundreds, and the
    member list shows seven pickers on every page). Grouped or multiple choices render as
    Django renders them."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        choices = list(self.choices)
        if self.allow_multiple_selected or any(isinstance(c[1], list | tuple) for c in choices):
            return super().render(name, value, attrs, renderer)
        selected = self.format_value(value)
        options = []
        for option_value, label in choices:
            key = "" if option_value is None else str(option_value)
            chosen = bool(selected) and key in selected
            if chosen:
                selected = []  # as Django does: only the first matching option is selected
            options.append(
                f'\n  <option value="{escape(key)}"{" selected" if chosen else ""}>'
                f"{conditional_escape(str(label))}</option>"
            )
        html = format_html(
            '<select name="{}"{}>', name, flatatt(self.build_attrs(self.attrs, attrs))
        )
        return mark_safe(f"{html}{''.join(options)}\n</select>")  # noqa: S308  # escaped above


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m")


class DateField(forms.DateField):
    """Every date a person types in a form that is not a model's (a model's date fields carry
    the same rule as validators): `core.validators.DateBounds`, a date something happened on
    unless `plan` says it is planned."""

    widget: type[forms.Widget] = DateInput

    def __init__(self, *, plan: bool = False, **kwargs: Any) -> None:
        kwargs["validators"] = [*kwargs.get("validators", ()), DateBounds(plan=plan)]
        super().__init__(**kwargs)


class MonthField(DateField):
    """A year and month ("dues paid up to"), kept as the first day of the month: the one month
    field of every form (certificates, transfers, dues). Dues may be paid ahead: a plan."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(plan=True, **kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


#: The longest query-string value a page's own search reads: longer is cut, not an error.
QUERY_MAX_LENGTH = 100


def query_text(request: HttpRequest, name: str) -> str:
    """A search box's value from the query string, as text a filter can use: NUL characters
    (which PostgreSQL refuses in a query) taken out, spaces stripped, cut to QUERY_MAX_LENGTH.
    A hostile value is then just a search that finds nothing, never a 500."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:QUERY_MAX_LENGTH]


def parse_id(value: str | None) -> int | None:
    """A record's id typed in a query string, or None: ASCII digits only ("²".isdigit() is true
    but int("²") fails) and no longer than an id can be."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def query_id(request: HttpRequest, name: str) -> int | None:
    """`parse_id` of one query-string value."""
    return parse_id(request.GET.get(name))


def prefill(data: QueryDict, fields: Iterable[str], *, drop: Iterable[str] = ()) -> dict[str, Any]:
    """Posted values as a new form's initial values (nothing is validated or saved): a page
    that carries what was typed to the next step."""
    return {name: data.get(name) for name in fields if name in data and name not in set(drop)}


def add_action_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show an action's refusal on the form: field errors beside their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


F = TypeVar("F", bound=forms.BaseForm)


def form_for(
    form_class: type[F],
    request: HttpRequest,
    *,
    steps: Mapping[str, Iterable[str]] | None = None,
    **kwargs: Any,
) -> F:
    """The form a page shows for `request`: bound to its POST; or, when the POST is one of
    `steps` ("suggest" for what was typed, "prefill" carried from another page), filled in from
    it without validating or acting, less the fields the step names."""
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if steps and step in steps:
        fields: Iterable[str] = getattr(form_class, "base_fields")  # noqa: B009 - set by the form's metaclass
        initial = prefill(request.POST, fields, drop=steps[step])
        return form_class(initial=initial, **kwargs)
    return form_class(request.POST or None, **kwargs)


class FormFilter:
    """A list page's plain filter form in the shape of a django-filter FilterSet (`is_bound`,
    `is_valid()`, `form`), so that a ledger exporting the page's rows can say the filter in
    words with `ledgers.registry.filter_words` as the roster does with its FilterSet.

    `partial`: the page applies each valid field of an invalid form (the mobile members' lists:
    a search too long is ignored, the organization still applies), so the words are those of
    the fields that cleaned (a form's `cleaned_data` keeps only those); otherwise an invalid
    form applied no filter and has no words."""

    def __init__(self, form: forms.BaseForm, *, partial: bool = False) -> None:
        self.form = form
        self.partial = partial

    @property
    def is_bound(self) -> bool:
        return self.form.is_bound

    def is_valid(self) -> bool:
        return self.form.is_valid() or (self.partial and self.form.is_bound)
