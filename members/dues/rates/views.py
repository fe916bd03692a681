"""The dues rates: those in force for a county (its own schedule if it set one, else the 2008
rules, 《关于中国共产党党费收缴、使用和管理的规定》) with the history of schedules, for every
user; a county officer sets the county's new schedule from a month on (`do_set_rates`)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import add_action_errors, query_id
from core.scoping import Action
from core.types import AuthedRequest
from members.dues.actions import BandInput, do_set_rates, this_month
from members.dues.rates.forms import BandFormSet, RatesForm, band_initial
from members.models import DuesRate
from organizations.models import Organization, OrgKind
from organizations.scope import user_scope


def _prefixes(path: str, step: int) -> list[str]:
    return [path[:i] for i in range(step, len(path) + 1, step)]


def county_for(request: AuthedRequest) -> Organization | None:
    """The county asked for (?county=): one above or inside the user's scope (404 otherwise);
    by default the county of the user's first organization (a superuser's: the first county).
    None: no county at all (the deployment's rates are shown)."""
    scope = user_scope(request.user)
    counties = Organization.objects.filter(kind=OrgKind.COUNTY_COMMITTEE)
    step = Organization.steplen
    paths = scope.paths_for(Action.VIEW)
    if "county" in request.GET:
        county_id = query_id(request, "county")
        county: Organization | None = (
            counties.filter(pk=county_id).first() if county_id is not None else None
        )
        related = county is not None and (
            scope.is_superuser
            or any(p.startswith(county.path) or county.path.startswith(p) for p in paths)
        )
        if county is None or not related:
            raise Http404("No such county")
        return county
    found: Organization | None
    if scope.is_superuser:
        found = counties.order_by("path").first()
    elif paths:
        above = [prefix for path in paths for prefix in _prefixes(path, step)]
        found = counties.filter(Q(path__in=above) | scope.q("path")).order_by("path").first()
    else:
        found = None
    return found


def schedules(county: Organization | None) -> list[dict[str, Any]]:
    """Every schedule that applies or applied to `county`'s members, newest first: the
    deployment's (the 2008 rules) and the county's own, each with its month and its bands.
    One query."""
    rows = DuesRate.objects.filter(Q(county=county) | Q(county__isnull=True)).order_by(
        "-effective_from", "county_id", "category", "income_over"
    )
    month = this_month()
    return [
        {
            "effective_from": effective_from,
            "own": county_id is not None,
            "upcoming": effective_from > month,
            "bands": list(bands),
        }
        for (effective_from, county_id), bands in groupby(
            rows, key=lambda r: (r.effective_from, r.county_id)
        )
    ]


@login_required
def rates(request: AuthedRequest) -> HttpResponse:
    """The rates in force for the county this month and the schedules before and after."""
    county = county_for(request)
    history = schedules(county)
    month = this_month()
    in_force = next((s for s in history if not s["upcoming"]), None)
    can_set = county is not None and user_scope(request.user).covers(county.path, Action.CHANGE)
    return render(
        request,
        "members/dues/rates/rates.html",
        {
            "county": county,
            "month": month,
            "in_force": in_force,
            "history": history,
            "can_set": can_set,
        },
    )


@login_required
def rates_new(request: AuthedRequest) -> HttpResponseBase:
    """A county officer sets the county's new schedule from a month on."""
    county = county_for(request)
    if county is None:
        raise Http404("No county")
    if not user_scope(request.user).covers(county.path, Action.CHANGE):
        raise PermissionDenied
    posting = request.method == "POST"
    form = RatesForm(request.POST if posting else None, initial={"effective_from": this_month()})
    bands = BandFormSet(
        request.POST if posting else None,
        initial=None if posting else band_initial(DuesRate.objects.in_force(county, this_month())),
        prefix="band",
    )
    if posting and form.is_valid() and bands.is_valid():
        entries = [
            BandInput(
                category=data["category"],
                income_over=data["income_over"],
                income_up_to=data["income_up_to"],
                percent=data["percent"],
                amount_min=data["amount_min"],
                amount_max=data["amount_max"],
            )
            for data in bands.cleaned_data
            if data.get("category")
        ]
        try:
            do_set_rates(
                county=county,
                effective_from=form.cleaned_data["effective_from"],
                bands=entries,
                actor=request.user,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(county)s's new dues rates take effect from %(month)s.")
                % {
                    "county": county.name,
                    "month": form.cleaned_data["effective_from"].strftime("%Y-%m"),
                },
            )
            return redirect(f"{reverse('members:dues_rates')}?county={county.pk}")
    return render(
        request,
        "members/dues/rates/new.html",
        {"county": county, "form": form, "bands": bands},
    )
