"""Forms for starting a transfer and for each of its steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from core.forms import DateField, DateInput, MonthField, PhoneField, ScopedModelChoiceField
from members.models import Member
from organizations.models import Organization, relationship_kinds
from transfers.models import TransferStatus

#: The organization picker shows at most this many options; the search box narrows them.
ORG_OPTIONS_LIMIT = 50


def receiving_organizations() -> QuerySet[Organization]:
    """Every organization a relationship can be transferred to: active branch-level ones (no
    check-in station, unless stations hold members here)."""
    qs: QuerySet[Organization] = (
        Organization.objects.active().filter(kind__in=relationship_kinds()).order_by("name", "pk")
    )
    return qs


def org_options(query: str = "", selected: Organization | None = None) -> list[Organization]:
    """At most ORG_OPTIONS_LIMIT receiving organizations whose name contains `query`, the
    selected one first (so a re-rendered form keeps it)."""
    qs = receiving_organizations()
    if query.strip():
        qs = qs.filter(name__icontains=query.strip())
    options = list(qs[:ORG_OPTIONS_LIMIT])
    if selected is not None and selected not in options:
        options.insert(0, selected)
    return options


class ReceivingOrganizationField(ScopedModelChoiceField):
    """Any active branch-level organization in the system, even outside the user's scope (the
    receiving side is usually elsewhere). An id that is not one of them is a forged request:
    404, nothing saved."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=receiving_organizations(), **kwargs)


def valid_days_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=settings.TRANSFER_VALID_DAYS_MAX,
        initial=settings.TRANSFER_VALID_DAYS_DEFAULT,
        help_text=_("At most %(max)s days.") % {"max": settings.TRANSFER_VALID_DAYS_MAX},
    )


def today_field(label: StrOrPromise) -> DateField:
    return DateField(label=label, widget=DateInput(), initial=timezone.localdate)


class DestinationMixin:
    """The receiving organization: picked from the system, or named (out of the system)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    data: Any
    is_bound: bool

    def setup_destination(self) -> None:
        field = self.fields["to_org"]
        # Read now, not when the module was imported: which kinds hold relationships is a
        # setting.
        field.queryset = receiving_organizations()  # type: ignore[attr-defined]
        selected: Organization | None = None
        if self.is_bound:
            try:
                selected = field.clean(self.data.get("to_org"))
            except (ValidationError, Http404):
                selected = None
        options = org_options(selected=selected)
        # Validation uses the whole queryset; only the options shown are limited.
        field.widget.choices = [("", "---------")] + [(org.pk, org.name) for org in options]

    def check_destination(self, data: dict[str, Any]) -> None:
        to_org = data.get("to_org")
        to_name = (data.get("to_name") or "").strip()
        if to_org is not None and to_name:
            raise ValidationError(
                gettext("Choose an organization in the system or name one outside it, not both.")
            )


class StartTransferForm(DestinationMixin, forms.Form):
    """A transfer of one member (or several at once, see BatchStartForm)."""

    to_org = ReceivingOrganizationField(
        label=_("Receiving organization (in the system)"),
        required=False,
        help_text=_("Type part of its name in the search box to narrow the list."),
    )
    to_name = forms.CharField(
        label=_("Or: receiving organization out of the system"),
        max_length=200,
        required=False,
        help_text=_("For a committee that does not use this system: the letter is printed."),
    )
    addressee = forms.CharField(
        label=_("Addressee"),
        max_length=200,
        required=False,
        help_text=_("The organization the letter is addressed to; the receiving one if empty."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    dues_paid_until = MonthField(label=_("Dues paid up to (month)"))
    valid_days = valid_days_field()
    member_phone = PhoneField(
        mobile=False,
        label=_("Member's phone"),
        max_length=20,
        required=False,
        help_text=_("The member's own phone if empty."),
    )

    def __init__(self, *args: Any, recorded: dt.date | None = None, **kwargs: Any) -> None:
        """`recorded`: the month the member's dues are paid up to by the dues records
        (`members.dues.paid_until`), shown read-only: the action takes it from the records
        (issue 11). Without records, the month is typed."""
        super().__init__(*args, **kwargs)
        self.setup_destination()
        dues = self.fields["dues_paid_until"]
        dues.initial = timezone.localdate().replace(day=1)
        if recorded is not None:
            dues.initial = recorded
            dues.disabled = True
            dues.required = False
            dues.help_text = _("From the dues records; updated when the letter is issued.")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        self.check_destination(data)
        return data

    def action_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "to_org": data["to_org"],
            "to_name": data["to_name"],
            "addressee": data["addressee"],
            "reason": data["reason"],
            "dues_paid_until": data.get("dues_paid_until"),
            "valid_days": data["valid_days"],
            "member_phone": data.get("member_phone", ""),
        }


class MembersField(forms.ModelMultipleChoiceField[Member]):
    """The members to transfer, as checkboxes. An id that is not one of the organization's
    members in the user's scope is a forged request: 404."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.get_membership_display()}"

    def _check_values(self, value: Any) -> Any:
        try:
            return super()._check_values(value)  # type: ignore[misc]
        except ValidationError as exc:
            if exc.code in {"invalid_choice", "invalid_pk_value"}:
                raise Http404("Out of scope") from exc
            raise


class BatchStartForm(StartTransferForm):
    """Several members of one organization at once (graduates leaving together)."""

    members = MembersField(queryset=Member.objects.none(), label=_("Members"))

    field_order = ["members"]

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        # Members with dues records have it from the records (issue 11); typed for the others.
        dues = self.fields["dues_paid_until"]
        dues.required = False
        dues.help_text = _(
            "Taken from the dues records for members who have them; for the others, the month "
            "entered here."
        )
        # Each member's own phone goes on their letter.
        del self.fields["member_phone"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    issue_now = forms.BooleanField(label=_("Issue the letter now"), required=False, initial=True)
    issue_on = DateField(
        label=_("Date of issue"), widget=DateInput(), required=False, initial=timezone.localdate
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("issue_now") and not data.get("issue_on"):
            self.add_error("issue_on", gettext("Give the date of issue."))
        return data


class IssueForm(forms.Form):
    issued_on = today_field(_("Date of issue"))


class ReceiveForm(forms.Form):
    received_on = today_field(_("Received on"))
    presented_on = DateField(
        label=_("Letter presented on"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "The day the member presented the letter, when the receipt is recorded after the "
            "letter's validity; the day received if empty."
        ),
    )


class ReturnReceiptForm(forms.Form):
    returned_on = today_field(_("Receipt returned on"))
    handler = forms.CharField(label=_("Handled by"), max_length=50)
    phone = PhoneField(mobile=False, label=_("Phone"), max_length=20, required=False)


class RecordReceiptForm(forms.Form):
    received_on = DateField(
        label=_("Date on the receipt"), widget=DateInput(), initial=timezone.localdate
    )
    returned_on = today_field(_("Receipt came back on"))
    handler = forms.CharField(label=_("Handled by"), max_length=50)
    phone = PhoneField(mobile=False, label=_("Phone"), max_length=20, required=False)


class ReissueForm(DestinationMixin, forms.Form):
    issued_on = today_field(_("Date of issue"))
    valid_days = valid_days_field()
    to_org = ReceivingOrganizationField(
        label=_("New receiving organization (in the system)"),
        required=False,
        help_text=_("Leave both empty to keep the destination."),
    )
    to_name = forms.CharField(
        label=_("Or: new receiving organization out of the system"),
        max_length=200,
        required=False,
    )
    addressee = forms.CharField(label=_("Addressee"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_destination()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        self.check_destination(data)
        return data


class HistoryFilter(forms.Form):
    """The filter of the list of every transfer (the history) and of its ledger."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *TransferStatus.choices],
    )
