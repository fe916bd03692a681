"""The five cards still print on exactly five A4 pages with the education and handling card at
its longest once the oversight app adds its lines (issue 12, item 3): the evaluation card's
worst case (standing decisions, failed yearly checks, the handling of 不合格 grades) and
`CARD_SHOWN` six-month rule procedures, each taken to a decision the committee
did not approve, with every text at its longest."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from members.cards.views import SHEETS
from members.standing.actions import do_reject_standing_decision
from oversight.handling.builders import procedure_to_decision
from oversight.handling.panels import CARD_SHOWN
from tests.browser.printing import pdf_page_count, print_pdf
from tests.browser.test_member_journey import log_in
from tests.browser.test_print_evaluation_card import longest_evaluations
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)


def test_the_longest_handling_card_prints_on_five_pages(
    page, live_server, tree, members, secretary, station, town
):
    member = longest_evaluations(
        MemberFactory.create(name="欧阳处理", home_org=tree.a1),
        home=secretary,
        inflow=station,
        inflow_org=tree.bs,
        approver=town,
    )
    today = timezone.localdate()
    for _ in range(CARD_SHOWN):
        procedure = procedure_to_decision(member, actor=secretary, on=today, findings="查" * 2000)
        assert procedure.decision is not None
        do_reject_standing_decision(
            actor=town, decision=procedure.decision, decided_on=today, answer="否" * 500
        )
    log_in(page, live_server, "secretary")
    pdf, overflowing = print_pdf(
        page, f"{live_server.url}{reverse('members:five_cards', args=[member.pk])}"
    )
    assert overflowing == []
    assert pdf_page_count(pdf) == SHEETS
