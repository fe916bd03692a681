"""Forms of standing decisions: the branch's proposal and the committee's answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, DateInput
from members.models import DECISION_FROM, DecisionKind, Member, StandingDecision


def _today() -> dt.date:
    return timezone.localdate()


class ProposeDecisionForm(forms.ModelForm[StandingDecision]):
    """Only the kinds that apply to the member's current standing are offered."""

    class Meta:
        model = StandingDecision
        fields = StandingDecision.PROPOSAL_FIELDS
        widgets = {
            "meeting_on": DateInput(),
            "grounds": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = [
            (value, label)
            for value, label in DecisionKind.choices
            if member.standing in DECISION_FROM[value]
        ]


class AnswerDecisionForm(forms.Form):
    """The superior committee's answer: the date and the approval's file number, or why not."""

    decided_on = DateField(label=_("Date of the answer"), widget=DateInput(), initial=_today)
    answer = forms.CharField(
        label=_("The committee's answer"),
        max_length=500,
        required=False,
        help_text=_("The approval's file number; if not approved, why."),
    )
