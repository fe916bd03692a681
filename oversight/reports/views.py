"""The nightly reports' pages (issue 12, item 6):

- `report_list` (`?as_of=YYYY-MM-DD`): the reports of one day (the latest by default) of every
  organization in the user's scope, the user's own organizations first; the days with reports
  offered;
- `report_detail`: one report: its figures per rule, its alerts by age, what changed since the
  previous report, links to the alert list, its Excel file (or why there is none);
- `report_download`: the Excel file, only through the report's organization's scope, always as
  a download, recorded in the audit trail.

Scope: a report is read by whoever sees its organization (out of scope: 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.actions import do_record_printout
from core.scoping import Action
from core.types import AuthedRequest
from organizations.scope import require_any, user_scope
from oversight import rules as registry
from oversight.models import NightlyReport
from oversight.reports.build import private_file
from oversight.reports.excel import age_title, ordered_codes
from oversight.reports.forms import ReportDateForm
from oversight.reports.queries import AGE_BUCKETS, reports_visible_to

#: The days offered by the date picker (the newest).
RECENT_DAYS = 31
#: Reports on a page of the list.
REPORTS_PAGE_SIZE = 100
#: PostgreSQL's bigint: a larger id in the URL is no report (404), not a database error.
MAX_ID = 2**63 - 1
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request: AuthedRequest, pk: int) -> NightlyReport:
    if pk > MAX_ID:
        raise Http404
    report: NightlyReport = get_object_or_404(reports_visible_to(request.user), pk=pk)
    return report


def alerts_url(org_id: int, rule: str = "") -> str:
    """The alert list filtered to the organization (and rule), or "" while that page is not
    there (it is another package's)."""
    try:
        base = reverse("oversight:alerts")
    except NoReverseMatch:
        return ""
    params: dict[str, str | int] = {"org": org_id, "rule": rule} if rule else {"org": org_id}
    return f"{base}?{urlencode(params)}"


def _line(report: NightlyReport, own: set[int]) -> dict[str, Any]:
    return {
        "report": report,
        "url": reverse("oversight:report", args=[report.pk]),
        "live": report.figures.get("live", 0),
        "serious": report.figures.get("serious", 0),
        "opened": report.changes.get("opened_total", 0),
        "closed": report.changes.get("closed_total", 0),
        "own": report.organization_id in own,
        "indent": range(max(report.organization.depth - 1, 0)),
    }


@login_required
def report_list(request: AuthedRequest) -> HttpResponse:
    """The reports of one day in the user's scope, in tree order and REPORTS_PAGE_SIZE to a
    page (a province's day is 5,000 reports), the user's own organizations first. Five queries
    after the session, the user and the roles: the latest day (when none is asked for), the
    days offered, the user's own reports, the count and the page."""
    require_any(request.user, Action.VIEW)
    form = ReportDateForm(request.GET or None)
    scoped = reports_visible_to(request.user)
    day = form.day or scoped.aggregate(latest=Max("as_of"))["latest"]
    days = list(scoped.order_by("-as_of").values_list("as_of", flat=True).distinct()[:RECENT_DAYS])
    own = {role.organization_id for role in user_scope(request.user).roles}
    of_day = scoped.filter(as_of=day).order_by("organization__path") if day else scoped.none()
    mine = [_line(r, own) for r in of_day.filter(organization_id__in=own)] if day else []
    page = Paginator(of_day, REPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/reports/list.html",
        {
            "form": form,
            "day": day,
            "days": days,
            "mine": mine,
            "lines": [_line(report, own) for report in page.object_list],
            "page": page,
            "querystring": urlencode({"as_of": day.isoformat()}) if day else "",
        },
    )


def rule_lines(report: NightlyReport) -> list[dict[str, Any]]:
    figures, changes = report.figures, report.changes
    rules = figures.get("rules", {})
    opened, closed = changes.get("opened", {}), changes.get("closed", {})
    return [
        {
            "code": code,
            "title": registry.title_of(code),
            "count": rules.get(code, {}).get("count", 0),
            "serious": rules.get(code, {}).get("serious", 0),
            "amount": rules.get(code, {}).get("amount_owed", "0"),
            "opened": opened.get(code, 0),
            "closed": closed.get(code, 0),
            "url": alerts_url(report.organization_id, code),
        }
        for code in ordered_codes({*rules, *opened, *closed})
    ]


def file_state(report: NightlyReport) -> str:
    """Why the page offers the file or not: "ready", "nothing" (no live alert and no change:
    no file was written) or "expired" (removed after the keeping period)."""
    if report.file:
        return "ready"
    figures, changes = report.figures, report.changes
    if figures.get("live") or changes.get("opened_total") or changes.get("closed_total"):
        return "expired"
    return "nothing"


@login_required
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    ages = report.figures.get("ages", {})
    return render(
        request,
        "oversight/reports/detail.html",
        {
            "report": report,
            "rules": rule_lines(report),
            "ages": [(age_title(bucket), ages.get(bucket, 0)) for bucket in AGE_BUCKETS],
            "since": _day(report.changes.get("since")),
            "file_state": file_state(report),
            "keep_days": settings.OVERSIGHT_REPORT_KEEP_DAYS,
            "alerts_url": alerts_url(report.organization_id),
        },
    )


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@never_cache
@require_GET
@login_required
def report_download(request: AuthedRequest, pk: int) -> FileResponse:
    """The report's Excel file: only through its organization's scope, always as a download
    (never shown inline, never sniffed as another type), recorded in the audit trail."""
    report = _report(request, pk)
    found = private_file(report.file) if report.file else None
    if found is None:
        raise Http404("No file for this report")
    try:
        handle = found.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage") from exc
    try:
        do_record_printout(
            actor=request.user,
            instance=report,
            event="export.nightly_report",
            details={
                "organization": report.organization_id,
                "as_of": report.as_of.isoformat(),
                "file": report.file,
            },
        )
    except BaseException:
        handle.close()
        raise
    name = f"{report.organization.name}-{report.as_of.isoformat()}.xlsx"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)
    response["X-Content-Type-Options"] = "nosniff"
    return response
