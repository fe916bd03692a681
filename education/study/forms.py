"""Forms of classified and online education: a column item, the column's and the hours list's
filters, a study record, "read by", and a member's branch post."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import (
    DateField,
    DateInput,
    ScopedModelChoiceField,
    ScopedModelMultipleChoiceField,
)
from core.scoping import Action
from core.types import AnyUser
from core.validators import ascii_digits
from education.models import (
    Audience,
    BranchPost,
    BranchPostKind,
    ColumnItem,
    ColumnItemKind,
    StudyKind,
)
from education.models.study import PUBLISHER_KINDS, item_hours, positive_hours
from members.models import Member
from organizations.models import Organization
from organizations.scope import user_scope

#: Most organizations a picker renders (a county has about 150).
ORG_OPTIONS_LIMIT = 300


def _today() -> dt.date:
    return timezone.localdate()


class HoursField(forms.DecimalField):
    """Study hours as typed: full-width digits read as ASCII (a full-width 2.5 is 2.5), one
    decimal, more than 0 and at most 24 (a clear reason otherwise, never a 500)."""

    def __init__(self, *, rule: Callable[[Decimal], None] = positive_hours, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 3)
        kwargs.setdefault("decimal_places", 1)
        self.rule = rule
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "step": "0.5"})

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = ascii_digits(value)
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        # The hours' own reasons before the digits': "24.1" is above a day, not "too long".
        if value is not None and value.is_finite():
            self.rule(value)
        super().validate(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # Typed values are checked here, with our words, not refused by the browser.
        return {k: v for k, v in super().widget_attrs(widget).items() if k not in ("max", "min")}


class OrganizationsField(ScopedModelMultipleChoiceField):
    """Organizations chosen among those offered."""


class MembersField(ScopedModelMultipleChoiceField):
    """Members chosen among those offered, as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.home_org.name}"


def publishing_organizations(user: AnyUser) -> QuerySet[Organization]:
    """Where `user` may publish: active committees and branch-level organizations in their
    change scope, in tree order."""
    places: QuerySet[Organization] = (
        Organization.objects.visible_to(user, Action.CHANGE)
        .active()
        .filter(kind__in=PUBLISHER_KINDS)
        .order_by("path")
    )
    return places


class ColumnItemForm(forms.ModelForm[ColumnItem]):
    """A notice or study material: the publisher (on publishing only), the text, the hours, the
    audience and, for "chosen organizations", which."""

    link = forms.URLField(
        label=_("link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("A video or a page to study online (http or https)."),
    )
    organizations = OrganizationsField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("Chosen organizations"),
        help_text=_("For the audience “chosen organizations”: they and those below them."),
    )

    class Meta:
        model = ColumnItem
        fields = ColumnItem.FIELDS
        widgets = {
            "published_on": DateInput(),
            "body": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, user: AnyUser, publish: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = publishing_organizations(user)
        if publish:
            self.fields["organization"] = ScopedModelChoiceField(
                queryset=places, label=_("Published by")
            )
            self.order_fields(["organization"])
            self.initial.setdefault("published_on", _today())
        chosen = Organization.objects.visible_to(user, Action.CHANGE).active().order_by("path")
        self.fields["organizations"].queryset = chosen  # type: ignore[attr-defined]
        self.fields["organizations"].widget.attrs["size"] = "6"
        self.fields["study_hours"] = HoursField(
            rule=item_hours,
            required=False,
            label=_("Study hours"),
            help_text=_("What reading it is worth as study (0 for a notice)."),
        )
        if self.instance.pk:
            self.initial["organizations"] = list(self.instance.organizations.all())

    def clean_study_hours(self) -> Decimal:
        value: Decimal | None = self.cleaned_data.get("study_hours")
        return Decimal(0) if value is None else value

    def action_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organizations"] = list(data.get("organizations") or [])
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), max_length=200)


