"""The mobile members' pages (流动党员): the lists of `members.lists`, with their counts.

Each list filters by an organization in scope (a forged id answers 404) and searches by name;
a page costs the same number of queries whether it shows one row or fifty.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from core.scoping import Action
from core.types import AuthedRequest
from members.lists.forms import MobileListForm
from members.lists.queries import (
    LISTS,
    Reach,
    Thresholds,
    episode_counts,
    lost_summary,
    member_list_counts,
    summary_anchor,
)
from organizations.models import Organization
from organizations.scope import user_scope


def _base(request: AuthedRequest) -> tuple[Reach, Thresholds]:
    return Reach.of(request.user), Thresholds()


@login_required
def mobile_home(request: AuthedRequest) -> HttpResponse:
    """The "Mobile members" page: every list with its count (two or three queries)."""
    reach, t = _base(request)
    counts = episode_counts(reach, t)
    counts.update(member_list_counts(reach, t))
    tabs = [(spec, counts[slug]) for slug, spec in LISTS.items()]
    return render(
        request,
        "members/lists/index.html",
        {"tabs": tabs, "lists": LISTS.values(), "thresholds": t, "mobile_nav": True},
    )


@login_required
def mobile_list(request: AuthedRequest, slug: str) -> HttpResponse:
    """One list, filtered and paginated."""
    spec = LISTS.get(slug)
    if spec is None:
        raise Http404
    form = MobileListForm(
        request.GET or None, user=request.user, with_days=slug == "not_checked_in"
    )
    if form.is_bound:
        form.is_valid()  # a forged organization id answers 404 here, before any row is read
    org: Organization | None = form.value("org")
    reach, t = _base(request)
    if org is not None:
        form.offer(org)
        reach = reach.within(org)
    days = form.value("days") if "days" in form.fields else None
    if days is not None:
        t = Thresholds(today=t.today, grace_days=days, contact_days=t.contact_days)
    rows = spec.queryset(reach, t, search=form.value("q") or "")
    page = Paginator(rows, settings.MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "spec": spec,
        "lists": LISTS.values(),
        "form": form,
        "page": page,
        "thresholds": t,
        "querystring": query.urlencode(),
        "mobile_nav": True,
        # Read-only inspectors see the lists but record nothing (the scope is already computed).
        "may_record": user_scope(request.user).can(Action.CHANGE),
    }
    if slug == "lost":
        anchor = summary_anchor(request.user, org)
        if anchor is not None:
            rows_, elsewhere = lost_summary(reach, anchor)
            context.update(summary_anchor=anchor, summary=rows_, summary_elsewhere=elsewhere)
    return render(request, f"members/lists/{slug}.html", context)
