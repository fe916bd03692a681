"""Issue 9, item 2 in a real browser: a branch proposes to suspend a lost member's membership,
the county approves it, and the member leaves the home page's head count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from members.builders import lose_contact
from members.models import Member, Standing
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)


def head_count(page, live_server) -> int:
    page.goto(f"{live_server.url}{reverse('home')}")
    card = page.locator("a.count-card[href$='?standing=normal'] .count-number")
    return int(card.inner_text())


def test_secretary_proposes_and_county_approves_a_suspension(
    page_for, live_server, secretary, county, tree, members
):
    """Constitution art. 9 and the 2014 opinions on members who lost contact: the branch
    general meeting resolves, the superior committee approves, and only then is the member's
    membership suspended; the home page no longer counts them as a member."""
    today = timezone.localdate()
    lost = MemberFactory.create(name="林失联", home_org=tree.a1)
    lose_contact(
        lost,
        actor=secretary,
        since=today - dt.timedelta(days=220),
        last_known_place="宁波市北仑区",
        tried_on=today - dt.timedelta(days=100),
    )

    context, page = page_for("secretary")
    page.goto(f"{live_server.url}{reverse('members:suspension_due')}")
    page.click(f"a[href^='{reverse('members:standing_propose', args=[lost.pk])}']")
    expect(page.locator("#id_kind")).to_have_value("suspend")
    page.fill("#id_grounds", "失去联系超过六个月，经多次查找仍无音讯。")
    page.fill("#id_meeting_on", (today - dt.timedelta(days=3)).isoformat())
    page.fill("#id_resolution", "党员大会表决通过，应到12人，实到11人，同意11人。")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/members/standing/\d+/$"))
    context.close()

    context, page = page_for("county")
    before = head_count(page, live_server)
    page.goto(f"{live_server.url}{reverse('members:standing_pending')}")
    page.get_by_role("link", name="林失联").click()
    page.wait_for_url(re.compile(r"/members/standing/\d+/$"))
    page.click("a[href$='/approve/']")
    page.fill("#id_answer", "组字[2026]8号")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/members/standing/\d+/$"))
    assert Member.objects.get(pk=lost.pk).standing == Standing.SUSPENDED
    assert head_count(page, live_server) == before - 1
    context.close()
