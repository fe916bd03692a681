from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ExportForm(forms.Form):
    full_ids = forms.BooleanField(
        label=_("Full ID-card numbers"),
        required=False,
        help_text=_(
            "Only for members of your own organizations; others stay masked. "
            "The export is recorded in the audit trail."
        ),
    )
