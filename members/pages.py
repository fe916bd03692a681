"""The member's pages: the member's page and the member list as other feature packages and apps
add to them, and the base of every page that runs one action on one member.

`member_page` holds the panels of a member's page: the mobility card, certificates, the
whereabouts, reports and contacts (members' own feature packages, registered in
`MembersConfig.ready`) and those of later apps (transfers registers its "in transfer" notice and
its button in `TransfersConfig.ready`). `list_flags` holds the badges a row of the member list
may carry beside the register's own (mobile, lost, archived): transfers adds "in transfer".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django_stubs_ext import StrOrPromise

from core.models import User
from core.panels import PanelRegistry
from core.views import ScopedActionFormView
from members.models import Member


@dataclass(frozen=True)
class MemberPage:
    """What every panel of a member's page is given: who looks, at whom, what they may do."""

    user: User
    member: Member
    #: The home side: identity, handling, the absence, certificates.
    can_change: bool
    #: The home side's changers or an organization the member is shared with: life records.
    can_record: bool


member_page: PanelRegistry[MemberPage] = PanelRegistry("member")


@dataclass(frozen=True)
class ListFlag:
    """A badge on the member list's lines of the members `records` finds."""

    name: str
    label: StrOrPromise
    css: str
    #: The records that flag a member, filtered on `member_id=OuterRef("pk")`: the list asks
    #: whether any exists, for the page's rows only, in its one query.
    records: Callable[[], QuerySet[Any]]


list_flags: dict[str, ListFlag] = {}


def register_list_flag(flag: ListFlag) -> ListFlag:
    list_flags[flag.name] = flag
    return flag


class MemberActionView(ScopedActionFormView):
    """A form about one member (in `scope_action`'s scope) whose valid POST runs one action,
    says `success_message` (formatted with the member's name) and goes back to the member's
    page. Subclasses set `scope_action`, `template_name`, and implement `get_form`, `perform`."""

    model = Member
    context_object_name = "member"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("home_org")

    def get_success_message(self) -> str:
        return str(self.success_message) % {"name": self.object.name}

    def get_success_url(self) -> str:
        return reverse("members:detail", args=[self.object.pk])


#: What later apps add to the five cards (五卡, `members.cards.views`), given the member: the
#: democratic evaluation card's rows (slot "evaluation") and the education and handling card's
#: lines (slot "handling"), registered by the education app in its `AppConfig.ready`.
five_cards: PanelRegistry[Member] = PanelRegistry("five_cards")
