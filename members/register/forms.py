"""The member register's forms: the basic information card and archiving."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, IdNumberField, PhoneField, ScopedModelChoiceField
from core.models import User
from core.scoping import Action
from core.validators import (
    id_birth_date,
    id_gender,
    normalize_id_number,
    validate_id_number,
)
from members.models import (
    Member,
)
from members.models.member import MEMBER_FIELDS, STATE_FIELDS
from organizations.models import Organization, relationship_kinds


class MemberForm(forms.ModelForm[Any]):
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
        field_classes = {"id_number": IdNumberField, "phone": PhoneField}

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["home_org"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.visible_to(actor, Action.CHANGE)
            .filter(kind__in=relationship_kinds())
            .order_by("path")
        )
        self.fields["birth_date"].required = False
        self.fields["report_every_months"].required = False
        self.fields["gender"].required = False
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
        value = normalize_id_number(raw)  # already by the field; kept for the kept number
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
