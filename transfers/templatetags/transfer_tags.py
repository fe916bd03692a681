"""The transfer counts on the home page, in one aggregate query."""

from __future__ import annotations

from typing import Any

from django import template

from core.scoping import Action
from organizations.scope import user_scope

register = template.Library()


@register.simple_tag
def transfer_counts(user: Any) -> dict[str, int] | None:
    """The user's transfer queues' counts; None for a user who works on no organization.

    The organizations are a subquery of the same aggregate, so the home page pays one query."""
    from transfers.views import change_org_ids, queue_counts

    scope = user_scope(user)
    if not scope.is_superuser and not scope.paths_for(Action.CHANGE):
        return None
    return queue_counts(user, change_org_ids(user))


@register.simple_tag
def member_transfer(member: Any, user: Any, can_change: bool) -> dict[str, Any]:
    """For the member's page: the open transfer the user may see (the member is "in transfer"
    until received), else why the member should be transferred (home side only). One or two
    queries."""
    from transfers.models import Transfer
    from transfers.suggestions import suggestion_for

    current = (
        Transfer.objects.visible_to(user)
        .open()
        .filter(member=member)
        .select_related("to_org")
        .first()
    )
    suggestion = None
    if current is None and can_change and not member.is_archived:
        suggestion = suggestion_for(member)
    return {"open": current, "suggestion": suggestion}
