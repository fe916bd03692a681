"""Issue 10, item 1 in a real browser, on a phone: the A1 secretary records a branch committee
meeting, attaches the scanned minutes and downloads them again; the list shows the meeting."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from education.models import Meeting, MeetingAttachment

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def _fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px phone"


def test_secretary_records_a_meeting_and_its_minutes_on_a_phone(
    page_for, live_server, secretary, tree, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    context, page = page_for("secretary")
    page.goto(f"{live_server.url}{reverse('education:meetings')}")
    page.get_by_role("link", name="录入会议").click()
    page.wait_for_url(re.compile(r"/education/meetings/new/$"))
    expect(page.locator("#id_organization")).to_have_value(str(tree.a1.pk))  # the only choice
    page.select_option("#id_kind", "committee")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_place", "村委会二楼会议室")
    page.fill("#id_topic", "研究十二月党员教育安排")
    page.fill("#id_minutes", "一、传达上级精神。\n二、研究本月工作。")
    _fits_the_phone(page)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/education/meetings/\d+/$"))
    meeting = Meeting.objects.get(organization=tree.a1)
    expect(page.locator("h1")).to_contain_text("研究十二月党员教育安排")
    _fits_the_phone(page)

    page.get_by_role("link", name="上传附件").click()
    page.set_input_files(
        "#id_file", files=[{"name": "会议记录.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/education/meetings/{meeting.pk}/$"))
    with page.expect_download() as download:
        page.get_by_role("link", name="会议记录.pdf").click()
    assert download.value.suggested_filename == "会议记录.pdf"
    assert MeetingAttachment.objects.get(meeting=meeting).name == "会议记录.pdf"

    page.goto(f"{live_server.url}{reverse('education:meetings')}")
    expect(page.get_by_role("link", name="研究十二月党员教育安排")).to_be_visible()
    expect(page.locator("nav a.nav-link.active")).to_have_text("组织生活")
    context.close()
