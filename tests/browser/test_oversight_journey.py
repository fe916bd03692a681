"""Issue 12's "done when" in a real browser, on a phone: the county officer runs the nightly
checks from the run log's page and sees what they found; the secretary of branch A1 opens the
nightly report from its notice, acknowledges an alert about one of the branch's members and
records a talk (谈心谈话) on the education and handling card, from the alert.

The world: members of two branches in two townships (甲一支部 in 甲镇, 乙一支部 in 乙镇) who have
paid no dues since their standard was set seven months ago (the 2008 dues rules: paid monthly;
overdue three months → `dues_overdue`; six consecutive months → the six-month rule's dues
condition, Constitution art. 9 and the 2004 opinions on the six-month rule)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from members.builders import set_dues_standard
from members.dues.actions import this_month
from members.dues.rules import seed_rates
from members.models.dues import add_months
from oversight.models import (
    Alert,
    AlertStatus,
    Handling,
    HandlingKind,
    NightlyReport,
    NightlyRun,
    RunStatus,
    RunTrigger,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)

#: Months without a payment: past both the three-month and the six-month thresholds.
UNPAID_MONTHS = 7


@pytest.fixture(autouse=True)
def _rates(transactional_db) -> None:
    """The flush after each transactional test takes the seeded 2008 rates with it."""
    seed_rates()


def test_county_runs_the_checks_and_the_secretary_handles_an_alert(
    page_for, live_server, superuser, county, secretary, tree, members
):
    """Issue 12: the run log, the button, the report per organization, the alert's states
    (open → acknowledged) and the handling card (a talk answering the alert)."""
    since = add_months(this_month(), -UNPAID_MONTHS)
    owing = [
        members["a1"],
        members["a2"],
        members["b1"],
        MemberFactory.create(name="李乙欠", home_org=tree.b1),
    ]
    for member in owing:
        set_dues_standard(member, actor=superuser, from_month=since)
    member = members["a1"]  # 王甲一, branch A1: the secretary's
    today = timezone.localdate()

    # --- county: the home page's warning → the run log → the button -------------------------
    context, page = page_for("county")
    warning = page.locator("#runs-heading").locator("xpath=..").get_by_role("alert")
    expect(warning).to_contain_text("没有运行")
    warning.get_by_role("link", name="夜间检查运行记录").click()
    expect(page.locator("h1")).to_have_text("夜间检查运行记录")
    expect(page.locator("main")).to_contain_text("检查尚未运行过。")
    page.get_by_role("button", name="立即运行检查").click()
    # The checks run inline (eager tasks): every rule and every report, on a loaded machine.
    expect(page.locator("body")).to_contain_text(
        f"截至{today.isoformat()}的检查已运行。", timeout=60_000
    )
    run = NightlyRun.objects.get()
    row = page.locator("table tbody tr").first
    expect(row).to_contain_text(today.isoformat())
    expect(row).to_contain_text("成功")
    # The counts: what the run opened, still open, closed, and the reports it built.
    opened = row.locator("td.text-end").nth(0)
    expect(opened).to_have_text(str(run.opened))
    assert run.opened >= 2 * len(owing)  # overdue, and six months unpaid, for each
    expect(row.locator("td.text-end").nth(3)).to_have_text(str(run.reports))
    # The run's page: per rule.
    row.get_by_role("link", name=today.isoformat()).click()
    page.wait_for_url(re.compile(rf"/runs/{run.pk}/$"))
    expect(page.locator("h1")).to_contain_text(f"截至{today.isoformat()}的检查")
    dues_line = page.locator("tbody tr", has=page.locator("code", has_text="dues_overdue"))
    expect(dues_line).to_contain_text("党费欠缴")
    expect(dues_line.locator("td.text-end").first).to_have_text(str(len(owing)))
    context.close()

    # --- secretary: home page counts → the notice → the report ------------------------------
    context, page = page_for("secretary")
    alerts_section = page.locator("section[aria-labelledby=alerts-heading]")
    expect(alerts_section).to_contain_text("预警")
    own = Alert.objects.filter(organization=tree.a1, closed_on__isnull=True).count()
    assert own >= 2
    expect(alerts_section.locator("[data-alert-total]")).to_have_text(str(own))
    # The run log is the county's: no warning about it here.
    expect(page.locator("#runs-heading")).to_have_count(0)
    page.get_by_role("link", name="全部通知").click()
    notice = page.locator(".notice-list li", has_text="甲一支部")
    expect(notice).to_contain_text("夜间报告")
    notice.get_by_role("button", name="查看").click()
    report = NightlyReport.objects.get(organization=tree.a1, as_of=today)
    page.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.locator("h1")).to_contain_text(f"夜间报告 · 甲一支部 · {today.isoformat()}")
    facts = page.locator("dl.info-list")
    expect(facts).to_contain_text("在办预警")
    expect(facts.locator("dd").first).to_have_text(str(report.figures["live"]))
    expect(facts).to_contain_text("欠缴金额（元）")
    expect(facts.locator("dd").nth(2)).to_have_text(report.figures["amount_owed"])
    rules_table = page.locator("table.nightly-report-rules")
    expect(rules_table.get_by_role("row", name=re.compile("党费欠缴"))).to_be_visible()
    # 甲一支部's report lists its own members only: nothing of 乙一支部.
    expect(page.locator("main")).not_to_contain_text("乙一支部")

    # --- the alert list → the member's dues alert → acknowledge -----------------------------
    page.get_by_role("link", name="预警列表").click()
    expect(page.locator("h1")).to_have_text("预警")
    alert = Alert.objects.get(rule="dues_overdue", member=member)
    line = page.locator(f"tr[data-alert='{alert.pk}']")
    expect(line).to_contain_text("王甲一")
    expect(line).to_contain_text("待处理")
    expect(page.locator("table.alert-list")).not_to_contain_text("王乙一")
    line.get_by_role("link", name="党费欠缴").click()
    page.wait_for_url(re.compile(rf"/alerts/{alert.pk}/$"))
    expect(page.locator("h1")).to_have_text("党费欠缴")
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.locator("body")).to_contain_text("预警已确认。")
    expect(page.locator("[data-status]")).to_have_text("已确认")

    # --- from the alert, a talk on the handling card ----------------------------------------
    page.get_by_role("link", name="登记教育处理").click()
    page.wait_for_url(re.compile(rf"/handling/new/\?alert={alert.pk}$"))
    expect(page.locator("main")).to_contain_text("党费欠缴")
    page.select_option("#id_kind", HandlingKind.TALK.value)
    expect(page.locator("#id_kind option:checked")).to_have_text("谈心谈话")
    page.fill("#id_note", "与王甲一谈心，讲明按月交纳党费的规定，本人表示本月内补交欠缴党费。")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/members/{member.pk}/$"))
    expect(page.locator("body")).to_contain_text("已在教育处理卡上登记对王甲一的处理。")
    card = page.locator("section[aria-labelledby=handling-heading]")
    expect(card).to_contain_text("谈心谈话")
    expect(card).to_contain_text("预警：党费欠缴")
    expect(card).to_contain_text("本月内补交")
    context.close()

    # --- what the database holds --------------------------------------------------------------
    run.refresh_from_db()
    assert (run.status, run.trigger, run.requested_by) == (
        RunStatus.SUCCEEDED,
        RunTrigger.BUTTON,
        county,
    )
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, secretary)
    handling = Handling.objects.get(member=member)
    assert (handling.kind, handling.alert_id, handling.recorded_by) == (
        HandlingKind.TALK,
        alert.pk,
        secretary,
    )
    assert NightlyReport.objects.filter(organization=tree.b1, as_of=today).exists()
