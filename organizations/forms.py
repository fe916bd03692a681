from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import validate_password
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import PhoneField, ScopedModelChoiceField
from core.models import User
from organizations.actions import ORG_FIELDS, grantable_role_kinds
from organizations.models import Organization, OrgKind, RoleKind, Trade
from organizations.scope import MANAGE


class OrganizationForm(forms.ModelForm[Any]):
    class Meta:
        model = Organization
        fields = list(ORG_FIELDS)
        widgets = {"trades": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, parent: Organization | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The trades on offer, and a retired one the organization still serves.
        served = Q(pk__in=self.instance.trades.values("pk")) if self.instance.pk else Q()
        self.fields["trades"].queryset = Trade.objects.filter(  # type: ignore[attr-defined]
            Q(is_active=True) | served
        )
        if self.instance.pk:
            # The kind of an existing organization is part of the tree's shape: not edited here.
            del self.fields["kind"]
        elif parent is not None:
            kind_field = self.fields["kind"]
            assert isinstance(kind_field, forms.ChoiceField)
            kind_field.choices = [(k, v) for k, v in OrgKind.choices if parent.allows_child(k)]


class GrantRoleForm(forms.Form):
    """A role on an organization in the actor's management scope, never above their rank."""

    organization = ScopedModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    kind = forms.ChoiceField(label=_("Role"), choices=RoleKind.choices)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["organization"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.visible_to(actor, MANAGE).order_by("path")
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        org = data.get("organization")
        kind = data.get("kind")
        if org is not None and kind and kind not in grantable_role_kinds(self.actor, org):
            self.add_error("kind", _("You cannot grant this role on this organization."))
        return data


class StaffUserForm(GrantRoleForm):
    """A new staff account and its first role."""

    field_order = ["username", "full_name", "phone", "initial_password", "organization", "kind"]

    username = forms.RegexField(
        label=_("Login name"),
        regex=r"^[a-zA-Z0-9_.-]{3,30}$",
        error_messages={"invalid": _("3-30 letters, digits, dots, dashes or underscores.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = PhoneField(label=_("Mobile phone"))
    initial_password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("The user must choose a new password at first login."),
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This login name is taken."))
        return username

    def clean_initial_password(self) -> str:
        password: str = self.cleaned_data["initial_password"]
        validate_password(password)
        return password


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form; the view clears the first-login flag after it succeeds."""
