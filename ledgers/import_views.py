"""The import pages: a kind's page (its template and the upload), the checked file's preview
(every problem with its row and column, or what each row will do) and the confirmation.

An upload is checked in the request and kept privately with what the check found; confirming
checks the same file again and imports it in one transaction. A batch is its requester's
alone: anyone else gets a 404."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.types import AuthedRequest
from ledgers import batches, imports, tasks
from ledgers.models import ImportBatch, ImportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: How many problems the preview lists (all are counted).
PROBLEMS_SHOWN = 500


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


def _spec(request: AuthedRequest, key: str) -> imports.ImportSpec:
    spec = imports.get(key)
    if spec is None:
        raise Http404("No such import")
    if not spec.may_import(request.user):
        raise PermissionDenied
    return spec


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def import_page(request: AuthedRequest, key: str) -> HttpResponseBase:
    """The template to download, and the upload. A small file is checked in the request; a
    big one (over LEDGERS_IMPORT_DIRECT_MAX_BYTES) by the worker, its page showing the
    progress."""
    spec = _spec(request, key)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = ImportBatch(
            kind=spec.key,
            title=str(spec.title),
            requested_by=request.user,
            file_name=(upload.name or "")[:200],
            file_size=min(upload.size or 0, 2**31 - 1),
            status=ImportStatus.CHECKING,
        )
        if (upload.size or 0) > settings.LEDGERS_IMPORT_MAX_BYTES:
            # Refused by its size alone, and not kept.
            checked = imports.check(spec, request.user, io.BytesIO(b""), upload.size or 0)
            batch.status = ImportStatus.INVALID
            batch.problems = [problem.as_dict() for problem in checked.problems]
            batch.save()
            return redirect("ledgers:import_batch", pk=batch.pk)
        batch.file = f"{batches.FOLDER}/{request.user.pk}/{batch.pk}.xlsx"
        path = Path(settings.PRIVATE_MEDIA_ROOT) / batch.file
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        with open(path, "rb") as handle:
            batch.sha256 = imports.digest(handle)
        batch.in_background = batch.file_size > settings.LEDGERS_IMPORT_DIRECT_MAX_BYTES
        batch.save()
        if batch.in_background:
            transaction.on_commit(lambda: tasks.check_import.delay(str(batch.pk)))
        else:
            batches.run_check(batch.pk)
        return redirect("ledgers:import_batch", pk=batch.pk)
    recent = ImportBatch.objects.filter(requested_by=request.user, kind=spec.key)[:10]
    return render(
        request,
        "ledgers/import.html",
        {
            "spec": spec,
            "form": form,
            "recent": recent,
            "max_mb": settings.LEDGERS_IMPORT_MAX_BYTES // 1024 // 1024,
            "max_rows": settings.LEDGERS_IMPORT_MAX_ROWS,
        },
    )


@never_cache
@require_GET
@login_required
def template(request: AuthedRequest, key: str) -> HttpResponse:
    """The kind's template, with the drop-down lists of the user's own choices."""
    spec = _spec(request, key)
    buffer = io.BytesIO()
    imports.write_template(spec, request.user, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = f"{spec.title}-{_('template')}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _own_batch(request: AuthedRequest, pk: Any) -> ImportBatch:
    try:
        return ImportBatch.objects.get(pk=pk, requested_by=request.user)
    except (ImportBatch.DoesNotExist, ValueError) as exc:
        raise Http404("No such import") from exc


@never_cache
@require_GET
@login_required
def batch(request: AuthedRequest, pk: str) -> HttpResponse:
    found = _own_batch(request, pk)
    spec = imports.get(found.kind)
    template = "ledgers/import_batch.html"
    if request.htmx:
        template += "#batch"
    return render(
        request,
        template,
        {
            "batch": found,
            "spec": spec,
            "problems": found.problems[:PROBLEMS_SHOWN],
            "more_problems": max(0, len(found.problems) - PROBLEMS_SHOWN),
        },
    )


@never_cache
@require_POST
@login_required
def confirm(request: AuthedRequest, pk: str) -> HttpResponseBase:
    """Import the checked file: every row in one transaction, or none; a big file by the
    worker."""
    found = _own_batch(request, pk)
    _spec(request, found.kind)
    waiting = ImportBatch.objects.filter(pk=found.pk, status=ImportStatus.READY).update(
        status=ImportStatus.IMPORTING, rows_done=0
    )
    if not waiting:
        messages.error(request, _("This file cannot be imported: it has problems or is done."))
        return redirect("ledgers:import_batch", pk=found.pk)
    if found.in_background:
        transaction.on_commit(lambda: tasks.commit_import.delay(str(found.pk)))
        return redirect("ledgers:import_batch", pk=found.pk)
    checked = batches.run_commit(found.pk)
    if checked is None or checked.problems:
        messages.error(request, _("Nothing was imported: the file has problems now."))
    else:
        messages.success(
            request,
            _("Imported: %(create)d new, %(update)d updated, %(unchanged)d unchanged.")
            % checked.counts,
        )
    return redirect(reverse("ledgers:import_batch", args=[found.pk]))
