"""Two-way finding (双找): the home side marks a member lost; attempts are logged by either side;
the attempt that finds the member takes them off the whereabouts-unknown list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from members.mobility.actions import do_mark_member_lost, do_record_finding_attempt
from members.models import FindingAttempt
from tests.pages import shown

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = dt.date.today()


def attempt(actor, member, found=False):
    return do_record_finding_attempt(
        actor=actor,
        member=member,
        attempted_on=TODAY,
        channel="phone",
        result="电话未接通" if not found else "已联系上，在宁波务工",
        found=found,
    )


def test_lost_attempts_then_found(members, secretary, station, login):
    member = members["shared"]  # home A2, shared with station B-S
    with pytest.raises(PermissionDenied):
        do_mark_member_lost(actor=station, member=member, since=TODAY)  # the home side decides
    do_mark_member_lost(actor=secretary, member=members["a1"], since=TODAY - dt.timedelta(days=200))
    members["a1"].refresh_from_db()
    assert members["a1"].lost_contact
    assert members["a1"].lost_contact_since == TODAY - dt.timedelta(days=200)

    attempt(secretary, members["a1"])
    members["a1"].refresh_from_db()
    assert members["a1"].lost_contact  # not found yet
    page = login(secretary).get(reverse("members:detail", args=[members["a1"].pk]))
    assert [a.result for a in shown(page, "finding_attempts")] == ["电话未接通"]

    attempt(secretary, members["a1"], found=True)
    members["a1"].refresh_from_db()
    assert not members["a1"].lost_contact
    assert members["a1"].lost_contact_since is None
    assert FindingAttempt.objects.filter(member=members["a1"]).count() == 2


def test_the_inflow_side_helps_find(members, town, station):
    member = members["shared"]
    do_mark_member_lost(actor=town, member=member, since=TODAY)
    attempt(station, member, found=True)
    member.refresh_from_db()
    assert not member.lost_contact


def test_nobody_to_find_and_outsiders_are_refused(members, secretary, secretary2):
    with translation.override("en"), pytest.raises(ValidationError, match="not lost"):
        attempt(secretary, members["a1"])
    do_mark_member_lost(actor=secretary, member=members["a1"], since=TODAY)
    with pytest.raises(PermissionDenied):
        attempt(secretary2, members["a1"])
    assert not FindingAttempt.objects.exists()


def test_lost_in_the_future_is_refused(members, secretary):
    with pytest.raises(ValidationError):
        do_mark_member_lost(
            actor=secretary, member=members["a1"], since=TODAY + dt.timedelta(days=1)
        )
    members["a1"].refresh_from_db()
    assert not members["a1"].lost_contact


def test_marking_lost_through_the_page(members, secretary, login):
    member = members["a1"]
    url = reverse("members:mark_lost", args=[member.pk])
    response = login(secretary).post(url, {"since": TODAY.isoformat()})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.lost_contact
