"""Check-ins outside the system: a member away to a place where the party organization does not
work in this deployment reports where they checked in, and the home branch records it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import Action
from core.types import AnyUser
from core.validators import past_date
from members.models.choices import OutsideConfirmation
from members.models.member import Member
from members.models.mobility import MobilityEpisode

#: A mobile or landline number as offices write it (0755-12345678), digits and hyphens.
validate_any_phone = RegexValidator(
    r"^[0-9][0-9-]{4,19}$", _("Enter a phone number: digits, and a hyphen after the area code.")
)


class OutsideCheckInQuerySet(models.QuerySet["OutsideCheckIn"]):
    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> OutsideCheckInQuerySet:
        """As its absence is: whoever sees the member sees it; the home side records it."""
        return self.filter(episode__in=MobilityEpisode.objects.visible_to(user, action))


class OutsideCheckIn(models.Model):
    """Where a member away checked in outside the system (the 2019 education-management
    regulations: a member going out reports to the party organization where they go, and the
    outflow organization keeps in touch).

    At most one per absence (a member who moves on to another organization outside the system
    has it recorded again: the audit trail keeps the earlier one). While the absence is
    registered and this record exists the member counts as checked in, not as waiting; the
    organization is no organization of the system, so nobody is granted a share by it.
    """

    episode = models.OneToOneField(
        MobilityEpisode,
        on_delete=models.PROTECT,
        related_name="outside_check_in",
        verbose_name=_("absence"),
    )
    organization_name = models.CharField(_("organization checked in with"), max_length=200)
    organization_address = models.CharField(_("its address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person there"), max_length=50)
    contact_phone = models.CharField(
        _("contact's phone"), max_length=20, validators=[validate_any_phone]
    )
    checked_in_on = models.DateField(_("checked in on"), validators=[past_date])
    confirmed_by = models.CharField(
        _("how it was confirmed"), max_length=20, choices=OutsideConfirmation.choices
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OutsideCheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in outside the system")
        verbose_name_plural = _("check-ins outside the system")

    def __str__(self) -> str:
        return f"{self.episode.member} · {self.organization_name}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.episode.home_org.path}

    @property
    def member(self) -> Member:
        return self.episode.member


#: What the home branch fills in (the action's keyword arguments, the form's fields).
OUTSIDE_CHECK_IN_FIELDS = (
    "organization_name",
    "organization_address",
    "contact_name",
    "contact_phone",
    "checked_in_on",
    "confirmed_by",
    "note",
)
