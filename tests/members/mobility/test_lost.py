"""Lost contact while away (失联): the member and their current absence are lost together; the
inflow organization keeps its share to help find them; finding them puts the absence back where
it stood (checked in, or registered)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEntry
from members.builders import OUTFLOW, away, check_in
from members.mobility.actions import (
    do_mark_member_lost,
    do_record_finding_attempt,
    do_register_outflow,
)
from members.models import EpisodeStatus, Member, MobilityEpisode

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)
LEFT = TODAY - 60 * DAY
ARRIVED = TODAY - 50 * DAY


def find(member, actor, *, found=True, on=TODAY - DAY):
    return do_record_finding_attempt(
        actor=actor,
        member=member,
        attempted_on=on,
        channel="via_inflow",
        result="经流入地服务站找到" if found else "电话停机",
        found=found,
    )


def visible(user, member) -> bool:
    return Member.objects.visible_to(user).filter(pk=member.pk).exists()


def test_lost_while_checked_in_then_found(members, tree, secretary, station, superuser):
    member = members["a1"]
    away(member, actor=secretary, out_date=LEFT)
    episode = check_in(member, actor=station, at=tree.bs, on=ARRIVED)

    do_mark_member_lost(
        actor=secretary, member=member, since=TODAY - 10 * DAY, last_known_place="宁波北仑某厂"
    )
    member.refresh_from_db()
    episode.refresh_from_db()
    assert (member.lost_contact, member.lost_contact_since, member.last_known_place) == (
        True,
        TODAY - 10 * DAY,
        "宁波北仑某厂",
    )
    assert (episode.status, episode.lost_since) == (EpisodeStatus.LOST, TODAY - 10 * DAY)
    assert episode.inflow_org == tree.bs
    # The inflow side keeps the member: it sees them and may record the attempt that finds them.
    assert visible(station, member)
    assert member.is_mobile

    find(member, station, found=False)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.LOST

    find(member, station)
    member.refresh_from_db()
    episode.refresh_from_db()
    assert (member.lost_contact, member.lost_contact_since, member.last_known_place) == (
        False,
        None,
        "",
    )
    assert (episode.status, episode.lost_since) == (EpisodeStatus.CHECKED_IN, None)
    assert visible(station, member)
    # Both transitions are in the audit trail, filed under the home branch.
    changes = AuditEntry.objects.filter(
        content_type__model="mobilityepisode", object_pk=str(episode.pk)
    )
    statuses = [e.changes.get("status") for e in changes.order_by("timestamp") if e.changes]
    assert ["checked_in", "lost"] in statuses
    assert ["lost", "checked_in"] in statuses


def test_lost_before_checking_in_goes_back_to_registered(members, secretary):
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    do_mark_member_lost(actor=secretary, member=member, since=TODAY - 30 * DAY)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.LOST
    find(member, secretary)
    episode.refresh_from_db()
    assert (episode.status, episode.inflow_org) == (EpisodeStatus.REGISTERED, None)


def test_lost_at_home_has_no_absence(members, secretary):
    member = members["a1"]
    do_mark_member_lost(actor=secretary, member=member, since=TODAY, last_known_place="本村")
    assert not MobilityEpisode.objects.filter(member=member).exists()
    find(member, secretary, on=TODAY)
    member.refresh_from_db()
    assert not member.lost_contact


def test_a_lost_member_can_check_in_again_elsewhere(members, tree, secretary, station):
    """A lost absence is current: a check-in takes it up (the home side told where)."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    do_mark_member_lost(actor=secretary, member=member, since=TODAY - 5 * DAY)
    check_in(member, actor=station, at=tree.bs, on=TODAY - DAY)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CHECKED_IN


@pytest.mark.parametrize(
    ("since", "message"),
    [(TODAY + DAY, "in the future"), (TODAY - 61 * DAY, "cannot be lost before")],
)
def test_lost_dates_out_of_order_are_refused(members, secretary, since, message):
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)  # left 60 days ago
    with translation.override("en"), pytest.raises(ValidationError, match=message) as caught:
        do_mark_member_lost(actor=secretary, member=member, since=since)
    assert "since" in caught.value.message_dict
    member.refresh_from_db()
    episode.refresh_from_db()
    assert not member.lost_contact
    assert episode.status == EpisodeStatus.REGISTERED


