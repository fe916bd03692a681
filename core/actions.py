"""The shape every write takes: one atomic function, keyword-only, that names its actor."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from core.forms import add_action_errors
from core.models import User, acting_as, record_event

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

#: True while an action runs: an action called by another joins its transaction.
_in_action: ContextVar[bool] = ContextVar("in_action", default=False)


@contextmanager
def _transaction() -> Iterator[None]:
    """The outermost action opens the transaction (a savepoint only when its caller already holds
    one: a test, a management command, a view that recovers from the action's refusal). An action
    called inside another runs in that transaction without a savepoint of its own: if it fails,
    the whole action fails, which is what a partial write would otherwise hide. A caller that
    recovers from a nested action's failure opens a savepoint itself, and says why."""
    if _in_action.get():
        with transaction.atomic(savepoint=False):
            yield
        return
    token = _in_action.set(True)
    try:
        with transaction.atomic():
            yield
    finally:
        _in_action.reset(token)


def action(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` in one transaction, with every audit entry it causes naming its `actor`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if "actor" not in kwargs:
            raise TypeError(f"{func.__name__}() must be called with actor=")
        with _transaction(), acting_as(kwargs["actor"]):  # type: ignore[arg-type]
            return func(*args, **kwargs)

    return wrapper


@action
def do_record_printout(
    *, actor: User, instance: Model, event: str, details: dict[str, Any] | None = None
) -> None:
    """A document left the system on paper (a letter, a certificate, the five cards, each with
    a member's particulars): who printed what goes into the audit trail."""
    record_event(actor=actor, instance=instance, event=event, details=details)


def run_action(form: forms.BaseForm, act: Callable[[], T]) -> T | None:
    """If `form` is bound and valid, run the action it asks for: its result; or None, with the
    action's refusal shown on the form (nothing was written)."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return act()
    except ValidationError as exc:
        add_action_errors(form, exc)
        return None
