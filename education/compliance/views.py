"""The compliance pages: one organization's required kinds with the last 12 months, and the
side-by-side table of every branch of the user's scope or of a chosen township or county.

Both read `education.compliance.queries` (two queries for any number of branches) and work
their lines out here, once, as dicts and small pieces of HTML the templates only place: a
county's table is hundreds of branches by half a dozen kinds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.links import url_maker
from core.types import AuthedRequest
from education.compliance.forms import AsOfForm, ComplianceTableForm
from education.compliance.queries import (
    ComplianceRow,
    Light,
    required_org_kinds,
    table_for,
    table_prefixes,
)
from education.models import MeetingKind, Period
from organizations.models import Organization, OrgKind

#: The colour's Bootstrap classes; the words are always written beside it.
LIGHT_CSS = {
    Light.GREEN: "text-bg-success",
    Light.AMBER: "text-bg-warning",
    Light.RED: "text-bg-danger",
}
PERIOD_CSS = {
    "held": "text-bg-success",
    "missed": "text-bg-danger",
    "open": "text-bg-light border",
    "not_owed": "text-bg-secondary",
}

#: A mark beside each period's colour (its words are there for screen readers).
PERIOD_MARKS = {"held": "✓", "missed": "✗", "open": "…", "not_owed": "-"}


def frequency_labels() -> dict[str, str]:
    return {
        Period.MONTH: _("Every month"),
        Period.QUARTER: _("Every quarter"),
        Period.YEAR: _("Every year"),
    }


def kind_labels() -> dict[str, str]:
    return {kind: str(label) for kind, label in MeetingKind.choices}


def light_labels() -> dict[str, str]:
    return {light: str(label) for light, label in Light.choices}


def _query(as_of_form: AsOfForm, **extra: Any) -> str:
    """The query string that keeps the chosen day (and `extra`) on links to other pages."""
    day = as_of_form.value("as_of")
    parts = [f"{key}={value}" for key, value in extra.items() if value]
    if day:
        parts.append(f"as_of={day.isoformat()}")
    return f"?{'&'.join(parts)}" if parts else ""


@login_required
def compliance_table_page(request: AuthedRequest) -> HttpResponse:
    """Rows: branches (and their party groups) grouped by township; columns: the kinds any of
    them must hold; a cell: the colour in words; a total per column. Four queries (five with an
    organization chosen) after the session and the user's roles, however many branches."""
    form = ComplianceTableForm(request.GET or None, user=request.user)
    as_of = form.as_of_day
    chosen: Organization | None = form.value("org")
    if chosen is not None:
        form.offer(chosen)
    prefixes = table_prefixes(request.user, chosen)
    rows = table_for(prefixes, as_of) if prefixes else []
    kinds = [kind for kind in MeetingKind.values if any(r.kind == kind for r in rows)]
    lines, totals = table_lines(rows, kinds, suffix=_query(form))
    labels = kind_labels()
    frequencies = frequency_labels()
    return render(
        request,
        "education/compliance/table.html",
        {
            "form": form,
            "as_of": as_of,
            "chosen": chosen,
            "columns": [
                {
                    "kind": kind,
                    "label": labels[kind],
                    "frequency": frequencies.get(_frequency_of(rows, kind), ""),
                    "totals": totals[kind],
                }
                for kind in kinds
            ],
            "lines": lines,
            "branch_count": len({row.organization_id for row in rows}),
        },
    )


def _frequency_of(rows: list[ComplianceRow], kind: str) -> str:
    return next((row.frequency for row in rows if row.kind == kind), "")


def table_lines(
    rows: list[ComplianceRow], kinds: list[str], *, suffix: str
) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    """The table's lines (one per organization, grouped by township, each cell's HTML made
    here) and the totals of each column by colour."""
    totals = {kind: dict.fromkeys(Light.values, 0) for kind in kinds}
    position = {kind: i for i, kind in enumerate(kinds)}
    by_org: dict[int, list[ComplianceRow]] = {}
    for row in rows:
        by_org.setdefault(row.organization_id, []).append(row)
        totals[row.kind][row.light] += 1
    link = url_maker("education:compliance_org")
    labels, kind_names = light_labels(), kind_labels()
    not_required = format_html('<td class="text-body-secondary">{}</td>', _("Not required"))
    lines: list[dict[str, Any]] = []
    group = None
    ordered = sorted(
        by_org.values(), key=lambda cells: (cells[0].group_path, cells[0].organization_path)
    )
    last_held = _("%(kind)s, last held %(day)s")
    never = _("never")
    for cells in ordered:
        first = cells[0]
        if first.group_id != group and first.group_name:
            lines.append({"heading": first.group_name, "span": len(kinds) + 1})
        group = first.group_id
        html: list[SafeString] = [not_required] * len(kinds)
        for cell in cells:
            html[position[cell.kind]] = format_html(
                '<td><span class="badge {}" title="{}">{}</span></td>',
                LIGHT_CSS[Light(cell.light)],
                last_held
                % {
                    "kind": kind_names[cell.kind],
                    "day": cell.last_held.isoformat() if cell.last_held else never,
                },
                labels[cell.light],
            )
        lines.append(
            {
                "name": first.organization_name,
                "url": f"{link(first.organization_id)}{suffix}",
                "is_group": first.organization_kind == OrgKind.PARTY_GROUP,
                "cells": SafeString("".join(html)),
            }
        )
    return lines, totals


@login_required
def compliance_org_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """One organization: each kind it must hold with its frequency, the last day held, the
    colour, and the last 12 months; its party groups below. Out of scope → 404."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    form = AsOfForm(request.GET or None)
    as_of = form.as_of_day
    must_hold = org.kind in required_org_kinds()
    rows = table_for([org.path], as_of) if must_hold else []
    frequencies, kind_names, labels = frequency_labels(), kind_labels(), light_labels()
    sections: dict[int, dict[str, Any]] = {}
    for row in rows:
        section = sections.setdefault(
            row.organization_id,
            {"name": row.organization_name, "kinds": [], "is_self": row.organization_id == org.pk},
        )
        section["kinds"].append(
            {
                "kind": row.kind,
                "label": kind_names[row.kind],
                "frequency": frequencies[row.frequency],
                "last_held": row.last_held,
                "light": row.light,
                "light_label": labels[row.light],
                "css": LIGHT_CSS[Light(row.light)],
                "periods": [
                    {
                        "label": p.label,
                        "short": p.short,
                        "state_label": p.state_label,
                        "css": PERIOD_CSS[p.state],
                        "mark": PERIOD_MARKS[p.state],
                    }
                    for p in row.periods
                ],
                "held": row.held,
                "due": row.due,
            }
        )
    own = sections.get(org.pk)
    no_committee = (
        own is not None
        and org.kind != OrgKind.PARTY_GROUP
        and all(k["kind"] != MeetingKind.COMMITTEE for k in own["kinds"])
    )
    return render(
        request,
        "education/compliance/organization.html",
        {
            "org": org,
            "form": form,
            "as_of": as_of,
            "must_hold": must_hold,
            "sections": sorted(sections.values(), key=lambda s: not s["is_self"]),
            "no_committee": no_committee,
            "committee_min": settings.BRANCH_COMMITTEE_MIN_MEMBERS,
            "table_query": _query(form, org=org.pk),
        },
    )