def test_lost_twice_and_archived_are_refused(members, secretary):
    member = members["a1"]
    do_mark_member_lost(actor=secretary, member=member, since=TODAY - 3 * DAY)
    with translation.override("en"), pytest.raises(ValidationError, match="already on the"):
        do_mark_member_lost(actor=secretary, member=member, since=TODAY)
    member.refresh_from_db()
    assert member.lost_contact_since == TODAY - 3 * DAY


def test_an_attempt_before_contact_was_lost_is_refused(members, secretary):
    member = members["a1"]
    do_mark_member_lost(actor=secretary, member=member, since=TODAY - 3 * DAY)
    with translation.override("en"), pytest.raises(ValidationError, match="comes after"):
        find(member, secretary, on=TODAY - 4 * DAY)
    member.refresh_from_db()
    assert member.lost_contact


def test_no_new_outflow_while_lost(members, secretary):
    member = members["a1"]
    away(member, actor=secretary, out_date=LEFT)
    do_mark_member_lost(
        actor=secretary, member=member, since=TODAY - 10 * DAY, last_known_place="宁波北仑某厂"
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        do_register_outflow(actor=secretary, member=member, out_date=TODAY, **OUTFLOW)
    text = " ".join(caught.value.messages)
    assert "lost contact" in text
    assert (TODAY - 10 * DAY).isoformat() in text
    assert "宁波北仑某厂" in text
    assert MobilityEpisode.objects.filter(member=member).count() == 1


def test_marking_lost_through_the_page(members, secretary, login):
    member = members["a1"]
    away(member, actor=secretary, out_date=LEFT)
    client = login(secretary)
    url = reverse("members:mark_lost", args=[member.pk])
    form = client.get(url).context["form"]
    assert form.initial["last_known_place"] == "浙江省宁波市北仑区"
    response = client.post(url, {"since": TODAY.isoformat(), "last_known_place": "宁波"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.lost_contact, member.last_known_place) == (True, "宁波")
    assert MobilityEpisode.objects.get(member=member).status == EpisodeStatus.LOST


def test_a_refusal_is_shown_on_the_form(members, secretary, login):
    member = members["a1"]
    url = reverse("members:mark_lost", args=[member.pk])
    with translation.override("en"):
        response = login(secretary).post(url, {"since": (TODAY + DAY).isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["since"]
    member.refresh_from_db()
    assert not member.lost_contact


def test_a_lost_member_who_checks_in_is_no_longer_lost(members, secretary, station, tree):
    member = members["a1"]
    away(member, actor=secretary, out_date=LEFT)
    do_mark_member_lost(
        actor=secretary, member=member, since=TODAY - 30 * DAY, last_known_place="宁波"
    )
    episode = check_in(member, actor=station, at=tree.bs, on=TODAY - DAY)
    member.refresh_from_db()
    assert episode.status == EpisodeStatus.CHECKED_IN
    assert episode.lost_since is None
    assert not member.lost_contact
    assert member.last_known_place == ""


def test_the_home_side_ends_a_lost_absence_from_the_member_page(members, secretary, login, tree):
    from members.mobility.actions import do_end_episode

    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    do_mark_member_lost(
        actor=secretary, member=member, since=TODAY - 30 * DAY, last_known_place="宁波"
    )
    page = login(secretary).get(reverse("members:detail", args=[member.pk]))
    assert reverse("members:end_episode", args=[member.pk, episode.pk]) in page.content.decode()
    do_end_episode(actor=secretary, episode=episode, status=EpisodeStatus.RETURNED, ended_on=TODAY)
    member.refresh_from_db()
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.RETURNED
    assert not member.lost_contact
    assert not member.is_mobile


def test_the_read_only_inspector_is_not_offered_to_record_an_attempt(
    members, secretary, inspector, county, login
):
    member = members["a1"]
    away(member, actor=secretary, out_date=LEFT)
    do_mark_member_lost(
        actor=secretary, member=member, since=TODAY - 30 * DAY, last_known_place="宁波"
    )
    link = reverse("members:finding_new", args=[member.pk])
    assert link in login(county).get(reverse("members:lost")).content.decode()
    page = login(inspector).get(reverse("members:lost")).content.decode()
    assert member.name in page
    assert link not in page
