"""Found members (找到的党员): members who arrived without an outflow registration.

A member of the system without a current absence is registered as found, deliberately, after
the check-in said there was no outflow record; a person whose ID-card number is not in the
system is kept as a found arrival until their home organization works in it, then matched.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.actions import run_action
from core.forms import form_for
from core.scoping import Action
from core.types import AuthedRequest
from core.validators import mask_id_number
from core.views import ScopedActionFormView
from members.found.actions import (
    do_close_found_arrival,
    do_match_found_arrival,
    do_record_found_arrival,
    do_register_found_member,
)
from members.found.forms import (
    CloseArrivalForm,
    FoundArrivalForm,
    FoundMemberForm,
    MatchArrivalForm,
)
from members.models import ArrivalStatus, FoundArrival
from organizations.scope import require_check_in_point, user_scope

FOUND_PAGE_SIZE = 50


@login_required
def register_found(request: AuthedRequest) -> HttpResponse:
    """Register a member of the system as found: a second, explicit step, never automatic.

    POST with step=prefill (from the check-in page) or step=suggest shows the form filled in;
    only the form's own "Register as found" button acts.
    """
    require_check_in_point(request.user)
    steps = {"prefill": (), "suggest": ("inflow_org",)}
    form = form_for(FoundMemberForm, request, steps=steps, actor=request.user)
    episode = run_action(
        form, lambda: do_register_found_member(actor=request.user, **form.found_kwargs())
    )
    if episode is not None:
        done = _("%(name)s was registered as found at %(org)s; the home branch has been told.")
        names = {"name": episode.member.name, "org": episode.inflow_org}
        messages.success(request, done % names)
        return redirect("members:detail", pk=episode.member_id)
    return render(request, "members/found/member_form.html", {"form": form})


@login_required
def arrival_list(request: AuthedRequest) -> HttpResponse:
    """Found people outside the system, for the inflow organization and the committees above
    it; open ones first by default."""
    status = request.GET.get("status", ArrivalStatus.OPEN)
    if status not in (*ArrivalStatus.values, "all"):
        status = ArrivalStatus.OPEN
    queryset = (
        FoundArrival.objects.visible_to(request.user)
        .select_related("inflow_org")
        .order_by("-arrived_on", "-id")
    )
    if status != "all":
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, FOUND_PAGE_SIZE).get_page(request.GET.get("page"))
    scope = user_scope(request.user)
    change_ids = set() if scope.is_superuser else set(scope.organization_ids(Action.CHANGE))
    rows = [
        {
            "arrival": arrival,
            "masked_id": mask_id_number(arrival.id_number),
            "can_change": scope.is_superuser or arrival.inflow_org_id in change_ids,
        }
        for arrival in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": [(ArrivalStatus.OPEN.value, ArrivalStatus.OPEN.label)]
        + [(value, label) for value, label in ArrivalStatus.choices if value != "open"]
        + [("all", _("All"))],
        "may_record": bool(change_ids) or scope.is_superuser,
    }
    return render(request, "members/found/arrival_list.html", context)


@login_required
def arrival_create(request: AuthedRequest) -> HttpResponse:
    """Record a found person whose ID-card number is not in the system."""
    require_check_in_point(request.user)
    form = form_for(FoundArrivalForm, request, steps={"prefill": ()}, actor=request.user)
    fields = FoundArrivalForm.Meta.fields
    arrival = run_action(
        form,
        lambda: do_record_found_arrival(
            actor=request.user, **{name: form.cleaned_data[name] for name in fields}
        ),
    )
    if arrival is not None:
        messages.success(
            request,
            _("%(name)s was recorded as found at %(org)s.")
            % {"name": arrival.name, "org": arrival.inflow_org},
        )
        return redirect("members:found_list")
    return render(request, "members/found/arrival_form.html", {"form": form})


class ArrivalCloseView(ScopedActionFormView):
    """Close a found person's record without a match."""

    model = FoundArrival
    scope_action = Action.CHANGE
    template_name = "members/found/arrival_close.html"
    context_object_name = "arrival"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("inflow_org")

    def get_form(self, data: Any = None) -> CloseArrivalForm:
        return CloseArrivalForm(data)

    def perform(self, form: CloseArrivalForm) -> None:
        do_close_found_arrival(
            actor=self.actor, arrival=self.object, note=form.cleaned_data["note"]
        )
        messages.success(self.request, _("The record is closed."))

    def get_success_url(self) -> str:
        return reverse("members:found_list")


class ArrivalMatchView(ScopedActionFormView):
    """Match a found person to their member record once the home organization is in the
    system: they are checked in, or become a found episode."""

    model = FoundArrival
    scope_action = Action.CHANGE
    template_name = "members/found/arrival_match.html"
    context_object_name = "arrival"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("inflow_org")

    def get_form(self, data: Any = None) -> MatchArrivalForm:
        return MatchArrivalForm(data)

    def perform(self, form: MatchArrivalForm) -> None:
        self.episode = do_match_found_arrival(
            actor=self.actor, arrival=self.object, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("%(name)s was matched to the member record.") % {"name": self.object.name},
        )

    def get_success_url(self) -> str:
        return reverse("members:detail", args=[self.episode.member_id])
