from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, ScopedModelChoiceField
from core.models import User
from core.scoping import Action
from core.validators import (
    id_birth_date,
    id_gender,
    normalize_id_number,
    validate_id_number,
    validate_mobile_phone,
)
from members.actions import MEMBER_FIELDS, STATE_FIELDS
from members.mobility_actions import OUTFLOW_FIELDS
from members.models import (
    ContactRecord,
    EpisodeStatus,
    FindingAttempt,
    FoundArrival,
    Member,
    MobilityEpisode,
    OccupationCategory,
    RegularReport,
)
from members.routing import Route, check_in_organizations, routing_candidates, suggest_route
from organizations.models import BRANCH_KINDS, Organization, Role, Sector


class MemberForm(forms.ModelForm):
    """The basic information card. Birth date and gender may be left empty: the ID-card number
    fills them; when given, they must agree with it."""

    home_org = ScopedModelChoiceField(queryset=Organization.objects.none(), label=_("Branch"))

    class Meta:
        model = Member
        fields = [name for name in MEMBER_FIELDS if name not in STATE_FIELDS]
        widgets = {
            "birth_date": DateInput(),
            "joined_on": DateInput(),
            "full_member_on": DateInput(),
        }

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["home_org"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.visible_to(actor, Action.CHANGE)
            .filter(kind__in=BRANCH_KINDS)
            .order_by("path")
        )
        self.fields["birth_date"].required = False
        self.fields["report_every_months"].required = False
        self.fields["gender"].required = False
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "maxlength": 18})
        self.fields["phone"].widget.attrs.update({"inputmode": "numeric", "maxlength": 11})
        if self.instance.pk:
            # The full number is not put back into the page; leave empty to keep it.
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _(
                "Leave empty to keep %(masked)s; type a new number to correct it."
            ) % {"masked": self.instance.masked_id_number}
            self.initial["id_number"] = ""

    def clean_report_every_months(self) -> int:
        value: int | None = self.cleaned_data.get("report_every_months")
        return value or Member._meta.get_field("report_every_months").get_default()

    def clean_id_number(self) -> str:
        raw: str = self.cleaned_data.get("id_number") or ""
        if not raw and self.instance.pk:
            return str(self.instance.id_number)
        value = normalize_id_number(raw)
        validate_id_number(value)
        holder = Member.objects.filter(id_number=value).exclude(pk=self.instance.pk).first()
        if holder is not None:
            if Member.objects.visible_to(self.actor).filter(pk=holder.pk).exists():
                raise forms.ValidationError(
                    format_html(
                        gettext(
                            "This ID-card number is already registered to {} ({}): "
                            '<a href="{}">open the record</a>.'
                        ),
                        holder.name,
                        holder.home_org.name,
                        reverse("members:detail", args=[holder.pk]),
                    ),
                    code="duplicate",
                )
            raise forms.ValidationError(
                _(
                    "This ID-card number is already registered in another organization. "
                    "Ask the county organization department to find the record."
                ),
                code="duplicate",
            )
        return value

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        id_number = data.get("id_number")
        if id_number and "id_number" not in self.errors:
            birth = id_birth_date(id_number)
            gender = id_gender(id_number)
            if not data.get("birth_date"):
                data["birth_date"] = birth
            elif data["birth_date"] != birth:
                self.add_error(
                    "birth_date",
                    _("The birth date does not match the ID-card number, which gives %(date)s.")
                    % {"date": birth.isoformat() if birth else "?"},
                )
            if not data.get("gender"):
                data["gender"] = gender
            elif data["gender"] != gender:
                self.add_error("gender", _("The gender does not match the ID-card number."))
        birth_date: dt.date | None = data.get("birth_date")
        joined_on: dt.date | None = data.get("joined_on")
        if birth_date and joined_on:
            min_age = settings.MEMBERS_MIN_JOIN_AGE
            try:
                earliest = birth_date.replace(year=birth_date.year + min_age)
            except ValueError:  # 29 February
                earliest = birth_date.replace(year=birth_date.year + min_age, day=28)
            if joined_on < earliest:
                self.add_error(
                    "joined_on",
                    _("A member joins at %(age)d or older: not before %(date)s.")
                    % {"age": min_age, "date": earliest.isoformat()},
                )
        if joined_on and joined_on > timezone.localdate():
            self.add_error("joined_on", _("The date of joining cannot be in the future."))
        return data


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for archiving"), max_length=200)


