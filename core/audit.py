"""The audit trail: who acted, and explicit events that change nothing but must be recorded.

Changes to registered models are logged automatically by django-auditlog (with the before/after
values and the request's IP); `acting_as` names the actor for actions run outside a request, and
`record_event` writes the events that are not model changes: full ID-card views, exports, role
grants and revocations.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.models import AuditEntry, User

_current_actor: ContextVar[User | None] = ContextVar("audit_actor", default=None)
_filed_under: ContextVar[str] = ContextVar("audit_org_path", default="")


def current_actor() -> User | None:
    return _current_actor.get()


@contextmanager
def acting_as(actor: User | None) -> Iterator[None]:
    """Every audit entry written inside the block names `actor` (nesting is safe)."""
    token = _current_actor.set(actor)
    try:
        yield
    finally:
        _current_actor.reset(token)


def current_org_path() -> str:
    return _filed_under.get()


@contextmanager
def filed_under(org_path: str) -> Iterator[None]:
    """Entries for records that belong to no organization (staff users) written inside the
    block are filed under `org_path`, so the officers above it see them on their audit page."""
    token = _filed_under.set(org_path)
    try:
        yield
    finally:
        _filed_under.reset(token)


def record_event(
    *,
    actor: User | None,
    instance: Any,
    event: str,
    details: dict[str, Any] | None = None,
    org_path: str | None = None,
) -> AuditEntry:
    # core.models reads the current actor from this module: the import breaks that cycle.
    from core.models import AuditEntry

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
