"""State machines: every status field with allowed moves is a table on its model, and every move
goes through `transition`, so no action can set a status the table does not allow.

A model opts in with `StateMachine`, setting `TRANSITIONS` (each status → the statuses it may
become) and keeping its state in a `status` field with choices. Absences, transfers,
certificates and found arrivals use it; alerts will.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
            _("This %(thing)s is %(now)s: it cannot become %(next)s.")
            % {
                "thing": getattr(obj, "_meta").verbose_name,  # noqa: B009 - a model's options
                "now": _label(obj, obj.status),
                "next": _label(obj, status),
            }
        )
    previous: str = obj.status
    obj.status = status
    return previous
