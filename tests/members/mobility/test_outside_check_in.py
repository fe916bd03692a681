"""Check-ins outside the system (Issue 9, item 5).

The 2019 education-management regulations (《中国共产党党员教育管理工作条例》) have a member going
out report to the party organization where they go, and the outflow organization (流出地党组织)
keep in touch. Where that organization does not work in this system, the member reports where
they checked in to the home branch, which records it: the member then counts as checked in, not
as "not checked in", and nobody in the system is granted a share of the member by it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEntry
from members.builders import away, check_in, check_in_outside, lose_contact
from members.lists.queries import LISTS, Reach, Thresholds, episode_counts
from members.mobility.actions import do_record_finding_attempt, do_record_outside_check_in
from members.models import (
    EpisodeStatus,
    MemberGroupObjectPermission,
    MobilityEpisode,
    OutsideCheckIn,
    OutsideConfirmation,
)
from members.sharing import drift
from tests.pages import shown

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()
#: "0769-85330000" typed with a Chinese input method: full-width digits and hyphen.
FULL_WIDTH_PHONE = "0769-85330000".translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
LEFT = TODAY - dt.timedelta(days=60)
ARRIVED = TODAY - dt.timedelta(days=50)


def url(episode: MobilityEpisode) -> str:
    return reverse("members:outside_check_in", args=[episode.member_id, episode.pk])


def form_data(**overrides: str) -> dict[str, str]:
    return {
        "organization_name": "中共东莞市长安镇流动党员党委",
        "organization_address": "广东省东莞市长安镇长青南路1号",
        "contact_name": "陈主任",
        "contact_phone": "0769-85330000",
        "checked_in_on": ARRIVED.isoformat(),
        "confirmed_by": OutsideConfirmation.CERTIFICATE_PHOTO,
        "note": "",
    } | overrides


def slugs_of(episode: MobilityEpisode, user) -> set[str]:
    reach, t = Reach.of(user), Thresholds()
    return {
        slug
        for slug in ("away", "not_checked_in", "checked_in_outside", "checked_in_here")
        if LISTS[slug].queryset(reach, t).filter(pk=episode.pk).exists()
    }


def test_a_member_checked_in_outside_counts_as_checked_in(members, secretary):
    """Issue 9, item 5 (the 2019 regulations: a member going out reports to the organization
    where they go): recorded by the home branch, the member leaves "not checked in" and is
    listed and counted as checked in outside the system."""
    episode = away(members["a1"], actor=secretary, out_date=LEFT)
    assert slugs_of(episode, secretary) == {"away", "not_checked_in"}
    before = episode_counts(Reach.of(secretary), Thresholds())
    check_in_outside(episode, actor=secretary, on=ARRIVED)
    assert slugs_of(episode, secretary) == {"away", "checked_in_outside"}
    after = episode_counts(Reach.of(secretary), Thresholds())
    assert after["not_checked_in"] == before["not_checked_in"] - 1
    assert after["checked_in_outside"] == before["checked_in_outside"] + 1
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.REGISTERED
    assert episode.outside.organization_name == "中共宁波市北仑区新碶街道流动党员党支部"


def test_an_outside_check_in_shares_with_nobody(members, secretary):
    """Issue 9, item 5: the organization outside the system is no group of the system; the
    outflow organization keeps in touch itself, so no grant is made and no share drifts."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    held = MemberGroupObjectPermission.objects.filter(content_object=member).count()
    check_in_outside(episode, actor=secretary, on=ARRIVED)
    assert MemberGroupObjectPermission.objects.filter(content_object=member).count() == held
    assert drift([member.pk]) == ({}, {})


def test_the_home_branch_records_it_from_the_member_page(members, secretary, login):
    """Issue 9, item 5: the mobility card offers the step to the home side, the form records
    what the member reported and how it was confirmed, and the card then shows it."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    client = login(secretary)
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert url(episode) in page
    response = client.post(url(episode), form_data(contact_phone=FULL_WIDTH_PHONE))
    assert response.status_code == 302
    record = OutsideCheckIn.objects.get(episode=episode)
    assert record.contact_phone == "0769-85330000"  # full-width typed, stored as ASCII
    assert record.recorded_by == secretary
    assert record.confirmed_by == OutsideConfirmation.CERTIFICATE_PHOTO
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "中共东莞市长安镇流动党员党委" in page
    assert "陈主任" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("checked_in_on", (TODAY + dt.timedelta(days=1)).isoformat()),  # in the future
        ("checked_in_on", (LEFT - dt.timedelta(days=1)).isoformat()),  # before leaving
        ("checked_in_on", "0001-01-01"),
        ("contact_phone", "电话"),
        ("organization_name", ""),
        ("confirmed_by", "rumour"),
    ],
)
def test_bad_input_is_a_field_error_and_changes_nothing(members, secretary, login, field, value):
    """Issue 9, item 5 (with items 12 and 15: no future or impossible dates): a bad value is a
    field error on the re-rendered form, in Chinese, and nothing is recorded."""
    episode = away(members["a1"], actor=secretary, out_date=LEFT)
    response = login(secretary).post(url(episode), form_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not OutsideCheckIn.objects.filter(episode=episode).exists()


def test_only_the_home_side_records_it(members, tree, secretary, station):
    """Issue 9, item 5: the member reports to the home branch (流出地党组织); an inflow
    organization of the system has nothing to record here (403 inside the action)."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    with pytest.raises(PermissionDenied):
        check_in_outside(episode, actor=station, on=ARRIVED)
    assert not OutsideCheckIn.objects.exists()


