"""The members app's section of the home page: the register's counts and the mobile members'
lists' counts, two aggregate queries."""

from __future__ import annotations

from django.db.models import Count, Q

from core.models import User
from core.panels import Panel, PanelContext
from members.lists.queries import Reach, Thresholds, episode_counts
from members.models import GOOD_STANDINGS, Member
from organizations.scope import user_scope


def member_counts(user: User) -> PanelContext:
    """The counts of the register in the user's scope, and of each mobile members' list (the
    lost count is the register's)."""
    scope = user_scope(user)
    if not (scope.is_superuser or scope.roles):
        return None
    counts = (
        Member.objects.visible_to(user)
        .active()
        .aggregate(
            total=Count("id", filter=Q(standing__in=GOOD_STANDINGS)),
            probationary=Count("id", filter=Q(membership="probationary")),
            mobile=Count("id", filter=Q(is_mobile=True)),
            lost=Count("id", filter=Q(lost_contact=True)),
            suspended=Count("id", filter=Q(standing="suspended")),
        )
    )
    return {"counts": counts, "mobile_counts": episode_counts(Reach.of(user), Thresholds())}


HOME_PANEL: Panel[User] = Panel("members", member_counts, {"sections": "members/_home.html"}, 30)
