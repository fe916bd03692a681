"""Forms of mobility: the outflow report, check-in with its routing, the end of an absence,
lost contact, finding attempts, contacts and reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, DateInput, IdNumberField, PhoneField, ScopedModelChoiceField
from core.models import User
from members.mobility.routing import Route, routing_candidates, suggest_route
from members.models import (
    OUTSIDE_CHECK_IN_FIELDS,
    ContactChannel,
    ContactRecord,
    EpisodeStatus,
    FindingAttempt,
    Member,
    MobilityEpisode,
    OutsideCheckIn,
    RegularReport,
)
from members.models.mobility import OUTFLOW_FIELDS, UPDATE_FIELDS
from organizations.models import BRANCH_KINDS, Organization, Role, Sector, Trade

#: Above this many branch-level organizations the expected-inflow picker would be a page of its
#: own; the field is left out and the inflow side records the organization at check-in.
INTENDED_ORG_PICKER_LIMIT = 500


class PartnerChoiceField(forms.ModelChoiceField[Member]):
    """A party member of the home branch, shown by name (the picker of `pairing_partners`)."""

    def label_from_instance(self, obj: Member) -> str:
        return obj.name


class TradeChoiceField(forms.ModelChoiceField[Trade]):
    """The member's trade there (行业), from the list kept as data: sector-based management
    (归口管理) routes the member to the organization serving it (issue 9, item 11)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Trade"))
        kwargs.setdefault(
            "help_text",
            _("The trade the member works in there: its organization may take them in."),
        )
        super().__init__(queryset=Trade.objects.active(), required=False, **kwargs)

    def chosen(self, value: Any) -> Trade | None:
        """`value` (a trade, or a posted id carried to a "suggest" step) as a trade, or None
        when it names none on offer."""
        if isinstance(value, Trade) or value in self.empty_values:
            return value or None
        try:
            return self.to_python(value)
        except ValidationError:
            return None


class OutflowForm(forms.ModelForm[Any]):
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
    contact_member = PartnerChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label=_("Or a party member as the designated contact"),
        help_text=_(
            "An ordinary party member of the home branch paired with the member (结对党员), "
            "who keeps in touch with them."
        ),
    )
    trade = TradeChoiceField()

    class Meta:
        model = MobilityEpisode
        fields = list(OUTFLOW_FIELDS)
        widgets = {"out_date": DateInput(), "expected_return": DateInput()}
        field_classes = {"phone_there": PhoneField}

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.active().filter(kind__in=BRANCH_KINDS).order_by("path")
        if orgs.count() < INTENDED_ORG_PICKER_LIMIT:
            self.fields["intended_org"].queryset = orgs  # type: ignore[attr-defined]
        else:
            del self.fields["intended_org"]
        self.fields["contact_person"].queryset = home_staff(member.home_org_id)  # type: ignore[attr-defined]
        partners = Member.objects.pairing_partners(member)
        self.fields["contact_member"].queryset = partners  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("contact_person") and data.get("contact_member"):
            self.add_error(
                "contact_member",
                gettext(
                    "Name one designated contact: a staff member or a party member of the "
                    "branch, not both."
                ),
            )
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


def home_staff(home_org_id: int) -> QuerySet[User]:
    """The active staff of the home branch: who may be the designated contact."""
    roles = Role.objects.active().filter(organization_id=home_org_id)
    return User.objects.filter(is_active=True, pk__in=roles.values("user_id")).order_by(
        "full_name", "username"
    )


