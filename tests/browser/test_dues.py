"""Issue 11's dues sheet in a real browser, on a phone: a branch secretary records a month's dues
for several members on one page; a station records the dues of a member checked in with it, and
the member's branch sees 党费交至 advance (a payment at the inflow organization counts at home:
the 2008 dues rules)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from members.builders import away, check_in, set_dues_standard
from members.dues.actions import this_month
from members.dues.rules import seed_rates
from members.models import DuesPayment
from members.models.dues import add_months
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)

#: The phone `page_for` opens (tests/browser/conftest.py).
PHONE_WIDTH = 375


@pytest.fixture(autouse=True)
def _rates(transactional_db) -> None:
    """The flush after each transactional test takes the seeded 2008 rates with it."""
    seed_rates()


def test_secretary_records_a_months_dues_for_the_branch_on_one_page(
    page_for, live_server, secretary, superuser, tree, members
):
    """From the menu (党费) to the sheet of branch A1 for this month; three members ticked with
    their receipt numbers, one left unpaid; one save records the three."""
    branch = [members["a1"]] + [
        MemberFactory.create(name=f"党员{i}", home_org=tree.a1) for i in range(1, 4)
    ]
    for member in branch:
        set_dues_standard(member, actor=superuser, from_month=this_month())
    payers, unpaid = branch[:3], branch[3]

    context, page = page_for("secretary")
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="党费").click()
    expect(page.locator("h1")).to_contain_text("党费收缴表")
    expect(page.locator("#sheet-title")).to_contain_text("甲一支部")
    expect(page.locator("#dues-sheet-form [data-row]")).to_have_count(len(branch))
    # Each row is a card on the phone; nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    expect(page.locator("#id_received_by")).to_have_value(str(secretary))
    for i, member in enumerate(payers, start=1):
        row = page.locator(f"#row-{member.pk}")
        expect(row.locator(f"input[name='m{member.pk}-amount']")).to_have_value("40.00")
        row.get_by_label("已交").check()
        row.locator(f"input[name='m{member.pk}-receipt_number']").fill(f"2026-{i:03d}")
    page.get_by_role("button", name="保存所勾选的交纳记录").click()
    expect(page.locator("body")).to_contain_text("已登记3笔党费。")
    for member in payers:
        expect(page.locator(f"#row-{member.pk}")).to_contain_text("已交")
    expect(page.locator(f"#row-{unpaid.pk}")).to_contain_text("未交")
    expect(page.locator("#sheet-totals")).to_contain_text("120.00 元")
    context.close()

    stored = DuesPayment.objects.filter(org=tree.a1).order_by("receipt_number")
    assert [(p.member_id, p.amount, p.first_month) for p in stored] == [
        (m.pk, Decimal("40.00"), this_month()) for m in payers
    ]


def test_station_records_a_checked_in_member_and_the_branch_sees_paid_up_to_advance(
    page_for, live_server, secretary, station, superuser, tree, members
):
    member = members["a1"]
    last_month = add_months(this_month(), -1)
    set_dues_standard(member, actor=superuser, from_month=last_month)
    today = timezone.localdate()
    away(member, actor=superuser, out_date=today - dt.timedelta(days=40))
    check_in(member, actor=superuser, at=tree.bs, on=today - dt.timedelta(days=35))
    home_sheet = f"{live_server.url}{reverse('members:dues_sheet')}?org={tree.a1.pk}"

    # Before: branch A1's sheet shows last month owed.
    context, page = page_for("secretary")
    page.goto(home_sheet)
    until = page.locator(f"#row-{member.pk} .c-until")
    expect(until).not_to_contain_text(f"{last_month:%Y-%m}")
    context.close()

    # The station's own sheet (its default), last month: the member, marked 流入, pays a month.
    context, page = page_for("station")
    page.goto(f"{live_server.url}{reverse('members:dues_sheet')}")
    expect(page.locator("#sheet-title")).to_contain_text(tree.bs.name)
    page.get_by_role("link", name="上个月").click()
    page.wait_for_url(re.compile(rf"month={last_month:%Y-%m}"))
    row = page.locator(f"#row-{member.pk}")
    expect(row).to_contain_text("流入")
    expect(row).to_contain_text("甲一支部")
    row.get_by_label("已交").check()
    row.locator(f"input[name='m{member.pk}-months']").fill("1")
    row.locator(f"input[name='m{member.pk}-amount']").fill("40.00")
    row.locator(f"input[name='m{member.pk}-receipt_number']").fill("BS-0001")
    page.get_by_role("button", name="保存所勾选的交纳记录").click()
    expect(page.locator("body")).to_contain_text("已登记1笔党费。")
    expect(page.locator(f"#row-{member.pk}")).to_contain_text("BS-0001")
    context.close()

    payment = DuesPayment.objects.get(member=member)
    assert (payment.org_id, payment.first_month) == (tree.bs.pk, last_month)

    # After: the home branch sees 党费交至 at last month, paid at the station.
    context, page = page_for("secretary")
    page.goto(home_sheet)
    expect(page.locator(f"#row-{member.pk} .c-until")).to_have_text(f"{last_month:%Y-%m}")
    page.goto(f"{home_sheet}&month={last_month:%Y-%m}")
    row = page.locator(f"#row-{member.pk}")
    expect(row).to_contain_text("已交")
    expect(row).to_contain_text(tree.bs.name)
    context.close()