#: Above this many branch-level organizations the expected-inflow picker would be a page of its
#: own; the field is left out and the inflow side records the organization at check-in.
INTENDED_ORG_PICKER_LIMIT = 500


class OutflowForm(forms.ModelForm):
    """The outflow report (外出流动报告登记): where, when, why, to which employer, for how long."""

    # The inflow organization is usually in another county, outside the user's scope: this is
    # a plain (unscoped) picker of branch-level organizations, and choosing one only tells it.
    intended_org = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("Expected inflow organization"),
    )
    contact_person = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Designated contact"),
        help_text=_("A staff member of the home branch who keeps in touch with the member."),
    )

    class Meta:
        model = MobilityEpisode
        fields = list(OUTFLOW_FIELDS)
        widgets = {"out_date": DateInput(), "expected_return": DateInput()}

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.active().filter(kind__in=BRANCH_KINDS).order_by("path")
        if orgs.count() < INTENDED_ORG_PICKER_LIMIT:
            self.fields["intended_org"].queryset = orgs  # type: ignore[attr-defined]
        else:
            del self.fields["intended_org"]
        home_staff = Role.objects.active().filter(organization_id=member.home_org_id)
        self.fields["contact_person"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, pk__in=home_staff.values("user_id")
        ).order_by("full_name", "username")
        self.fields["phone_there"].widget.attrs.update({"inputmode": "numeric", "maxlength": 11})

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        out_date: dt.date | None = data.get("out_date")
        expected_return: dt.date | None = data.get("expected_return")
        if out_date and expected_return and expected_return < out_date:
            self.add_error(
                "expected_return",
                gettext("The expected return cannot be before the date of leaving."),
            )
        return data

    def outflow_fields(self) -> dict[str, Any]:
        """The cleaned values to hand to `do_register_outflow` (only the fields shown)."""
        return {name: self.cleaned_data[name] for name in OUTFLOW_FIELDS if name in self.fields}


class EndEpisodeForm(forms.Form):
    """The member returned (回流) or the relationship was transferred."""

    status = forms.ChoiceField(
        label=_("How the absence ended"),
        choices=[
            (EpisodeStatus.RETURNED.value, EpisodeStatus.RETURNED.label),
            (EpisodeStatus.TRANSFERRED.value, EpisodeStatus.TRANSFERRED.label),
        ],
        initial=EpisodeStatus.RETURNED.value,
    )
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput(), initial=dt.date.today)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RoutingForm(forms.Form):
    """What is known of an arriving member that decides which organization takes them, the
    organization (suggested by the management mode, see `members.routing`) and the reason when
    the user chooses another one. The check-in and found pages share it."""

    residence = forms.CharField(
        label=_("Where they live"),
        max_length=200,
        required=False,
        help_text=_(
            "Community, street or address: the community organization there may take them."
        ),
    )
    employer = forms.CharField(label=_("Employer there"), max_length=200, required=False)
    employer_sector = forms.ChoiceField(
        label=_("Employer sector"), choices=[("", "—"), *Sector.choices], required=False
    )
    employer_has_party_org = forms.BooleanField(
        label=_("The employer has a party organization"), required=False
    )
    inflow_org = ScopedModelChoiceField(
        queryset=Organization.objects.none(), label=_("Inflow organization")
    )
    routing_override_reason = forms.CharField(
        label=_("Reason for choosing another organization"),
        max_length=200,
        required=False,
        help_text=_("Needed only when you choose an organization other than the suggested one."),
    )

    #: The form fields the routing rule reads.
    FACTS = ("residence", "employer", "employer_sector", "employer_has_party_org")

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["inflow_org"].queryset = check_in_organizations(actor)  # type: ignore[attr-defined]
        self.route: Route | None = None
        if not self.is_bound:
            # The page opens (or comes back from "suggest") with the suggestion chosen.
            self.route = self.suggest(self.initial)
            if self.route.organization is not None and not self.initial.get("inflow_org"):
                self.initial["inflow_org"] = self.route.organization.pk

    def suggest(self, facts: Mapping[str, Any]) -> Route:
        has_party_org = facts.get("employer_has_party_org")
        return suggest_route(
            routing_candidates(self.fields["inflow_org"].queryset),  # type: ignore[attr-defined]
            residence=str(facts.get("residence") or ""),
            employer=str(facts.get("employer") or ""),
            employer_sector=str(facts.get("employer_sector") or ""),
            employer_has_party_org=has_party_org not in (None, False, "", "false", "False"),
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        self.route = self.suggest(data)
        chosen: Organization | None = data.get("inflow_org")
        suggested = self.route.organization
        if (
            chosen is not None
            and suggested is not None
            and chosen != suggested
            and not (data.get("routing_override_reason") or "").strip()
        ):
            self.add_error(
                "routing_override_reason",
                gettext(
                    "The management mode suggests %(org)s: give the reason for choosing another "
                    "organization."
                )
                % {"org": suggested.name},
            )
        return data

    def routing_kwargs(self) -> dict[str, Any]:
        """The routing arguments of `do_check_in` / `do_register_found`."""
        assert self.route is not None
        return {
            "inflow_org": self.cleaned_data["inflow_org"],
            "suggested_org": self.route.organization,
            "routing_override_reason": self.cleaned_data["routing_override_reason"],
            **{name: self.cleaned_data[name] for name in self.FACTS},
        }


class CheckInForm(RoutingForm):
    """Inflow check-in (流入报到): the arriving member is found by ID-card number and name."""

    id_number = forms.CharField(label=_("ID number"), max_length=18)
    name = forms.CharField(label=_("Name"), max_length=50)
    checked_in_on = forms.DateField(
        label=_("Checked in on"), widget=DateInput(), initial=dt.date.today
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "maxlength": 18})

    def check_in_kwargs(self) -> dict[str, Any]:
        return {
            "id_number": self.cleaned_data["id_number"],
            "name": self.cleaned_data["name"],
            "checked_in_on": self.cleaned_data["checked_in_on"],
            **self.routing_kwargs(),
        }


