"""Ending an absence: returned or lost, never "relationship transferred" by hand (Issue 9,
item 9: only receiving a transfer moves a relationship, and with it ends the absence)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from members.builders import away
from members.mobility.actions import do_end_episode
from members.models import EpisodeStatus, Member

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()
LEFT = TODAY - dt.timedelta(days=40)


def end_url(member: Member, episode) -> str:
    return reverse("members:end_episode", args=[member.pk, episode.pk])


def test_the_form_offers_returned_and_lost_only(members, secretary, login):
    """Issue 9, item 9: ending an absence offers "returned" and "lost" only."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    form = login(secretary).get(end_url(member, episode)).context["form"]
    assert [value for value, _ in form.fields["status"].choices] == [
        EpisodeStatus.RETURNED,
        EpisodeStatus.LOST,
    ]


def test_a_forged_transferred_changes_nothing(members, secretary, login):
    """Issue 9, item 9: a POST saying "relationship transferred" is a field error; the absence
    stays open and the member stays away."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    response = login(secretary).post(
        end_url(member, episode),
        {"status": EpisodeStatus.TRANSFERRED, "ended_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    episode.refresh_from_db()
    member.refresh_from_db()
    assert episode.status == EpisodeStatus.REGISTERED
    assert member.is_mobile


def test_the_action_refuses_transferred(members, secretary):
    """Issue 9, item 9: the end action itself refuses "relationship transferred" in words (only
    receiving a transfer ends an absence that way)."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    with translation.override("en"), pytest.raises(ValidationError, match="transfer letter"):
        do_end_episode(
            actor=secretary, episode=episode, status=EpisodeStatus.TRANSFERRED, ended_on=TODAY
        )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.REGISTERED


def test_lost_from_the_end_form_marks_the_member_lost(members, secretary, login):
    """Issue 9, item 9: "lost" on the end form puts the member on the whereabouts-unknown list
    (the absence goes with them), dated and placed as typed; once lost, only the return is
    offered."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    since = TODAY - dt.timedelta(days=3)
    client = login(secretary)
    response = client.post(
        end_url(member, episode),
        {"status": EpisodeStatus.LOST, "ended_on": since.isoformat(), "note": "杭州市某工地"},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    member.refresh_from_db()
    assert episode.status == EpisodeStatus.LOST
    assert (member.lost_contact, member.lost_contact_since) == (True, since)
    assert member.last_known_place == "杭州市某工地"
    form = client.get(end_url(member, episode)).context["form"]
    assert [value for value, _ in form.fields["status"].choices] == [EpisodeStatus.RETURNED]