def test_a_member_checked_in_inside_the_system_is_refused(members, tree, secretary, station):
    """Issue 9, item 5: a member checked in with an organization of the system is checked in
    there; recording an outside check-in over it is refused in words."""
    member = members["a1"]
    away(member, actor=secretary, out_date=LEFT)
    episode = check_in(member, actor=station, at=tree.bs, on=ARRIVED)
    with translation.override("en"), pytest.raises(ValidationError, match="already checked in"):
        check_in_outside(episode, actor=secretary, on=ARRIVED)


def test_moving_on_outside_records_it_again_and_keeps_the_earlier_in_the_trail(members, secretary):
    """Issue 9, item 5: a member who moves on to another organization outside the system has
    it recorded again: one record stands, the audit trail keeps the earlier organization."""
    episode = away(members["a1"], actor=secretary, out_date=LEFT)
    first = check_in_outside(episode, actor=secretary, on=ARRIVED, organization="甲地党支部")
    second = check_in_outside(episode, actor=secretary, on=TODAY, organization="乙地党支部")
    assert first.pk == second.pk
    assert OutsideCheckIn.objects.get().organization_name == "乙地党支部"
    entries = AuditEntry.objects.filter(
        content_type__model="outsidecheckin", object_pk=str(second.pk)
    )
    changes = [e.changes.get("organization_name") for e in entries if e.changes]
    assert ["甲地党支部", "乙地党支部"] in changes
    assert {e.org_path for e in entries} == {episode.home_org.path}


def test_found_again_the_member_stands_checked_in_outside(members, secretary):
    """Issue 9, item 5: a member lost while checked in outside the system, once found, is back
    where they stood: checked in outside, not waiting to check in."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    check_in_outside(episode, actor=secretary, on=ARRIVED)
    lose_contact(member, actor=secretary, since=TODAY - dt.timedelta(days=10))
    with translation.override("en"), pytest.raises(ValidationError, match="lost contact"):
        check_in_outside(episode, actor=secretary, on=ARRIVED)
    do_record_finding_attempt(
        actor=secretary,
        member=member,
        attempted_on=TODAY,
        channel="phone",
        result="已联系上",
        found=True,
    )
    assert slugs_of(episode, secretary) == {"away", "checked_in_outside"}


def test_checking_in_inside_the_system_later_supersedes_it(members, tree, secretary, station):
    """Issue 9, item 5: a member who later checks in with an organization of the system is
    checked in there (and shared with it); the outside check-in is history."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    check_in_outside(episode, actor=secretary, on=ARRIVED)
    check_in(member, actor=station, at=tree.bs, on=TODAY)
    episode = MobilityEpisode.objects.of_member(member).get(pk=episode.pk)
    assert episode.outside is None
    assert slugs_of(episode, secretary) == {"away"}
    assert drift([member.pk]) == ({}, {})


def test_the_home_page_and_the_cards_show_it(members, secretary, login):
    """Issue 9, item 5: the home page counts members checked in outside the system, and the
    printed mobility information card names the organization and how it was confirmed."""
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    check_in_outside(episode, actor=secretary, on=ARRIVED, confirmed_by=OutsideConfirmation.LETTER)
    client = login(secretary)
    home = client.get(reverse("home"))
    assert shown(home, "mobile_counts")["checked_in_outside"] == 1
    assert reverse("members:checked_in_outside") in home.content.decode()
    with translation.override("zh-hans"):
        cards = client.get(reverse("members:five_cards", args=[member.pk])).content.decode()
    assert "中共宁波市北仑区新碶" in cards
    assert "系统外" in cards


def test_the_action_refuses_unknown_fields(members, secretary):
    episode = away(members["a1"], actor=secretary, out_date=LEFT)
    with pytest.raises(ValueError, match="not outside check-in fields"):
        do_record_outside_check_in(
            actor=secretary, episode=episode, checked_in_on=ARRIVED, inflow_org=None
        )
