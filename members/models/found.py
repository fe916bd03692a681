"""People found on arrival whose home organization does not work in the system."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import StateMachine
from core.scoping import Action
from core.types import AnyUser
from core.validators import past_date, validate_id_number, validate_mobile_phone
from members.models.choices import ArrivalStatus
from members.models.member import Member
from organizations.models import Organization
from organizations.scope import user_scope


class FoundArrivalQuerySet(models.QuerySet["FoundArrival"]):
    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> FoundArrivalQuerySet:
        """The inflow organization that recorded the arrival, and the committees above it."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        base = Action.CHANGE if action == Action.RECORD else action
        return self.filter(inflow_org_id__in=scope.organization_ids(base))


class FoundArrival(StateMachine, models.Model):
    """A party member who arrived and reported without any outflow record, whose ID-card number
    is not in the system (their home organization does not work in it). The inflow side keeps
    them here until the home organization is reached; a member found *in* the system becomes an
    episode of origin "found" instead."""

    #: An open record is matched to a member or closed, once.
    TRANSITIONS = {
        ArrivalStatus.OPEN: frozenset({ArrivalStatus.MATCHED, ArrivalStatus.CLOSED}),
        ArrivalStatus.MATCHED: frozenset(),
        ArrivalStatus.CLOSED: frozenset(),
    }

    id_number = models.CharField(
        _("ID-card number"), max_length=18, validators=[validate_id_number]
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(
        _("mobile phone"), max_length=11, blank=True, validators=[validate_mobile_phone]
    )
    claimed_home_org = models.CharField(
        _("home organization (as the member states it)"), max_length=200
    )
    inflow_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="found_arrivals",
        verbose_name=_("inflow organization"),
    )
    arrived_on = models.DateField(_("date of arrival"), validators=[past_date])
    residence = models.CharField(_("current residence"), max_length=200, blank=True)
    employer = models.CharField(_("employer there"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ArrivalStatus.choices, default=ArrivalStatus.OPEN
    )
    matched_member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("matched member"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FoundArrivalQuerySet.as_manager()

    class Meta:
        verbose_name = _("found member outside the system")
        verbose_name_plural = _("found members outside the system")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(status="open"),
                name="found_arrival_one_open_per_person",
                violation_error_message=_("This person is already recorded as found."),
            )
        ]
        indexes = [models.Index(fields=["inflow_org", "status"], name="found_inflow_status_idx")]

    def __str__(self) -> str:
        return f"{self.name} · {self.inflow_org}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.inflow_org.path}
