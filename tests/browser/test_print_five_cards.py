"""The five cards print on exactly five A4 pages, nothing cut off, however long the history."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from members.cards.views import SHEETS
from tests.browser.printing import pdf_page_count, print_pdf
from tests.browser.test_member_journey import log_in
from tests.factories import MemberFactory
from tests.members.cards.test_five_cards import long_record

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)


def test_the_longest_history_prints_on_five_pages(
    page, live_server, tree, members, secretary, town
):
    # Every text as long as its field allows: 3 absences, 8 changes while away, 30 contacts,
    # 10 reports.
    member = long_record(
        member=MemberFactory.create(
            name="欧阳流动", home_org=tree.a1, home_address="流" * 200, job="流" * 100
        ),
        home=secretary,
        inflow=town,
        inflow_org=tree.a2,
    )
    log_in(page, live_server, "secretary")
    pdf, overflowing = print_pdf(
        page, f"{live_server.url}{reverse('members:five_cards', args=[member.pk])}"
    )
    assert overflowing == []
    assert pdf_page_count(pdf) == SHEETS


def test_the_longest_history_outside_the_system_prints_on_five_pages(
    page, live_server, tree, members, secretary, town
):
    """Issue 9, item 5: absences checked in outside the system, every text at its longest, still
    print the mobility card on its one sheet."""
    member = long_record(
        member=MemberFactory.create(name="欧阳在外", home_org=tree.a1),
        home=secretary,
        inflow=town,
        inflow_org=tree.a2,
        outside=True,
    )
    log_in(page, live_server, "secretary")
    pdf, overflowing = print_pdf(
        page, f"{live_server.url}{reverse('members:five_cards', args=[member.pk])}"
    )
    assert overflowing == []
    assert pdf_page_count(pdf) == SHEETS


def test_a_member_without_history_prints_on_five_pages(page, live_server, members, secretary):
    log_in(page, live_server, "secretary")
    url = reverse("members:five_cards", args=[members["a1"].pk])
    pdf, overflowing = print_pdf(page, f"{live_server.url}{url}")
    assert overflowing == []
    assert pdf_page_count(pdf) == SHEETS


def test_the_cards_read_on_a_phone(page, live_server, members, secretary):
    """On a 375-pixel screen the sheets narrow to the screen: nothing to scroll sideways."""
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}{reverse('members:five_cards', args=[members['a1'].pk])}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375
