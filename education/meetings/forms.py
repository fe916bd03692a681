"""Forms of meetings: the list's filters, recording and correcting a meeting, voiding it, and
attaching a file."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput, PlainSelect, ScopedModelChoiceField
from core.scoping import Action
from core.types import AnyUser
from core.validators import EARLIEST_DATE, latest_date
from education.meetings.actions import MEETING_FIELDS, holding_kinds, kinds_for
from education.models import Meeting, MeetingKind
from organizations.models import Organization
from organizations.scope import user_scope

#: Most organizations the list's picker renders (any organization in scope is still accepted).
ORG_OPTIONS_LIMIT = 300


def _indented(orgs: list[Organization], top: int) -> list[tuple[int, str]]:
    return [(org.pk, f"{'　' * max(org.depth - top, 0)}{org.name}") for org in orgs]


class MeetingFilterForm(forms.Form):
    """The meeting list's filters. A GET form: a bad value (an organization outside scope, a
    year 0001, a NUL) is a field error and is not applied, never a 500."""

    org = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("Organization"),
        widget=PlainSelect,
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("meeting", "Kind"),
        choices=[("", _("All kinds")), *MeetingKind.choices],
        required=False,
    )
    year = forms.IntegerField(label=_("Year"), required=False)  # bounded in __init__
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[("", _("All months")), *((m, str(m)) for m in range(1, 13))],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Meetings are planned up to DATE_MAX_YEARS_AHEAD ahead: no year beyond is a filter.
        self.fields["year"] = forms.IntegerField(
            label=_("Year"),
            required=False,
            min_value=EARLIEST_DATE.year,
            max_value=latest_date().year,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
        field: Any = self.fields["org"]
        field.queryset = Organization.objects.visible_to(user, Action.VIEW).order_by("path")
        # The top levels of a large scope, not thousands of options (one query).
        top = min((role.organization.depth for role in user_scope(user).roles), default=1)
        orgs = list(field.queryset.filter(depth__lte=top + 2)[:ORG_OPTIONS_LIMIT])
        field.widget.choices = [("", _("All in my scope")), *_indented(orgs, top)]

    def value(self, name: str) -> Any:
        """A filter's valid value, or None (an invalid filter is shown, not applied)."""
        if not self.is_bound or name in self.errors:  # `errors` cleans the form once
            return None
        return self.cleaned_data.get(name) or None

    def offer(self, org: Organization) -> None:
        """Keep a chosen organization among the options even when it lies deeper."""
        widget: Any = self.fields["org"].widget
        if all(value != org.pk for value, _label in widget.choices):
            widget.choices = [*widget.choices, (org.pk, org.name)]


def recording_organizations(user: AnyUser) -> Any:
    """Where `user` may record a meeting: the active organizations in their change scope that
    hold at least one kind of meeting, in tree order."""
    return (
        Organization.objects.visible_to(user, Action.CHANGE)
        .active()
        .filter(kind__in=holding_kinds())
        .order_by("path")
    )


_WIDGETS = {
    "held_on": DateInput(),
    "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    "online_link": forms.URLInput(attrs={"inputmode": "url"}),
    "study_hours": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    "minutes": forms.Textarea(attrs={"rows": 6}),
    "decisions": forms.Textarea(attrs={"rows": 3}),
}


def _form_field(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """The model's own form field; a link typed without a scheme is taken as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class _MeetingFields(forms.ModelForm[Meeting]):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None
        # The kind of activity says what an "other activity" was; for any other kind it is
        # not asked, so a value left from switching the kind is dropped.
        if cleaned.get("kind") != MeetingKind.OTHER:
            cleaned["activity"] = ""
        if cleaned.get("study_hours") is None and "study_hours" not in self.errors:
            cleaned["study_hours"] = 0
        return cleaned

    def action_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in MEETING_FIELDS}


class RecordMeetingForm(_MeetingFields):
    """A new meeting: the organization (one the user changes and that holds meetings), its kind
    and what was recorded."""

    organization = ScopedModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization"), widget=PlainSelect
    )

    class Meta:
        model = Meeting
        fields = ("organization", *MEETING_FIELDS)
        widgets = _WIDGETS
        formfield_callback = _form_field
        labels = {"kind": pgettext_lazy("meeting", "Kind")}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organization"]
        field.queryset = recording_organizations(user)
        orgs = list(field.queryset)
        #: Where the user may record a meeting (none: the page is not theirs).
        self.organizations = orgs
        top = min((org.depth for org in orgs), default=1)
        field.widget.choices = [("", "---------"), *_indented(orgs, top)]
        if len(orgs) == 1:
            self.initial.setdefault("organization", orgs[0].pk)
        self.fields["study_hours"].required = False


class EditMeetingForm(_MeetingFields):
    """What was recorded of a meeting, corrected: the kinds offered are its organization's."""

    class Meta:
        model = Meeting
        fields = MEETING_FIELDS
        widgets = _WIDGETS
        formfield_callback = _form_field
        labels = {"kind": pgettext_lazy("meeting", "Kind")}

    def __init__(self, data: Any = None, *, meeting: Meeting) -> None:
        # A copy: the form fills in its instance as it validates, the page shows the meeting.
        super().__init__(data, instance=copy.copy(meeting))
        held = kinds_for(meeting.organization)
        kind: Any = self.fields["kind"]
        kind.choices = [(value, label) for value, label in MeetingKind.choices if value in held]
        self.fields["study_hours"].required = False


class VoidMeetingForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for voiding"),
        max_length=200,
        help_text=_("Entered by mistake, entered twice, the wrong organization…"),
    )


class AttachFileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, JPG, PNG, Word (.docx) or Excel (.xlsx): scanned minutes, a sign-in "
            "sheet, photos."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )
