"""Forms for activity certificates and certificate letters. Dates out of order are field errors
here already; the actions check them again (they are the rule, the form is the courtesy)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateField, DateInput, MonthField, PhoneField, ScopedModelChoiceField
from core.models import User
from core.scoping import Action
from members.certificates.hooks import life_summary
from members.dues.paid_until import recorded_paid_until
from members.models import Certificate, CertificateKind, CertificateStatus, CheckResult
from organizations.models import BRANCH_KINDS, Organization


def _today() -> dt.date:
    return timezone.localdate()


class IssueCertificateForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("certificate", "Kind"), choices=CertificateKind.choices
    )
    issued_on = DateField(label=_("Date of issue"), widget=DateInput(), initial=_today)
    valid_until = DateField(
        plan=True,
        label=_("Valid until"),
        widget=DateInput(),
        required=False,
        help_text=_("Required for a certificate letter (a short trip)."),
    )
    reason = forms.CharField(label=_("Reason for leaving"), max_length=200)
    issue_anyway_reason = forms.CharField(
        label=_("Issue anyway because"),
        max_length=200,
        required=False,
        help_text=_(
            "Needed only when the rules point elsewhere (the warning above): why this member "
            "gets an activity certificate all the same."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        issued_on, valid_until = data.get("issued_on"), data.get("valid_until")
        if issued_on and valid_until and valid_until < issued_on:
            self.add_error("valid_until", _("A certificate cannot expire before it is issued."))
        if data.get("kind") == CertificateKind.LETTER and not valid_until:
            self.add_error("valid_until", _("A certificate letter says until when it is valid."))
        return data


class InflowPartForm(forms.Form):
    """The inflow part: the inflow branch, the date of arrival, the contact person."""

    inflow_org = ScopedModelChoiceField(
        queryset=Organization.objects.none(), label=_("Inflow branch")
    )
    arrived_on = DateField(label=_("Date of arrival"), widget=DateInput())
    contact = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = PhoneField(
        mobile=False, label=_("Contact phone"), max_length=20, required=False
    )

    def __init__(self, *args: Any, actor: User, certificate: Certificate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        episode = certificate.episode
        checked_in_with = Q(pk=episode.inflow_org_id) if episode and episode.inflow_org_id else Q()
        own = Organization.objects.visible_to(actor, Action.CHANGE).filter(
            kind__in=BRANCH_KINDS, is_active=True
        )
        self.fields["inflow_org"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.filter(Q(pk__in=own.values("pk")) | checked_in_with)
            .exclude(pk=certificate.member.home_org_id)
            .order_by("path")
        )
        if episode is not None and episode.inflow_org_id:
            self.initial.setdefault("inflow_org", episode.inflow_org_id)
            self.initial.setdefault("arrived_on", episode.checked_in_on)
        self.initial.setdefault("contact", actor.full_name or actor.username)
        self.initial.setdefault("contact_phone", actor.phone)


class DeparturePartForm(forms.Form):
    """When the member leaves the inflow organization: organizational life and dues."""

    left_inflow_on = DateField(
        label=_("Date of leaving the inflow branch"), widget=DateInput(), initial=_today
    )
    life_record = forms.CharField(
        label=_("Organizational life"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Meetings and activities the member took part in here: filled in from the "
            "attendance records until today; left empty, from the records until the date of "
            "leaving."
        ),
    )
    dues_paid_until = MonthField(label=_("Dues paid up to (month)"), required=False)

    def __init__(self, *args: Any, certificate: Certificate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.certificate = certificate
        if not self.is_bound:
            # From the attendance at the inflow organization (issue 10, item 3).
            self.initial.setdefault("life_record", life_summary(certificate, _today()))
        recorded = recorded_paid_until(certificate.member)
        if recorded is not None:
            # From the dues records, read-only: the action takes it from there (issue 11).
            dues = self.fields["dues_paid_until"]
            dues.initial = recorded
            dues.disabled = True
            dues.help_text = _("From the dues records.")

    def clean_left_inflow_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["left_inflow_on"]
        arrived = self.certificate.arrived_on
        if arrived and day < arrived:
            raise forms.ValidationError(_("The member leaves after arriving."))
        return day


class CertificateCheckForm(forms.Form):
    """The yearly check (年审)."""

    year = forms.IntegerField(label=_("Year checked"), min_value=2000, max_value=2100)
    checked_on = DateField(label=_("Date of check"), widget=DateInput(), initial=_today)
    result = forms.ChoiceField(
        label=pgettext_lazy("yearly check", "Result"),
        choices=CheckResult.choices,
        initial=CheckResult.PASSED,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    handling = forms.CharField(
        label=_("Handling after a failed check"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when the check is not passed: how the member was handled (a talk, "
            "criticism, ...). It shows on the education and handling card."
        ),
    )
    handled_on = DateField(label=_("Date of handling"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("year", _today().year)


class RevokeCertificateForm(forms.Form):
    ended_on = DateField(label=_("Revoked on"), widget=DateInput(), initial=_today)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReplaceCertificateForm(forms.Form):
    issued_on = DateField(
        label=_("Date of issue of the new one"), widget=DateInput(), initial=_today
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Lost, damaged, particulars changed…"),
    )


class CertificateRegisterFilter(forms.Form):
    """The register's filters; any bad value is ignored (a GET form)."""

    kind = forms.ChoiceField(
        label=pgettext_lazy("certificate", "Kind"),
        choices=[("", _("All kinds")), *CertificateKind.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *CertificateStatus.choices],
        required=False,
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