class EpisodeUpdateForm(forms.ModelForm[Any]):
    """A change the member reports while away (Issue 9, item 4): the fields the user may
    update (`members.access.episode_update_fields`), prefilled with the absence's values, and
    when and how the member reported it."""

    changed_on = DateField(label=_("Date of the change"), initial=dt.date.today)
    channel = forms.ChoiceField(
        label=_("Reported by"),
        choices=[("", "—"), *ContactChannel.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    contact_person = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Designated contact"),
        help_text=_("A staff member of the home branch who keeps in touch with the member."),
    )

    field_order = ["changed_on", "channel"]

    class Meta:
        model = MobilityEpisode
        fields = list(UPDATE_FIELDS)
        field_classes = {"phone_there": PhoneField}

    def __init__(
        self, *args: Any, episode: MobilityEpisode, fields: tuple[str, ...], **kwargs: Any
    ) -> None:
        kwargs["instance"] = episode
        super().__init__(*args, **kwargs)
        for name in UPDATE_FIELDS:
            if name not in fields:
                del self.fields[name]
        if "contact_person" in self.fields:
            self.fields["contact_person"].queryset = home_staff(episode.home_org_id)  # type: ignore[attr-defined]

    def update_kwargs(self) -> dict[str, Any]:
        """The arguments of `do_update_episode`: the date, the channel, the note, the fields."""
        data = self.cleaned_data
        shown = {name: data[name] for name in UPDATE_FIELDS if name in self.fields}
        return {
            "changed_on": data["changed_on"],
            "channel": data["channel"],
            "note": data["note"],
            **shown,
        }


class EndEpisodeForm(forms.Form):
    """The member returned (回流), or is out of contact (失联). A transferred relationship is
    no choice here: only receiving a transfer records it (Issue 9, item 9)."""

    status = forms.ChoiceField(
        label=_("How the absence ended"),
        choices=[
            (EpisodeStatus.RETURNED.value, EpisodeStatus.RETURNED.label),
            (EpisodeStatus.LOST.value, EpisodeStatus.LOST.label),
        ],
        initial=EpisodeStatus.RETURNED.value,
        help_text=_(
            "A relationship transfer ends the absence by itself when the receiving "
            "organization receives the letter."
        ),
    )
    ended_on = DateField(
        label=_("Ended on"),
        widget=DateInput(),
        initial=dt.date.today,
        help_text=_("For a lost member: the day contact was lost."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("For a lost member: where they were last known to be."),
    )

    def __init__(self, *args: Any, lost: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if lost:
            # Already lost: only the return is left to record.
            field = self.fields["status"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(EpisodeStatus.RETURNED.value, EpisodeStatus.RETURNED.label)]


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
    trade = TradeChoiceField()
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
    FACTS = ("residence", "employer", "employer_sector", "employer_has_party_org", "trade")

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["inflow_org"].queryset = Organization.objects.check_in_points(actor)  # type: ignore[attr-defined]
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
            trade=self.trade_field.chosen(facts.get("trade")),
        )

    @property
    def trade_field(self) -> TradeChoiceField:
        field = self.fields["trade"]
        assert isinstance(field, TradeChoiceField)
        return field

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
        """The routing arguments of `do_check_in_member` / `do_register_found_member`."""
        assert self.route is not None
        return {
            "inflow_org": self.cleaned_data["inflow_org"],
            "suggested_org": self.route.organization,
            "routing_override_reason": self.cleaned_data["routing_override_reason"],
            **{name: self.cleaned_data[name] for name in self.FACTS},
        }


class CheckInForm(RoutingForm):
    """Inflow check-in (流入报到): the arriving member is found by ID-card number and name."""

    id_number = IdNumberField(label=_("ID number"))
    name = forms.CharField(label=_("Name"), max_length=50)
    checked_in_on = DateField(label=_("Checked in on"), widget=DateInput(), initial=dt.date.today)
    moving_on = forms.BooleanField(
        label=_("The member has moved on"),
        required=False,
        help_text=_(
            "Tick when the member, checked in at another inflow organization, now lives or "
            "works here: the check-in there ends and both organizations and the home branch "
            "are told."
        ),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)

    def check_in_kwargs(self) -> dict[str, Any]:
        return {
            "id_number": self.cleaned_data["id_number"],
            "name": self.cleaned_data["name"],
            "checked_in_on": self.cleaned_data["checked_in_on"],
            "moving_on": self.cleaned_data["moving_on"],
            **self.routing_kwargs(),
        }


class ContactForm(forms.ModelForm[Any]):
    """A line of the pairing card."""

    class Meta:
        model = ContactRecord
        fields = ["contacted_on", "channel", "summary"]
        widgets = {"contacted_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}


class FindingAttemptForm(forms.ModelForm[Any]):
    """An attempt to find a lost member."""

    class Meta:
        model = FindingAttempt
        fields = ["attempted_on", "channel", "result", "found"]
        widgets = {"attempted_on": DateInput(), "result": forms.Textarea(attrs={"rows": 3})}


class MarkLostForm(forms.Form):
    """Put a member on the whereabouts-unknown list: since when, and where last known."""

    since = DateField(label=_("Lost contact since"), widget=DateInput())
    last_known_place = forms.CharField(
        label=_("Last known place"),
        max_length=200,
        required=False,
        help_text=_("Where the member was last known to be: city, address, employer."),
    )


class ReportForm(forms.ModelForm[Any]):
    """A regular report received from the member."""

    class Meta:
        model = RegularReport
        fields = ["reported_on", "channel", "summary"]
        widgets = {"reported_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}


class OutsideCheckInForm(forms.ModelForm[Any]):
    """Where the member checked in outside the system, as the home branch confirmed it (Issue 9,
    item 5). The organization's number is often a landline: the model checks its shape."""

    contact_phone = PhoneField(mobile=False, label=_("Contact's phone"), max_length=20)

    class Meta:
        model = OutsideCheckIn
        fields = list(OUTSIDE_CHECK_IN_FIELDS)
        widgets = {"checked_in_on": DateInput()}
