"""The certificate and found pages in Chinese use the regulations' terms (Issue 9, item 13):
证件类别 for a certificate's kind (not 组织类别), 已交回 for a returned certificate, 年审结果 for
the yearly check's result, 登记 on the found-arrival button."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members import builders
from members.certificates.actions import do_check_certificate
from members.mobility.actions import do_end_episode
from members.models import CheckResult, EpisodeStatus

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def chinese(login, settings):
    def _login(user):
        client = login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        return client

    return _login


@pytest.fixture
def returned(members, secretary):
    """A checked activity certificate, handed back when the member returned."""
    member = members["a1"]
    episode = builders.away(member, actor=secretary, out_date=TODAY - dt.timedelta(days=60))
    certificate = builders.issue_certificate(
        member, actor=secretary, on=TODAY - dt.timedelta(days=59)
    )
    do_check_certificate(
        actor=secretary,
        certificate=certificate,
        year=TODAY.year,
        checked_on=TODAY - dt.timedelta(days=1),
        result=CheckResult.PASSED,
    )
    do_end_episode(actor=secretary, episode=episode, status=EpisodeStatus.RETURNED, ended_on=TODAY)
    certificate.refresh_from_db()
    return certificate


def test_the_register_says_certificate_kind_and_handed_back(returned, secretary, chinese):
    """Issue 9, item 13: 证件类别 and 已交回 on the certificate register."""
    page = chinese(secretary).get(reverse("members:certificates")).content.decode()
    assert "证件类别" in page
    assert "组织类别" not in page
    assert "已交回" in page
    assert "已回流" not in page


def test_the_certificate_says_yearly_check_result(returned, secretary, chinese):
    """Issue 9, item 13: 年审结果 for the yearly check's result, 已交回 for its status."""
    page = (
        chinese(secretary).get(reverse("members:certificate", args=[returned.pk])).content.decode()
    )
    assert "年审结果" in page
    assert "已交回" in page


def test_the_found_arrival_button_says_register(station, chinese):
    """Issue 9, item 13: the found-arrival form's button is 登记 (it said 操作对象, the audit
    page's column, which shared its English source)."""
    page = chinese(station).get(reverse("members:found_new")).content.decode()
    assert ">登记</button>" in page
    assert "操作对象" not in page
