"""Forms of the democratic evaluation: the home branch's grade and the inflow organization's
opinion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, DateInput, ScopedModelChoiceField
from education.models import Grade, HandlingKind, Meeting
from organizations.models import Organization

#: A branch's evaluation: at most this many votes per grade (a big branch has a few hundred).
MAX_VOTES = 2000


def _today() -> dt.date:
    return timezone.localdate()


class MeetingChoiceField(ScopedModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.get_kind_display()}: {obj.topic}"


def _votes(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_VOTES, required=False)


class GradeForm(forms.Form):
    """The home branch's grade of one member for one year."""

    self_assessment = forms.CharField(
        label=_("Self-assessment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mutual_assessment = forms.CharField(
        label=_("Mutual assessment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A summary of what the other members said."),
    )
    meeting = MeetingChoiceField(
        label=_("Meeting that voted"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("The branch general meeting or organizational-life meeting of the vote."),
    )
    votes_excellent = _votes(_("Votes for excellent"))
    votes_qualified = _votes(_("Votes for qualified"))
    votes_basic = _votes(_("Votes for basically qualified"))
    votes_unqualified = _votes(_("Votes for unqualified"))
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    graded_on = DateField(label=_("Graded on"), widget=DateInput(), initial=_today)
    handling_kind = forms.ChoiceField(
        label=_("Handling (unqualified only)"),
        choices=[("", "—"), *HandlingKind.choices],
        required=False,
    )
    measures = forms.CharField(
        label=_("Measures"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required for “Unqualified”: the criticism and education given and what the member "
            "must correct. It shows on the education and handling card."
        ),
    )
    correct_by = DateField(label=_("Correct by"), widget=DateInput(), plan=True, required=False)

    def __init__(self, *args: Any, branch: Organization, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting: Any = self.fields["meeting"]
        meeting.queryset = (
            Meeting.objects.held()
            .filter(
                organization=branch,
                kind__in=("general_meeting", "life_meeting"),
                held_on__year__in=(year, year + 1),
            )
            .order_by("-held_on", "-id")
        )


class InflowOpinionForm(forms.Form):
    """The inflow organization's opinion of a member checked in with it."""

    opinion = forms.CharField(
        label=_("Opinion"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Organizational life, dues, work and conduct while with the organization."),
    )
    suggested_grade = forms.ChoiceField(label=_("Suggested grade"), choices=Grade.choices)
