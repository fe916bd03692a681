"""Forms for found members and found arrivals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, DateInput, IdNumberField, PhoneField, ScopedModelChoiceField
from core.models import User
from core.validators import validate_id_number
from members.mobility.forms import RoutingForm
from members.models import (
    FoundArrival,
    OccupationCategory,
)
from organizations.models import Organization


class FoundMemberForm(RoutingForm):
    """Register a member of the system who arrived without an outflow registration (a "found"
    member): a deliberate step after the check-in said there was no outflow record."""

    id_number = IdNumberField(label=_("ID number"))
    name = forms.CharField(label=_("Name"), max_length=50)
    arrived_on = DateField(
        label=_("Arrived and reported on"), widget=DateInput(), initial=timezone.localdate
    )
    left_on = DateField(
        label=_("Left home on"),
        widget=DateInput(),
        required=False,
        help_text=_("If the member knows; otherwise the date of arrival is recorded."),
    )
    destination_province = forms.CharField(label=_("Province here"), max_length=30)
    destination_city = forms.CharField(label=_("City here"), max_length=30, required=False)
    destination_county = forms.CharField(label=_("County/district here"), max_length=30)
    occupation = forms.ChoiceField(
        label=_("Occupation category"),
        choices=OccupationCategory.choices,
        initial=OccupationCategory.OTHER,
    )
    reason = forms.CharField(label=_("Reason for leaving"), max_length=200, required=False)
    phone_there = PhoneField(label=_("Phone here"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        left_on: dt.date | None = data.get("left_on")
        arrived_on: dt.date | None = data.get("arrived_on")
        if left_on and arrived_on and left_on > arrived_on:
            self.add_error("left_on", gettext("The member cannot have left home after arriving."))
        return data

    def found_kwargs(self) -> dict[str, Any]:
        """The arguments of `do_register_found_member`."""
        own = (
            "id_number",
            "name",
            "arrived_on",
            "left_on",
            "destination_province",
            "destination_city",
            "destination_county",
            "occupation",
            "reason",
            "phone_there",
        )
        return {**{name: self.cleaned_data[name] for name in own}, **self.routing_kwargs()}


class FoundArrivalForm(forms.ModelForm[Any]):
    """A party member who arrived without any outflow record and whose ID-card number is not in
    the system: recorded by the inflow side until the home organization is reached."""

    inflow_org = ScopedModelChoiceField(
        queryset=Organization.objects.none(), label=_("Inflow organization")
    )

    class Meta:
        model = FoundArrival
        fields = [
            "id_number",
            "name",
            "phone",
            "claimed_home_org",
            "arrived_on",
            "residence",
            "employer",
            "inflow_org",
        ]
        widgets = {"arrived_on": DateInput()}
        field_classes = {"id_number": IdNumberField, "phone": PhoneField}

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.check_in_points(actor)
        self.fields["inflow_org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["arrived_on"].initial = timezone.localdate

    def clean_id_number(self) -> str:
        value: str = self.cleaned_data.get("id_number") or ""
        validate_id_number(value)
        return value

    def validate_unique(self) -> None:
        # The action names where an open record of the same person is kept.
        pass


class CloseArrivalForm(forms.Form):
    note = forms.CharField(
        label=_("Why the record is closed"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MatchArrivalForm(forms.Form):
    """Where the member is, for the found episode the match creates (not needed when the home
    branch has registered the outflow meanwhile: the member is then checked in)."""

    destination_province = forms.CharField(label=_("Province here"), max_length=30, required=False)
    destination_county = forms.CharField(
        label=_("County/district here"), max_length=30, required=False
    )
    occupation = forms.ChoiceField(
        label=_("Occupation category"),
        choices=OccupationCategory.choices,
        initial=OccupationCategory.OTHER,
    )
