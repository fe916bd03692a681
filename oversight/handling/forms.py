"""Forms of the education and handling card: a line of it, and the six-month rule procedure's
steps."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from oversight.handling.actions import RECORDED_KINDS
from oversight.models import HandlingKind

#: As long as the model's text allows.
NOTE_MAX = 2000


def _today() -> dt.date:
    return timezone.localdate()


class HandlingForm(forms.Form):
    """A talk, criticism and education, a deadline or persuasion to withdraw."""

    kind = forms.ChoiceField(
        label=_("Handling"),
        choices=[
            (value, label) for value, label in HandlingKind.choices if value in RECORDED_KINDS
        ],
    )
    handled_on = DateField(label=_("Date"), initial=_today)
    note = forms.CharField(
        label=_("What was said and agreed"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    correct_by = DateField(
        label=_("Correct by"),
        plan=True,
        required=False,
        help_text=_("For a deadline to correct: the date by which the member must correct."),
    )
    propose_withdrawal = forms.BooleanField(
        label=_("The member agreed to withdraw: propose it to the superior committee"),
        required=False,
        help_text=_(
            "For persuasion to withdraw, after the branch general meeting discussed it: the "
            "committee's approval is what changes the member's standing."
        ),
    )
    meeting_on = DateField(label=_("Date of the branch general meeting"), required=False)
    resolution = forms.CharField(
        label=_("What the branch general meeting resolved"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StartProcedureForm(forms.Form):
    """The procedure's first step: the facts the branch checked, and when it told the member."""

    handled_on = DateField(label=_("Facts checked on"), initial=_today)
    note = forms.CharField(
        label=_("Findings"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Which condition of article 38 (organizational life, dues, assigned work), since "
            "when, and whether there was a proper reason."
        ),
    )
    informed_on = DateField(
        label=_("Member told the findings on"),
        required=False,
        help_text=_("Leave empty if the member has not been told yet."),
    )


class InformedForm(forms.Form):
    informed_on = DateField(label=_("Member told the findings on"), initial=_today)


class ProcedureDecisionForm(forms.Form):
    """The branch general meeting's resolution, sent to the superior committee for approval."""

    meeting_on = DateField(label=_("Date of the branch general meeting"))
    resolution = forms.CharField(
        label=_("What the branch general meeting resolved"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The vote: members due, present, for and against."),
    )
