"""Scope in the queryset: the contract every member-related model follows.

Each such model's queryset has `visible_to(user, action)`; views fetch objects only through it
(see core.views), so a view cannot forget the scope. Out of scope is a 404; "may see but not
change" is a 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    #: Record organizational life, contacts and visits (the inflow side may, on shared members).
    RECORD = "record"


class ScopedQuerySetProtocol(Protocol):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser, action: str = ...) -> Self: ...

    def filter(self, *args: Any, **kwargs: Any) -> Self: ...
