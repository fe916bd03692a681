"""Plumbing with no domain of its own, that every model and write of the project relies on:

- the staff `User`;
- the audit trail: `AuditEntry` (django-auditlog's entry with the organization path it is filed
  under), who is acting (`acting_as`, set by every action) and the explicit events that change
  nothing but must be recorded (`record_event`: full ID-card views, printouts, exports, grants);
- state machines: a model's `TRANSITIONS` table and the one `transition` every action moves a
  status with.

Changes to registered models are logged automatically by django-auditlog (with the before/after
values and the request's IP).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, TypeVar

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


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


# --- the audit trail ------------------------------------------------------------------------

_current_actor: ContextVar[User | None] = ContextVar("audit_actor", default=None)
_filed_under: ContextVar[str] = ContextVar("audit_org_path", default="")
_held: ContextVar[bool] = ContextVar("notifications_held", default=False)
V = TypeVar("V")


@contextmanager
def _set(var: ContextVar[V], value: V) -> Iterator[None]:
    """`var` holds `value` inside the block (nesting is safe)."""
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def current_actor() -> User | None:
    return _current_actor.get()


def acting_as(actor: User | None) -> AbstractContextManager[None]:
    """Every audit entry written inside the block names `actor`."""
    return _set(_current_actor, actor)


def current_org_path() -> str:
    return _filed_under.get()


def filed_under(org_path: str) -> AbstractContextManager[None]:
    """Entries for records that belong to no organization (staff users) written inside the
    block are filed under `org_path`, so the officers above it see them on their audit page."""
    return _set(_filed_under, org_path)


def held() -> AbstractContextManager[None]:
    """Inside the block, notices are stored in the app but no copy leaves the system through
    the channels (organizations.notices): for generated data (the demo county), whose phone
    numbers and addresses are made up."""
    return _set(_held, True)


def messages_held() -> bool:
    return _held.get()


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


def record_event(
    *,
    actor: User | None,
    instance: Any,
    event: str,
    details: dict[str, Any] | None = None,
    org_path: str | None = None,
) -> AuditEntry:
    extra: dict[str, Any] = {}
    if org_path is not None:
        extra["org_path"] = org_path
    entry: AuditEntry = AuditEntry.objects.log_create(
        instance,
        force_log=True,
        action=AuditEntry.Action.ACCESS,
        event=event,
        actor=actor,
        changes=details or {},
        **extra,
    )
    return entry


M = TypeVar("M", bound=models.Model)


def save_valid(instance: M, *, update_fields: list[str] | None = None) -> M:
    """Validate (`full_clean`: fields, the model's `clean`, constraints), then save: the last
    step of every action that writes a row."""
    instance.full_clean()
    instance.save(update_fields=update_fields)
    return instance


# --- state machines -------------------------------------------------------------------------


class StateMachine:
    """A model whose `status` moves only as `TRANSITIONS` allows."""

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]]
    status: Any

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


def _label(obj: Any, status: str) -> str:
    return str(dict(obj._meta.get_field("status").choices).get(status, status))


def transition(obj: StateMachine, status: str) -> str:
    """Move `obj` to `status` (not saved), or refuse saying plainly why; answers the status it
    left. Runs inside the action that saves `obj`, after it locked the row."""
    if not obj.can_become(status):
        raise ValidationError(
            gettext("This %(thing)s is %(now)s: it cannot become %(next)s.")
            % {
                "thing": getattr(obj, "_meta").verbose_name,  # noqa: B009 - a model's options
                "now": _label(obj, obj.status),
                "next": _label(obj, status),
            }
        )
    previous: str = obj.status
    obj.status = status
    return previous
