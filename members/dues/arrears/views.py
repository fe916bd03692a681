"""The arrears pages (issue 11, item 4): who owes dues, per county, township and branch.

- `arrears_page` (`?org=<id>&owed=<n>`): the totals of the organization's children (members in
  arrears, months and amount owed; click through: county → township → branch), and the members
  owing at least n months (1, 3, or the party constitution's six: settings.DUES_LAPSE_MONTHS),
  cursor-paged, with their months and amount owed, "dues paid up to" and last payment, red from
  six months (art. 9: six consecutive months without paying counts as leaving the party).
- `anomalies_page` (`?org=<id>`): months paid far ahead, and months paid with no obligation.

Without `org` a page shows the user's scope (its first organization, the others offered); an
organization outside the scope is a 404; a query string that is not what the page writes is
ignored. Constant query counts: the totals one statement (`members.dues.queries`), the page of
members one (its dues worked out for that page's rows only, by `with_dues`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode

from core.links import url_maker
from core.pagination import keyset_context
from core.scoping import Action
from core.types import AnyUser, AuthedRequest
from members.dues.arrears.forms import ArrearsForm, ledger_years
from members.dues.queries import (
    ArrearsTotal,
    anomalies,
    anomaly_members,
    arrears_totals,
    jit_off,
    members_of,
)
from members.models import Member
from members.models.member import MemberQuerySet
from organizations.models import Organization
from organizations.scope import require_any, user_scope

#: The arrears list's order and cursor (the register's: the pinyin index).
ARREARS_KEYS = ("name_pinyin", "id")
#: The anomalies page lists at most this many paid months (the first, by member and month).
ANOMALY_LIMIT = 500
#: Treebeard's path step.
STEP = 4
#: The years the dues ledger's export form offers, the latest first (any year from
#: `ledger_years` is accepted in the query string).
LEDGER_YEARS_OFFERED = 6


def scope_roots(user: AnyUser) -> list[Organization]:
    """The top organizations of the user's view scope (a superuser: the tree's roots)."""
    scope = user_scope(user)
    if scope.is_superuser:
        return list(Organization.objects.filter(depth=1).order_by("path"))
    paths = scope.paths_for(Action.VIEW)
    return list(Organization.objects.filter(path__in=paths).order_by("path"))


def chosen_root(request: AuthedRequest, form: ArrearsForm) -> tuple[Organization, list[Any]]:
    """The organization the page shows (`?org=`, in scope or 404; else the scope's first) and
    the scope's top organizations (offered when there are several)."""
    require_any(request.user, Action.VIEW)
    roots = scope_roots(request.user)
    org_id = form.value("org")
    if org_id is not None:
        root = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_id)
    elif roots:
        root = roots[0]
    else:
        raise Http404
    return root, roots


def trail(root: Organization, roots: list[Organization]) -> list[Organization]:
    """The organizations from the scope's top down to `root` (its parent included), to climb
    back up: one query."""
    top = next((r for r in roots if root.path.startswith(r.path)), root)
    paths = [root.path[:n] for n in range(len(top.path), len(root.path), STEP)]
    if not paths:
        return []
    return list(Organization.objects.filter(path__in=paths).order_by("path"))


def _query(**params: Any) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "", 1)}
    return f"?{urlencode(kept)}" if kept else ""


def total_lines(lines: list[ArrearsTotal], owed: int) -> list[dict[str, Any]]:
    """The totals table's lines, each with the link to drill down (the root's own line: none)."""
    return [
        {
            "line": line,
            "url": "" if line.is_root else _query(org=line.org_id, owed=owed),
            "owing": line.owing.get(owed, 0),
        }
        for line in lines
    ]


def member_lines(members: list[Member]) -> list[dict[str, Any]]:
    link = url_maker("members:detail")
    lapse = settings.DUES_LAPSE_MONTHS
    return [
        {
            "member": m,
            "url": link(m.pk),
            "dues": m.dues,
            "lapsed": m.dues.months_owed >= lapse,
        }
        for m in members
    ]


def _with_dues(as_of: Any) -> Any:
    """The page's rows read again with their dues (`with_dues` for those rows only)."""

    def finish(rows: QuerySet[Member]) -> QuerySet[Member]:
        queryset: MemberQuerySet = rows  # type: ignore[assignment]
        return queryset.with_dues(as_of).select_related("home_org")

    return finish


@login_required
def arrears_page(request: AuthedRequest) -> HttpResponse:
    """The totals of the organization's children, and its members in arrears (see the module's
    docstring). Five queries after the session, the user and the roles, however many members:
    the scope's top organizations, JIT off, the totals, the page of members, JIT back."""
    form = ArrearsForm(request.GET or None)
    root, roots = chosen_root(request, form)
    owed = form.owed_months
    today = timezone.localdate()
    in_subtree = Organization.objects.filter(path__startswith=root.path).values("pk")
    owing = Member.objects.active().filter(home_org__in=in_subtree).in_dues_arrears(today, owed)
    with jit_off():
        totals = arrears_totals(root, today)
        context = keyset_context(
            request,
            owing,
            keys=ARREARS_KEYS,
            size=settings.MEMBERS_PAGE_SIZE,
            finish=_with_dues(today),
        )
    return render(
        request,
        "members/dues/arrears/arrears.html",
        {
            **context,
            "form": form,
            "root": root,
            "roots": roots if len(roots) > 1 else [],
            "trail": trail(root, roots),
            "owed": owed,
            "today": today,
            "totals": totals,
            "lines": total_lines(totals.lines, owed),
            "owing_count": totals.total.owing.get(owed, 0),
            "members": member_lines(context["page"].object_list),
            "lapse": settings.DUES_LAPSE_MONTHS,
            "org_query": _query(org=root.pk),
            "ledger_years": offered_years(),
            "this_year": today.year,
        },
    )


def offered_years() -> list[int]:
    """The years the dues ledger's export form offers: the latest it may be written for, and
    the ones before it."""
    first, last = ledger_years()
    return list(range(last, max(first, last - LEDGER_YEARS_OFFERED + 1) - 1, -1))


@login_required
def anomalies_page(request: AuthedRequest) -> HttpResponse:
    """Months paid far ahead (more than settings.DUES_AHEAD_ANOMALY_MONTHS past this month),
    and months paid with no obligation, of the organization's members: one statement, then
    their names."""
    form = ArrearsForm(request.GET or None)
    root, roots = chosen_root(request, form)
    today = timezone.localdate()
    with jit_off():
        rows = anomalies(members_of(root), today, limit=ANOMALY_LIMIT + 1)
    more = len(rows) > ANOMALY_LIMIT
    rows = rows[:ANOMALY_LIMIT]
    members = anomaly_members(rows)
    link = url_maker("members:detail")
    return render(
        request,
        "members/dues/arrears/anomalies.html",
        {
            "form": form,
            "root": root,
            "roots": roots if len(roots) > 1 else [],
            "trail": trail(root, roots),
            "today": today,
            "ahead": settings.DUES_AHEAD_ANOMALY_MONTHS,
            "rows": [
                {"row": row, "member": members[row.member_id], "url": link(row.member_id)}
                for row in rows
            ],
            "more": more,
            "limit": ANOMALY_LIMIT,
            "org_query": _query(org=root.pk),
        },
    )
