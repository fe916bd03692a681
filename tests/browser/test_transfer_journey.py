"""Issue 4's journey in a real browser: a transfer from branch A1 to branch B1, both sides."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Member
from tests.browser.printing import pdf_page_count, print_pdf
from tests.browser.test_member_journey import log_in
from tests.factories import MemberFactory
from transfers.builders import transfer_in
from transfers.models import Transfer, TransferStatus

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)


@pytest.fixture
def mover(tree, members) -> Member:
    return MemberFactory.create(name="林迁转", home_org=tree.a1)


def test_secretary_sends_town_approves_secretary2_receives(
    page_for, live_server, secretary, town, secretary2, mover, tree
):
    member_page = f"{live_server.url}{reverse('members:detail', args=[mover.pk])}"

    # A1's secretary starts the transfer from the member's page, finding B1 by name.
    context, page = page_for("secretary")
    page.goto(member_page)
    page.click(f"a[href='{reverse('transfers:start', args=[mover.pk])}']")
    page.fill("#org-search", "乙一")
    expect(page.locator(f"#id_to_org option[value='{tree.b1.pk}']")).to_have_count(1)
    expect(page.locator(f"#id_to_org option[value='{tree.a2.pk}']")).to_have_count(0)
    page.select_option("#id_to_org", str(tree.b1.pk))
    page.fill("#id_reason", "工作调动")
    page.fill("#id_dues_paid_until", timezone.localdate().strftime("%Y-%m"))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/transfers/\d+/$"))
    transfer = Transfer.objects.get(member=mover)
    page.click("button[data-step=submit]")
    page.wait_for_url(re.compile(rf"/transfers/{transfer.pk}/$"))
    expect(page.locator(".transfer-status")).to_have_attribute("data-status", "submitted")
    context.close()

    # Township A approves and issues the letter in the same step.
    context, page = page_for("town")
    page.goto(f"{live_server.url}{reverse('transfers:queues')}?tab=to_approve")
    page.click(f"a[href='{reverse('transfers:detail', args=[transfer.pk])}']")
    page.click("a[data-step=approve]")
    expect(page.locator("#id_issue_now")).to_be_checked()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/transfers/{transfer.pk}/$"))
    expect(page.locator(".transfer-status")).to_have_attribute("data-status", "issued")
    context.close()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ISSUED

    # The sender prints the letter: three parts on one A4 page.
    context, page = page_for("secretary")
    pdf, overflowing = print_pdf(
        page, f"{live_server.url}{reverse('transfers:letter', args=[transfer.pk])}"
    )
    assert overflowing == []
    assert pdf_page_count(pdf) == 1
    context.close()

    # B1 receives the member.
    context, page = page_for("secretary2")
    page.goto(f"{live_server.url}{reverse('transfers:queues')}?tab=incoming")
    page.click(f"a[href='{reverse('transfers:detail', args=[transfer.pk])}']")
    page.click("a[data-step=receive]")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/transfers/{transfer.pk}/$"))
    expect(page.locator(".transfer-status")).to_have_attribute("data-status", "received")
    page.goto(f"{live_server.url}{reverse('members:list')}")
    expect(page.locator("body")).to_contain_text("林迁转")
    context.close()

    # A1 no longer sees the member (the transfer record stays visible to it).
    context, page = page_for("secretary")
    response = page.goto(member_page)
    assert response is not None
    assert response.status == 404
    response = page.goto(f"{live_server.url}{reverse('transfers:detail', args=[transfer.pk])}")
    assert response is not None
    assert response.status == 200
    context.close()


def test_the_longest_letter_prints_on_one_page(page, live_server, tree, secretary, town):
    """Every text as long as its field allows still fits the one A4 sheet."""
    member = MemberFactory.create(name="欧" * 50, home_org=tree.a1)
    tree.town_a.address = "地" * 200
    tree.town_a.phone = "0" * 20
    tree.town_a.postcode = "123456"
    tree.town_a.fax = "0" * 20  # issue 9, item 6: the committee's fax is printed too
    tree.town_a.save()
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=member,
        to="外" * 200,
        actor=secretary,
        issuer=town,
        addressee="抬" * 200,
        reason="因" * 200,
        valid_days=90,
        member_phone="1" * 20,
    )
    log_in(page, live_server, "secretary")
    pdf, overflowing = print_pdf(
        page, f"{live_server.url}{reverse('transfers:letter', args=[transfer.pk])}"
    )
    assert overflowing == []
    assert pdf_page_count(pdf) == 1
