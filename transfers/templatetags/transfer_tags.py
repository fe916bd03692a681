"""The transfer counts on the home page, in one aggregate query."""

from __future__ import annotations

from typing import Any

from django import template

from core.scoping import Action
from organizations.models import Organization
from organizations.scope import user_scope

register = template.Library()


@register.simple_tag
def transfer_counts(user: Any) -> dict[str, int] | None:
    """The user's transfer queues' counts; None for a user who works on no organization.

    The organizations are a subquery of the same aggregate, so the home page pays one query."""
    from transfers.views import queue_counts

    scope = user_scope(user)
    if scope.is_superuser:
        ids: Any = Organization.objects.order_by().values("id")
    elif scope.paths_for(Action.CHANGE):
        ids = Organization.objects.filter(scope.q("path", Action.CHANGE)).order_by().values("id")
    else:
        return None
    return queue_counts(user, ids)
