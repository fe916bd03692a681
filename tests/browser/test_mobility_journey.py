"""Issue 3's journey in a real browser: one absence, seen by both sides and no one else."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)


@pytest.fixture
def traveller(tree, members) -> Member:
    return MemberFactory.create(name="林远行", home_org=tree.a1)


def test_outflow_check_in_and_the_shared_record(
    page_for, live_server, secretary, station, secretary2, traveller, tree
):
    detail = f"{live_server.url}{reverse('members:detail', args=[traveller.pk])}"

    # The home branch registers the outflow to the station's area.
    context, page = page_for("secretary")
    page.goto(f"{live_server.url}{reverse('members:outflow', args=[traveller.pk])}")
    page.fill("#id_out_date", "2026-11-01")
    page.fill("#id_destination_province", "浙江省")
    page.fill("#id_destination_county", "乙县")
    page.select_option("#id_occupation", "migrant")
    page.fill("#id_reason", "务工")
    page.select_option("#id_intended_org", str(tree.bs.pk))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/members/{traveller.pk}/$"))
    expect(page.locator("body")).to_contain_text("浙江省乙县")
    context.close()

    # The station checks the member in by ID-card number and name.
    context, page = page_for("station")
    page.goto(f"{live_server.url}{reverse('members:check_in')}")
    page.fill("#id_id_number", traveller.id_number)
    page.fill("#id_name", traveller.name)
    page.fill("#id_checked_in_on", "2026-11-05")
    page.select_option("#id_inflow_org", str(tree.bs.pk))
    # Enter in a field checks in (the form's main action), as a hurried secretary would.
    page.press("#id_name", "Enter")
    page.wait_for_url(re.compile(rf"/members/{traveller.pk}/$"))
    expect(page.locator("body")).to_contain_text("林远行")
    context.close()

    # The home branch sees the check-in on the member's page.
    context, page = page_for("secretary")
    page.goto(detail)
    expect(page.locator("body")).to_contain_text("乙镇流动党员服务站")
    expect(page.locator("body")).to_contain_text("2026-11-05")
    context.close()

    # A sibling branch of the station sees nothing.
    context, page = page_for("secretary2")
    response = page.goto(detail)
    assert response is not None
    assert response.status == 404
    context.close()