class ContactForm(forms.ModelForm):
    """A line of the pairing card."""

    class Meta:
        model = ContactRecord
        fields = ["contacted_on", "channel", "summary"]
        widgets = {"contacted_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}


class FindingAttemptForm(forms.ModelForm):
    """An attempt to find a lost member."""

    class Meta:
        model = FindingAttempt
        fields = ["attempted_on", "channel", "result", "found"]
        widgets = {"attempted_on": DateInput(), "result": forms.Textarea(attrs={"rows": 3})}


class MarkLostForm(forms.Form):
    """Put a member on the whereabouts-unknown list: since when, and where last known."""

    since = forms.DateField(label=_("Lost contact since"), widget=DateInput())
    last_known_place = forms.CharField(
        label=_("Last known place"),
        max_length=200,
        required=False,
        help_text=_("Where the member was last known to be: city, address, employer."),
    )


class ReportForm(forms.ModelForm):
    """A regular report received from the member."""

    class Meta:
        model = RegularReport
        fields = ["reported_on", "channel", "summary"]
        widgets = {"reported_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}


class FoundMemberForm(RoutingForm):
    """Register a member of the system who arrived without an outflow registration (a "found"
    member): a deliberate step after the check-in said there was no outflow record."""

    id_number = forms.CharField(label=_("ID number"), max_length=18)
    name = forms.CharField(label=_("Name"), max_length=50)
    arrived_on = forms.DateField(
        label=_("Arrived and reported on"), widget=DateInput(), initial=timezone.localdate
    )
    left_on = forms.DateField(
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
    phone_there = forms.CharField(
        label=_("Phone here"), max_length=11, required=False, validators=[validate_mobile_phone]
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "maxlength": 18})
        self.fields["phone_there"].widget.attrs.update({"inputmode": "numeric", "maxlength": 11})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        left_on: dt.date | None = data.get("left_on")
        arrived_on: dt.date | None = data.get("arrived_on")
        if left_on and arrived_on and left_on > arrived_on:
            self.add_error("left_on", gettext("The member cannot have left home after arriving."))
        return data

    def found_kwargs(self) -> dict[str, Any]:
        """The arguments of `do_register_found`."""
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


class FoundArrivalForm(forms.ModelForm):
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

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = check_in_organizations(actor)
        self.fields["inflow_org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["arrived_on"].initial = timezone.localdate
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "maxlength": 18})
        self.fields["phone"].widget.attrs.update({"inputmode": "numeric", "maxlength": 11})

    def clean_id_number(self) -> str:
        value = normalize_id_number(self.cleaned_data.get("id_number") or "")
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
