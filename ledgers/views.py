"""The export pages: a ledger's export page (what will be written, and the button), the job's
page with its progress bar (polled by htmx), the download, and the user's own exports.

A job is its requester's alone: anyone else, whatever their role, gets a 404 for its page and
its file."""

from __future__ import annotations

import tempfile
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.actions import do_record_printout
from core.types import AuthedRequest
from ledgers import exports, registry
from ledgers.forms import ExportForm
from ledgers.models import ExportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A file bigger than this is spooled to disk while the request sends it.
SPOOL_BYTES = 8 * 1024 * 1024


def _source(request: AuthedRequest, key: str) -> registry.LedgerSource:
    source = registry.get(key)
    if source is None:
        raise Http404("No such ledger")
    if not source.may_export(request.user):
        raise PermissionDenied
    return source


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def export(request: AuthedRequest, key: str) -> HttpResponseBase:
    """GET: what the export will hold (the list's filter in words, the row count). POST: write
    it, at once (up to LEDGERS_DIRECT_MAX_ROWS rows) or by the worker (the job's page)."""
    source = _source(request, key)
    may_reveal = source.has_id_numbers and registry.may_reveal_any(request.user)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        full_ids = form.cleaned_data["full_ids"]
        if full_ids and not may_reveal:
            raise PermissionDenied
        job, selection, rows = exports.new_job(
            user=request.user, source=source, data=request.GET, full_ids=full_ids
        )
        if rows > settings.LEDGERS_DIRECT_MAX_ROWS:
            exports.queue(job, rows)
            return redirect("ledgers:job", pk=job.pk)
        # Closed by the response once sent (FileResponse closes its file).
        handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        try:
            exports.run_direct(job, request.user, selection, handle)
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        response = FileResponse(
            handle, as_attachment=True, filename=job.file_name, content_type=XLSX
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    job, selection, rows = exports.new_job(
        user=request.user, source=source, data=request.GET, full_ids=False
    )
    query = request.GET.urlencode()
    return render(
        request,
        "ledgers/export.html",
        {
            "source": source,
            "form": form,
            "may_reveal": may_reveal,
            "words": selection.words,
            "rows": rows,
            "in_background": rows > settings.LEDGERS_DIRECT_MAX_ROWS,
            "query": query,
            "list_url": reverse(source.list_url) + (f"?{query}" if query else ""),
        },
    )


def _own_job(request: AuthedRequest, pk: Any) -> ExportJob:
    try:
        return ExportJob.objects.get(pk=pk, requested_by=request.user)
    except (ExportJob.DoesNotExist, ValueError) as exc:
        raise Http404("No such export") from exc


@never_cache
@require_GET
@login_required
def job(request: AuthedRequest, pk: str) -> HttpResponse:
    """The job's page; htmx polls its status part while the worker writes."""
    found = _own_job(request, pk)
    template = "ledgers/job.html"
    if request.htmx:
        template += "#status"
    return render(request, template, {"job": found})


@never_cache
@require_GET
@login_required
def download(request: AuthedRequest, pk: str) -> FileResponse:
    """The job's file: its requester's only, until it expires; each download audited."""
    found = _own_job(request, pk)
    path = exports.private_file(found.file) if found.downloadable else None
    if path is None:
        raise Http404("The file is not ready or has expired")
    try:
        handle = path.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage") from exc
    try:
        do_record_printout(
            actor=request.user,
            instance=found,
            event="export.download",
            details={"ledger": found.ledger, "rows": found.rows_done},
        )
    except BaseException:
        handle.close()
        raise
    response = FileResponse(handle, as_attachment=True, filename=found.file_name, content_type=XLSX)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_GET
@login_required
def job_list(request: AuthedRequest) -> HttpResponse:
    """The user's own exports, newest first (the last 50)."""
    jobs = ExportJob.objects.filter(requested_by=request.user).order_by("-created_at")[:50]
    return render(request, "ledgers/job_list.html", {"jobs": jobs})
