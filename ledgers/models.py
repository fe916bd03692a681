"""An export of a ledger: who asked for which rows, and (for big ones) the file a Celery task
wrote, kept privately for its requester for a limited time."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Writing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    #: The file was removed when its time ran out; the row stays (the audit trail points at it).
    EXPIRED = "expired", _("Expired")


class ExportMode(models.TextChoices):
    #: Written in the request and sent back at once.
    DIRECT = "direct", _("At once")
    #: Written by a Celery task; downloaded from its page.
    TASK = "task", _("In the background")


class ExportJob(models.Model):
    """One export. Its id is in the job's URL; only its requester may see the job or download
    the file (anyone else gets a 404)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ledger = models.CharField(_("ledger"), max_length=40)
    title = models.CharField(_("ledger title"), max_length=100)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ledger_exports",
        verbose_name=_("requested by"),
    )
    #: The list page's query string, as lists of values per key (QueryDict.lists()).
    params = models.JSONField(_("filter"), default=dict, blank=True)
    filter_words = models.CharField(_("filter, in words"), max_length=500, blank=True)
    full_ids = models.BooleanField(_("full ID-card numbers"), default=False)
    mode = models.CharField(_("mode"), max_length=10, choices=ExportMode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    #: The file's name under PRIVATE_MEDIA_ROOT (task exports only).
    file = models.CharField(_("file"), max_length=200, blank=True)
    file_name = models.CharField(_("download name"), max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("downloadable until"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger export")
        verbose_name_plural = _("ledger exports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_user_created_idx"),
            models.Index(
                fields=["expires_at"],
                name="export_expires_idx",
                condition=models.Q(status="done"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def is_active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def downloadable(self) -> bool:
        return (
            self.status == ExportStatus.DONE
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )


class ImportStatus(models.TextChoices):
    #: A big file, being checked by the worker.
    CHECKING = "checking", _("Checking")
    #: Read and checked, no problem found: waiting for the requester to confirm.
    READY = "ready", _("Ready to import")
    #: Read and checked: problems to fix; nothing can be imported from this file.
    INVALID = "invalid", _("Has problems")
    #: Confirmed, being imported by the worker.
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")


class ImportBatch(models.Model):
    """One uploaded file: what its check found (each problem with its row and column), and,
    once confirmed, what it changed. The file is kept privately for its requester: the
    confirmation imports exactly the file that was checked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("import"), max_length=40)
    title = models.CharField(_("import title"), max_length=100)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ledger_imports",
        verbose_name=_("requested by"),
    )
    file = models.CharField(_("file"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    file_size = models.PositiveIntegerField(_("file size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices)
    #: Checked and imported by the worker (a file over LEDGERS_IMPORT_DIRECT_MAX_BYTES).
    in_background = models.BooleanField(_("in the background"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    #: How many rows the worker has checked or imported so far (the progress bar).
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    #: What the rows will do (or did): create, update, unchanged → how many.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    #: [{"row": 3, "column": "公民身份号码", "message": "..."}], in row order.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="import_user_created_idx")
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.file_name}"

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)

    @property
    def percent(self) -> int:
        if not self.rows:
            return 0
        return min(100, self.rows_done * 100 // self.rows)
