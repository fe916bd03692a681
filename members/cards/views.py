"""The five cards (五卡) of a member on one printable page.

Each card is one A4 sheet: the mobility information card (流动信息卡, with the changes and moves
while away), the pairing card
(结对联心卡), the democratic evaluation card (民主评议卡), the basic information card (流动党员
基本信息卡) and the education and handling card (教育处理卡). Long logs are cut to their latest
entries (saying how many more there are) and long texts to a few lines, so every card fits its
sheet and the page always prints on the same number of pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.views import PrintView
from members.models import (
    CertificateCheck,
    CheckResult,
    ContactRecord,
    DecisionStatus,
    EpisodeUpdate,
    Member,
    MobilityEpisode,
    RegularReport,
    StandingDecision,
)
from members.pages import five_cards

#: How many of the latest entries each card shows (what fits one A4 sheet).
EPISODES_SHOWN = 3


#: The latest changes and moves while away under them (Issue 9, item 4): what fits beside
#: three absences at their longest, one of them checked in outside the system (item 5;
#: tests/browser/test_print_five_cards.py).
UPDATES_SHOWN = 2


CONTACTS_SHOWN = 20


REPORTS_SHOWN = 6


#: Decisions on the education and handling card (each one a line; a member has few). Issue 12
#: lowered it from 6: the card also carries the oversight app's handling lines (talks, the
#: six-month rule procedure; tests/browser/test_print_handling_card.py).
DECISIONS_SHOWN = 4


#: Failed yearly checks of the member's activity certificates on the same card, with their
#: handling (Issue 9, item 7): the latest ones; with the decisions they fit the sheet.
FAILED_CHECKS_SHOWN = 4


#: The number of sheets the page prints on, whatever the member's records (tests pin it).
SHEETS = 5


def _count_of(model: type[Any]) -> Coalesce:
    """The number of `model` rows about the member, as a subquery on the member's row."""
    counted = (
        model.objects.filter(member=OuterRef("pk"))
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _item_16(member: Member, episodes: list[MobilityEpisode]) -> bool:
    """Item 16 of the national form (是否流动党员): the current absence, if it is expected or
    has lasted six months or more; with no absence on record, what the register was given (an
    imported collection form says it itself)."""
    current = next((e for e in episodes if e.is_current), None)
    if current is None:
        return bool(member.is_mobile)
    return current.makes_mobile_member(timezone.localdate())


class FiveCardsView(PrintView):
    """The printable five cards; whoever may see the member may print them. The ID-card number
    is masked, as on the member's page (the full number is revealed and audited only there)."""

    model = Member
    template_name = "print/five_cards.html"
    context_object_name = "member"

    def get_queryset(self) -> QuerySet[Any]:
        # The totals behind "N more not shown" ride on the member's row: no query per log.
        members: QuerySet[Any] = (
            super()
            .get_queryset()
            .select_related("home_org")
            .annotate(
                episodes_total=_count_of(MobilityEpisode),
                updates_total=_count_of(EpisodeUpdate),
                contacts_total=_count_of(ContactRecord),
                reports_total=_count_of(RegularReport),
            )
        )
        return members

    def printout(self) -> tuple[Model, str, dict[str, Any]]:
        return self.object, "member.cards_printed", {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        member: Any = self.object
        episodes = list(MobilityEpisode.objects.of_member(member)[:EPISODES_SHOWN])
        updates = EpisodeUpdate.objects.latest_for(member, UPDATES_SHOWN)
        contacts = ContactRecord.objects.latest_for(member, CONTACTS_SHOWN)
        reports = RegularReport.objects.latest_for(member, REPORTS_SHOWN)
        context.update(
            episodes=episodes,
            episodes_more=member.episodes_total - len(episodes),
            updates=updates,
            updates_more=member.updates_total - len(updates),
            # The pairing card names the contact of the latest absence that has one.
            pairing=next((e for e in episodes if e.contact is not None), None),
            contacts=contacts,
            contacts_more=member.contacts_total - len(contacts),
            reports=reports,
            reports_more=member.reports_total - len(reports),
            # The handling card: decisions the branch proposed and what became of them
            # (withdrawn proposals are not handling).
            decisions=list(
                StandingDecision.objects.filter(member=member)
                .exclude(status=DecisionStatus.WITHDRAWN)
                .select_related("committee")
                .order_by("-created_at", "-id")[:DECISIONS_SHOWN]
            ),
            # And the handling of failed yearly checks of the activity certificate (talks,
            # criticism...; Issue 9, item 7).
            failed_checks=list(
                CertificateCheck.objects.filter(
                    certificate__member=member, result=CheckResult.FAILED
                )
                .select_related("certificate")
                .order_by("-year", "-id")[:FAILED_CHECKS_SHOWN]
            ),
            printed_on=timezone.localdate(),
            mobile_member=_item_16(member, episodes),
            # What later apps add: the democratic evaluation card's rows and the handling
            # card's lines (members.pages.five_cards; the education app fills it).
            cards=five_cards.build(member),
        )
        return context
