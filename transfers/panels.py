"""What transfers add to other apps' pages: the member's page (the open transfer, or why the
member should be transferred, and the button to start one), the member list's "in transfer"
badge, and the home page's queue counts. Registered in `TransfersConfig.ready`: members does not
import transfers."""

from __future__ import annotations

from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _

from core.models import User
from core.panels import Panel, PanelContext
from core.scoping import Action
from members.pages import ListFlag, MemberPage
from organizations.scope import user_scope
from transfers.models import Transfer, TransferQuerySet
from transfers.queues import change_org_ids, queue_counts
from transfers.suggestions import suggestion_for


def member_transfer(page: MemberPage) -> PanelContext:
    """The open transfer the user may see (the member is "in transfer" until received), else
    why the member should be transferred (home side only): one or two queries."""
    current = (
        Transfer.objects.visible_to(page.user)
        .open()
        .filter(member=page.member)
        .select_related("to_org")
        .first()
    )
    suggestion = None
    if current is None and page.can_change and not page.member.is_archived:
        suggestion = suggestion_for(page.member)
    return {"open": current, "suggestion": suggestion}


def in_transfer() -> TransferQuerySet:
    """A member with an open transfer stays in the register until received, marked."""
    return Transfer.objects.open().filter(member_id=OuterRef("pk"))


def home_counts(user: User) -> PanelContext:
    """The user's queues' counts, in one aggregate (the organizations are a subquery of it);
    nothing for a user who works on no organization."""
    if not user_scope(user).can(Action.CHANGE):
        return None
    return {"counts": queue_counts(user, change_org_ids(user))}


MEMBER_PANEL: Panel[MemberPage] = Panel(
    "transfer",
    member_transfer,
    {"actions": "transfers/_member_actions.html", "notices": "transfers/_member_notice.html"},
    order=60,
)
LIST_FLAG = ListFlag("in_transfer", _("In transfer"), "text-bg-warning", in_transfer)
HOME_PANEL: Panel[User] = Panel("transfers", home_counts, {"sections": "transfers/_home.html"}, 50)
