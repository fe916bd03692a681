"""Notices: in-app to the organization's staff, copies through the channels after commit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from members.builders import away
from members.mobility.actions import do_check_in_member, do_register_outflow
from organizations.models import Notice
from organizations.notices import do_notify_organization
from tests import channels

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

OUTFLOW = {
    "out_date": dt.date(2026, 3, 1),
    "destination_province": "浙江省",
    "destination_county": "乙县",
    "occupation": "migrant",
    "reason": "务工",
}


@pytest.fixture(autouse=True)
def recording(settings):
    settings.NOTIFICATION_CHANNELS = ["tests.channels.RecordingChannel"]
    channels.SENT.clear()
    with translation.override("en"):
        yield channels.SENT


def test_registering_with_an_expected_organization_tells_it(
    tree, members, secretary, station, recording, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        do_register_outflow(actor=secretary, member=members["a1"], intended_org=tree.bs, **OUTFLOW)
    notice = Notice.objects.get(organization=tree.bs)
    assert members["a1"].name in notice.title
    assert list(Notice.objects.unread_by(station)) == [notice]
    assert [m.recipient for m in recording] == ["station"]
    assert recording[0].phone == station.phone


def test_a_check_in_tells_the_home_branch_with_a_link(
    tree, members, secretary, station, login, recording, django_capture_on_commit_callbacks
):
    member = members["a1"]
    away(member, actor=secretary, out_date=dt.date(2026, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        do_check_in_member(
            actor=station,
            inflow_org=tree.bs,
            id_number=member.id_number,
            name=member.name,
            checked_in_on=dt.date(2026, 3, 5),
        )
    notice = Notice.objects.get(organization=tree.a1)
    assert "乙镇流动党员服务站" in notice.title
    client = login(secretary)
    assert notice.title in client.get(reverse("home")).content.decode()
    response = client.post(reverse("notice_open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert not Notice.objects.unread_by(secretary).exists()
    assert "secretary" in [m.recipient for m in recording]


def test_notices_are_only_for_the_addressed_organization(tree, secretary, secretary2, login):
    title = "甲一支部专项提醒"
    notice = do_notify_organization(actor=None, organization=tree.a1, title=title)
    assert login(secretary2).post(reverse("notice_open", args=[notice.pk])).status_code == 404
    assert title not in login(secretary2).get(reverse("notices")).content.decode()
    assert title in login(secretary).get(reverse("notices")).content.decode()


def test_a_failing_gateway_does_not_undo_the_notice(
    tree, secretary, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_CHANNELS = ["tests.channels.BrokenChannel"]
    with django_capture_on_commit_callbacks(execute=True):
        do_notify_organization(actor=None, organization=tree.a1, title="网关故障时")
    assert Notice.objects.filter(title="网关故障时").exists()


def test_only_links_inside_the_site_are_followed(tree, secretary, login):
    notice = do_notify_organization(
        actor=None, organization=tree.a1, title="外链", url="//evil.example/x"
    )
    response = login(secretary).post(reverse("notice_open", args=[notice.pk]))
    assert response["Location"] == reverse("notices")


def test_held_notices_stay_in_the_app(
    tree, members, secretary, station, recording, django_capture_on_commit_callbacks
):
    from core.models import held

    with django_capture_on_commit_callbacks(execute=True), held():
        do_register_outflow(actor=secretary, member=members["a1"], intended_org=tree.bs, **OUTFLOW)
    assert Notice.objects.filter(organization=tree.bs).exists()
    assert recording == []
