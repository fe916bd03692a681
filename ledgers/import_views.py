"""The import pages: a kind's page (its template and the upload), the checked file's preview
(every problem with its row and column, or what each row will do) and the confirmation.

An upload is checked in the request and kept privately with what the check found; confirming
checks the same file again and imports it in one transaction. A batch is its requester's
alone: anyone else gets a 404."""

from __future__ import annotations

import io
import uuid
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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import record_event
from core.types import AuthedRequest
from ledgers import imports, registry
from ledgers.models import ImportBatch, ImportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FOLDER = "imports"
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


def _private(name: str) -> Path:
    root = (Path(settings.PRIVATE_MEDIA_ROOT) / FOLDER).resolve()
    found = (Path(settings.PRIVATE_MEDIA_ROOT) / name).resolve()
    if not found.is_relative_to(root):
        raise Http404("No such file")
    return found


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def import_page(request: AuthedRequest, key: str) -> HttpResponseBase:
    """The template to download, and the upload; an upload is checked and shown."""
    spec = _spec(request, key)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch_id = uuid.uuid4()
        name = f"{FOLDER}/{request.user.pk}/{batch_id}.xlsx"
        path = Path(settings.PRIVATE_MEDIA_ROOT) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        size = upload.size or 0
        if size > settings.LEDGERS_IMPORT_MAX_BYTES:
            # Not kept: the check refuses it by its size alone.
            checked = imports.check(spec, request.user, io.BytesIO(b""), size)
            sha = ""
        else:
            with open(path, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            with open(path, "rb") as handle:
                sha = imports.digest(handle)
                checked = imports.check(spec, request.user, handle, size)
        batch = ImportBatch.objects.create(
            id=batch_id,
            kind=spec.key,
            title=str(spec.title),
            requested_by=request.user,
            file=name if sha else "",
            file_name=(upload.name or "")[:200],
            file_size=min(size, 2**31 - 1),
            sha256=sha,
            status=ImportStatus.INVALID if checked.problems else ImportStatus.READY,
            rows=checked.rows,
            counts=checked.counts,
            problems=[problem.as_dict() for problem in checked.problems],
        )
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
    response["Content-Disposition"] = _disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"


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
    return render(
        request,
        "ledgers/import_batch.html",
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
    """Import the checked file: every row in one transaction, or none."""
    found = _own_batch(request, pk)
    spec = _spec(request, found.kind)
    if found.status != ImportStatus.READY:
        messages.error(request, _("This file cannot be imported: it has problems or is done."))
        return redirect("ledgers:import_batch", pk=found.pk)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=found.pk)
        if locked.status != ImportStatus.READY:
            return redirect("ledgers:import_batch", pk=found.pk)
        path = _private(locked.file)
        with open(path, "rb") as handle:
            checked = imports.commit(spec, request.user, handle, locked.file_size)
        locked.counts = checked.counts
        locked.rows = checked.rows
        if checked.problems:
            locked.status = ImportStatus.INVALID
            locked.problems = [problem.as_dict() for problem in checked.problems]
            locked.save(update_fields=["status", "problems", "counts", "rows"])
            messages.error(request, _("Nothing was imported: the file has problems now."))
            return redirect("ledgers:import_batch", pk=found.pk)
        locked.status = ImportStatus.DONE
        locked.imported_at = timezone.now()
        locked.save(update_fields=["status", "counts", "rows", "imported_at"])
        record_event(
            actor=request.user,
            instance=locked,
            event="import.ledger",
            details={
                "kind": locked.kind,
                "file": locked.file_name,
                "sha256": locked.sha256,
                "rows": locked.rows,
                **locked.counts,
            },
            org_path=registry.audit_path(request.user),
        )
    counts = checked.counts
    messages.success(
        request,
        _("Imported: %(create)d new, %(update)d updated, %(unchanged)d unchanged.") % counts,
    )
    return redirect(reverse("ledgers:import_batch", args=[found.pk]))