class ColumnFilter(forms.Form):
    """The column's filters: audience and kind (an unknown value is a field error, not applied)."""

    audience = forms.ChoiceField(
        label=_("Audience"), required=False, choices=[("", _("All")), *Audience.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ColumnItemKind.choices]
    )


class OrgFilter(forms.Form):
    """An organization in scope to narrow a list to (a forged id: 404)."""

    org = ScopedModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("Organization"),
        empty_label=_("All in my scope"),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Organization.objects.visible_to(user, Action.VIEW).order_by("path")
        field = self.fields["org"]
        field.queryset = queryset  # type: ignore[attr-defined]
        # Offer the top levels of a large scope, not thousands of options (one query).
        top = min((role.organization.depth for role in user_scope(user).roles), default=1)
        rows = list(queryset.filter(depth__lte=top + 2)[:ORG_OPTIONS_LIMIT])
        field.widget.choices = [
            ("", _("All in my scope")),
            *((o.pk, f"{'　' * max(o.depth - top, 0)}{o.name}") for o in rows),
        ]

    def value(self, name: str) -> Any:
        """A filter's valid value, or None (an invalid filter is shown, not applied)."""
        if not self.is_bound or name in self.errors:
            return None
        return self.cleaned_data.get(name) or None

    def chosen(self) -> Organization | None:
        """The organization chosen (kept among the options even when it lies deeper)."""
        if self.is_bound:
            self.is_valid()  # a forged organization id answers 404 here, before any row is read
        org: Organization | None = self.value("org")
        widget: Any = self.fields["org"].widget
        if org is not None and all(value != org.pk for value, _label in widget.choices):
            widget.choices = [*widget.choices, (org.pk, org.name)]
        return org


class HoursFilter(OrgFilter):
    """The study-hours list's filters: an organization, the year, and only the members short
    of the requirement."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    short = forms.BooleanField(label=_("Only those short of the requirement"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["placeholder"] = str(_today().year)


class StudyRecordForm(forms.Form):
    """A piece of a member's study: a column item that applies to the member (worth its hours),
    or a course, training or self-study with its hours."""

    kind = forms.ChoiceField(label=_("What"), choices=StudyKind.choices)
    column_item = ScopedModelChoiceField(
        queryset=ColumnItem.objects.none(),
        required=False,
        label=_("Column item"),
        help_text=_("A column item read is worth its own hours, once."),
    )
    title = forms.CharField(label=_("Course or content"), max_length=200, required=False)
    studied_on = DateField(label=_("Date"), initial=_today)
    hours = HoursField(
        label=_("Hours"),
        required=False,
        help_text=_("More than 0, at most 24; one decimal (e.g. 1.5)."),
    )
    online = forms.BooleanField(label=_("Online"), required=False)

    def __init__(self, *args: Any, items: QuerySet[ColumnItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["column_item"].queryset = items  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        kind = data.get("kind")
        if kind == StudyKind.COLUMN:
            if not data.get("column_item") and "column_item" not in self.errors:
                self.add_error("column_item", _("Choose the column item read."))
        elif kind:
            if not (data.get("title") or "").strip():
                self.add_error("title", _("Say what was studied."))
            if data.get("hours") is None and "hours" not in self.errors:
                self.add_error("hours", _("Enter the study hours."))
        return data


class ReadersForm(forms.Form):
    """Who read a column item online (each gets the item's hours once)."""

    members = MembersField(queryset=Member.objects.none(), label=_("Read by"))
    read_on = DateField(label=_("Read on"), initial=_today)

    def __init__(self, *args: Any, candidates: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates  # type: ignore[attr-defined]


class BranchPostForm(forms.ModelForm[BranchPost]):
    class Meta:
        model = BranchPost
        fields = ("post", "started_on", "ended_on")
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].initial = BranchPostKind.COMMITTEE


class EndPostForm(forms.Form):
    ended_on = DateField(label=_("Left the post on"), initial=_today)
