"""The pairing card: contacts recorded by the home side or the inflow side, never by others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from members.mobility.actions import do_record_contact
from members.models import ContactRecord
from tests.pages import shown

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = dt.date.today()


def record(actor, member, **overrides):
    fields = {"contacted_on": TODAY, "channel": "phone", "summary": "电话联系，工作稳定"}
    return do_record_contact(actor=actor, member=member, **{**fields, **overrides})


def test_the_home_side_and_the_inflow_side_record_others_do_not(
    members, secretary, station, secretary2, inspector
):
    record(secretary, members["a1"])
    record(station, members["shared"])  # shared with the station for recording
    for outsider, member in [(secretary2, members["a1"]), (inspector, members["a1"])]:
        with pytest.raises(PermissionDenied):
            record(outsider, member)
    assert ContactRecord.objects.count() == 2


def test_a_contact_in_the_future_is_refused(members, secretary):
    with pytest.raises(ValidationError):
        record(secretary, members["a1"], contacted_on=TODAY + dt.timedelta(days=1))
    assert not ContactRecord.objects.exists()


def test_the_card_shows_the_latest_contact_first(members, secretary, login):
    record(secretary, members["a1"], contacted_on=TODAY - dt.timedelta(days=40), summary="走访")
    record(secretary, members["a1"], contacted_on=TODAY - dt.timedelta(days=3), summary="微信")
    response = login(secretary).get(reverse("members:detail", args=[members["a1"].pk]))
    assert [c.summary for c in shown(response, "contacts")] == ["微信", "走访"]
    assert response.context["can_record"] is True


def test_recording_through_the_page(members, station, login):
    member = members["shared"]
    url = reverse("members:contact_new", args=[member.pk])
    client = login(station)
    bad = client.post(url, {"contacted_on": "", "channel": "phone", "summary": "x"})
    assert bad.status_code == 200
    assert not ContactRecord.objects.exists()
    good = client.post(
        url, {"contacted_on": TODAY.isoformat(), "channel": "visit", "summary": "上门走访"}
    )
    assert good.status_code == 302
    contact = ContactRecord.objects.get()
    assert (contact.member, contact.recorded_by, contact.channel) == (member, station, "visit")
