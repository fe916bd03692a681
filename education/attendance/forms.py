"""Forms of attendance: opening sign-in, a member signing in with the code, and the members of
party groups and temporary branches. The attendance sheet itself is not a Django form: a
200-member branch's sheet is read from the POST and written out by the view (see views.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, PlainSelect, ScopedModelChoiceField
from core.validators import ascii_digits
from education.attendance.actions import SIGN_IN_CODE_LENGTH, id_tail
from members.models import Member


def _today() -> dt.date:
    return timezone.localdate()


class OpenSignInForm(forms.Form):
    minutes = forms.TypedChoiceField(
        label=_("Open for"),
        coerce=int,
        choices=[
            (30, _("30 minutes")),
            (60, _("1 hour")),
            (120, _("2 hours")),
            (240, _("4 hours")),
        ],
        initial=60,
        widget=PlainSelect(attrs={"class": "form-select form-select-sm w-auto"}),
    )


class SignInForm(forms.Form):
    """What a member types at the meeting: the code on the screen, their name, and the last
    six characters of their ID-card number (full-width digits and a small x are read as the
    number has them)."""

    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Your name"), max_length=50)
    id_number_tail = forms.CharField(
        label=_("Last 6 characters of your ID-card number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        code = "".join(ascii_digits(self.cleaned_data["code"]).split())
        if len(code) != SIGN_IN_CODE_LENGTH or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("The sign-in code is six digits."))
        return code

    def clean_name(self) -> str:
        # "王 甲一" as typed on a phone is 王甲一.
        return "".join(str(self.cleaned_data["name"]).split())

    def clean_id_number_tail(self) -> str:
        tail = id_tail(self.cleaned_data["id_number_tail"])
        if (
            len(tail) != SIGN_IN_CODE_LENGTH
            or not tail.isascii()
            or not tail[:-1].isdigit()
            or not (tail[-1].isdigit() or tail[-1] == "X")
        ):
            raise forms.ValidationError(
                _("Enter the last six characters of your ID-card number (digits, or X at the end).")
            )
        return tail


class AddGroupMemberForm(forms.Form):
    """A member to add: chosen among those the group may hold (`candidates`); an id outside
    them is a forged request (404)."""

    member = ScopedModelChoiceField(
        queryset=Member.objects.none(), label=_("Member"), widget=PlainSelect
    )
    joined_on = DateField(label=_("Joined on"), initial=_today)

    def __init__(
        self, *args: Any, candidates: Any, shown: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["member"]
        field.queryset = candidates
        # The picker lists the first candidates only; the posted id is checked against them all.
        field.choices = [("", "---------"), *shown]


class EndMembershipForm(forms.Form):
    left_on = DateField(label=_("Left on"), initial=_today)
