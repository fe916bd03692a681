"""The secretary's main journey in a real browser, on a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from members.models import Member
from tests.factories import PASSWORD, MemberFactory

# Listing the apps lets the flush between tests cascade: auditlog's own (swapped-out) entry table
# still references users and content types, and a plain TRUNCATE refuses that.
pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def zhang(tree, members) -> Member:
    return MemberFactory.create(name="张三丰", home_org=tree.a1)


def test_secretary_finds_a_member_by_pinyin_initials_and_opens_the_card(
    page, live_server, secretary, zhang
):
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}{reverse('members:list')}")
    page.fill("#id_q", "zsf")
    # The results update while typing (htmx), without a page load: 王甲一 drops out.
    expect(page.locator("#results td.c-name a")).to_have_count(1)
    result = page.locator("#results td.c-name a", has_text="张三丰")
    expect(result).to_be_visible()
    assert "zsf" in page.url
    # Lists show the masked number, never the full one.
    assert zhang.masked_id_number in page.inner_text("#results")
    assert zhang.id_number not in page.content()
    result.click()
    page.wait_for_url(re.compile(rf"/members/{zhang.pk}/$"))
    assert "张三丰" in page.inner_text("h1")
    assert zhang.masked_id_number in page.inner_text("#id-number")
    # The page fits a 375-px phone screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_secretary2_gets_404_for_that_member(page, live_server, secretary2, zhang):
    log_in(page, live_server, "secretary2")
    response = page.goto(f"{live_server.url}{reverse('members:detail', args=[zhang.pk])}")
    assert response is not None
    assert response.status == 404
    assert "张三丰" not in page.content()


def test_the_interface_is_chinese_by_default(page, live_server, secretary, zhang):
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}{reverse('members:list')}")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "党员" in page.inner_text("body")
