"""The shape every write takes: one atomic function, keyword-only, that names its actor."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import transaction

from core.audit import acting_as

P = ParamSpec("P")
R = TypeVar("R")


def action(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` in one transaction, with every audit entry it causes naming its `actor`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if "actor" not in kwargs:
            raise TypeError(f"{func.__name__}() must be called with actor=")
        with transaction.atomic(), acting_as(kwargs["actor"]):  # type: ignore[arg-type]
            return func(*args, **kwargs)

    return wrapper
