"""Plumbing models with no domain of their own: the staff user and the audit entry."""

from __future__ import annotations

from typing import Any

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.audit import current_actor, current_org_path


class User(AbstractUser):
    """A staff account: branch secretaries, township and county officers, inspectors.

    What a user may see and do comes from their roles (organizations.Role), not from Django's
    global permissions; `is_superuser` is kept for the few system administrators.
    """

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an officer creates the account: the user chooses a password first."),
    )

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": ""}


class AuditEntryManager(LogEntryManager):
    def log_create(self, instance: Any, force_log: bool = False, **kwargs: Any) -> Any:
        # Copy the organization path out of the model's additional data into its own indexed
        # column, so that "entries inside my subtree" is an index range scan.
        get_additional_data = getattr(instance, "get_additional_data", None)
        if callable(get_additional_data) and "additional_data" not in kwargs:
            kwargs["additional_data"] = get_additional_data()
        data = kwargs.get("additional_data") or {}
        kwargs.setdefault("org_path", data.get("org_path") or current_org_path())
        if kwargs.get("actor") is None and (actor := current_actor()) is not None:
            kwargs["actor"] = actor
        return super().log_create(instance, force_log=force_log, **kwargs)


class AuditEntry(AbstractLogEntry):
    """One line of the audit trail: who did what to which record, when, from where.

    Created automatically for every change of a registered model (django-auditlog), and explicitly
    for events that change nothing but must be recorded: viewing a full ID-card number, exports,
    role grants and revocations. `event` names the explicit ones.
    """

    org_path = models.CharField(
        _("organization path"),
        max_length=255,
        blank=True,
        help_text=_("Tree path of the organization the record belongs to; scopes the audit page."),
    )
    event = models.CharField(_("event"), max_length=50, blank=True)

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(
                OpClass("org_path", name="varchar_pattern_ops"),
                F("timestamp").desc(),
                name="audit_org_path_ts_idx",
            ),
            models.Index(fields=["event", "-timestamp"], name="audit_event_ts_idx"),
        ]
