"""Issue 9, item 5 in a real browser, on a phone: the home branch records where its member
checked in outside the system (the 2019 education-management regulations: a member going out
reports to the organization where they go; the outflow organization, 流出地党组织, keeps in
touch), and the member then shows as checked in, not as "not checked in"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from members.builders import away
from members.models import OutsideConfirmation
from tests.browser.test_member_journey import log_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)


def test_secretary_records_an_outside_check_in_from_a_phone(
    page, live_server, tree, members, secretary
):
    """Issue 9, item 5: `secretary`, on a 375-pixel screen, opens the member's mobility card,
    records the check-in reported by the member, and the member leaves "not checked in"."""
    member = MemberFactory.create(name="林在外", home_org=tree.a1)
    today = timezone.localdate()
    away(member, actor=secretary, out_date=today - dt.timedelta(days=60))
    log_in(page, live_server, "secretary")
    waiting = f"{live_server.url}{reverse('members:not_checked_in')}"
    page.goto(waiting)
    expect(page.locator("table.mobile-list")).to_contain_text("林在外")

    page.goto(f"{live_server.url}{reverse('members:detail', args=[member.pk])}")
    page.get_by_role("link", name="登记系统外报到").click()
    page.wait_for_url(re.compile(r"/outside-check-in/$"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.fill("#id_organization_name", "中共东莞市长安镇流动党员党委")
    page.fill("#id_organization_address", "广东省东莞市长安镇长青南路1号")
    page.fill("#id_contact_name", "陈主任")
    page.fill("#id_contact_phone", "0769-85330000")
    page.fill("#id_checked_in_on", (today - dt.timedelta(days=50)).isoformat())
    page.select_option("#id_confirmed_by", OutsideConfirmation.CERTIFICATE_PHOTO.value)
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(re.compile(rf"/members/{member.pk}/$"))
    card = page.locator("#episodes-heading").locator("xpath=..")
    expect(card).to_contain_text("已在系统外报到")
    expect(card).to_contain_text("中共东莞市长安镇流动党员党委")
    expect(card).to_contain_text("活动证流入登记栏照片")

    page.goto(waiting)
    expect(page.locator("body")).not_to_contain_text("林在外")
    page.goto(f"{live_server.url}{reverse('members:checked_in_outside')}")
    expect(page.locator("table.mobile-list")).to_contain_text("林在外")
