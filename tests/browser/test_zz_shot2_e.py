import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from tests.browser.test_member_journey import log_in
from transfers.actions import do_approve, do_start_transfer, do_submit
pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)

def test_shot(page, live_server, tree, members, secretary, town):
    today = timezone.localdate()
    t = do_start_transfer(actor=secretary, member=members["a1"], to_org=tree.b1, reason="工作调动", dues_paid_until=today)
    do_submit(actor=secretary, transfer=t)
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, live_server, "town")
    page.goto(f"{live_server.url}/")
    page.screenshot(path="/tmp/e_home.png", full_page=True)
    page.goto(f"{live_server.url}{reverse('transfers:queues')}")
    page.screenshot(path="/tmp/e_queues.png", full_page=True)
    page.goto(f"{live_server.url}{reverse('transfers:detail', args=[t.pk])}")
    page.screenshot(path="/tmp/e_detail.png", full_page=True)
    page.goto(f"{live_server.url}{reverse('transfers:start', args=[members['a2'].pk])}")
    page.screenshot(path="/tmp/e_start.png", full_page=True)
