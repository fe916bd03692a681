"""Absences that move on, and updates (issue 9, item 4).

The 2019 education-management regulations (《中国共产党党员教育管理工作条例》): mobile members
report changes of their place, work and contact to their party organization, and the inflow
organization where they live and work manages them. So a change reported while away is kept as
an entry of the absence's history (the mobility information card, 流动信息卡), and a member who
moves on checks in at the new inflow organization: the check-in before ends with its share, and
both inflow organizations and the home branch are told.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from members.builders import away, check_in, issue_certificate, lose_contact
from members.cards.views import UPDATES_SHOWN
from members.mobility.actions import do_check_in_member, do_end_episode, do_update_episode
from members.models import (
    CertificateStatus,
    EpisodeStatus,
    EpisodeUpdate,
    EpisodeUpdateKind,
    Member,
    MobilityEpisode,
)
from members.sharing import actual_shares
from organizations.models import Notice

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

LEFT = dt.date(2026, 3, 1)
ARRIVED = dt.date(2026, 3, 5)
MOVED = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def login(login, settings):
    def _login(user: Any) -> Any:
        client = login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _login


def move(member: Member, *, actor: Any, at: Any, on: dt.date = MOVED, **extra: Any) -> Any:
    return do_check_in_member(
        actor=actor,
        inflow_org=at,
        id_number=member.id_number,
        name=member.name,
        checked_in_on=on,
        moving_on=True,
        **extra,
    )


@pytest.fixture
def at_station(tree, members, secretary, station) -> MobilityEpisode:
    """a1's member away since LEFT, checked in at station B-S on ARRIVED."""
    away(members["a1"], actor=secretary, out_date=LEFT, contact_person=secretary)
    return check_in(members["a1"], actor=station, at=tree.bs, on=ARRIVED)


def shared_with(member: Member) -> set[int]:
    return {org_id for (_member_id, org_id) in actual_shares([member.pk])}


# ---- Updates while away ----------------------------------------------------------------------


def test_the_home_side_records_a_change_of_place_and_it_is_kept(
    tree, members, at_station, secretary, committee
):
    """Issue 9, item 4 (2019 education-management regulations: mobile members report changes
    of place): the absence takes the new values, the old ones stay in its history, the
    register's destination follows, and the inflow organization is told."""
    member = members["a1"]
    update = do_update_episode(
        actor=secretary,
        episode=at_station,
        changed_on=dt.date(2026, 5, 2),
        channel="phone",
        note="电话告知",
        destination_city="温州市",
        destination_county="鹿城区",
        employer="鹿城鞋厂",
        phone_there="13800000001",
        contact_person=committee,
    )
    episode = MobilityEpisode.objects.get(pk=at_station.pk)
    assert (episode.destination_county, episode.employer, episode.phone_there) == (
        "鹿城区",
        "鹿城鞋厂",
        "13800000001",
    )
    assert episode.contact_person == committee
    assert update.kind == EpisodeUpdateKind.UPDATED
    assert update.recorded_by == secretary
    changed = {c["field"]: (c["from"], c["to"]) for c in update.changes}
    assert changed["destination_county"] == ("北仑区", "鹿城区")
    assert changed["employer"] == ("", "鹿城鞋厂")
    assert changed["contact_person"][1] == (committee.full_name or committee.username)
    assert "destination_province" not in changed  # unchanged values are not entries
    assert any("鹿城区" in line and "北仑区" in line for line in update.lines())
    member.refresh_from_db()
    assert "鹿城区" in member.mobile_destination
    notice = Notice.objects.filter(organization=tree.bs).latest("created_at")
    assert member.name in notice.title
    assert "鹿城鞋厂" in notice.body


def test_the_inflow_side_records_what_it_learns_but_not_the_place_or_the_contact(
    tree, members, at_station, station, secretary
):
    """Issue 9, item 4 (the inflow organization where the member lives and works manages
    them): it may update the address, employer and phone there (members/access.py
    INFLOW_UPDATE_FIELDS); the place and the designated contact stay the home side's. The
    home branch is told."""
    update = do_update_episode(
        actor=station,
        episode=at_station,
        changed_on=dt.date(2026, 5, 2),
        destination_address="北仑区新碶街道1号",
        employer="北仑港务公司",
        employer_has_party_org=True,
    )
    assert {c["field"] for c in update.changes} == {
        "destination_address",
        "employer",
        "employer_has_party_org",
    }
    assert Notice.objects.filter(organization=tree.a1, title__contains=members["a1"].name).exists()
    for refused in ({"destination_county": "鄞州区"}, {"contact_person": station}):
        with pytest.raises(PermissionDenied):
            do_update_episode(
                actor=station, episode=at_station, changed_on=dt.date(2026, 5, 3), **refused
            )


def test_who_may_not_update_is_refused(tree, members, at_station, inspector, secretary2):
    """Issue 9, item 4: an inspector reads, an organization the member is not shared with has
    nothing to do with the absence."""
    for actor in (inspector, secretary2):
        with pytest.raises(PermissionDenied):
            do_update_episode(
                actor=actor, episode=at_station, changed_on=MOVED, phone_there="13800000002"
            )
    assert not EpisodeUpdate.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"changed_on": dt.date(2026, 2, 1), "employer": "某厂"}, "changed_on"),
        ({"changed_on": dt.date(2099, 1, 1), "employer": "某厂"}, "changed_on"),
        ({"changed_on": MOVED, "employer": "  "}, None),  # nothing changed
    ],
)
def test_bad_updates_are_refused_and_change_nothing(at_station, secretary, changes, field):
    """Issue 9, item 4: a change comes after leaving and not in the future, and changes
    something; a refusal writes nothing."""
    with pytest.raises(ValidationError) as refused:
        do_update_episode(actor=secretary, episode=at_station, **changes)
    if field:
        assert field in refused.value.message_dict
    assert not EpisodeUpdate.objects.exists()
    assert MobilityEpisode.objects.get(pk=at_station.pk).employer == ""


def test_the_designated_contact_is_home_staff(at_station, secretary, town):
    """Issue 9, item 4: the designated contact is a staff member of the home branch."""
    with pytest.raises(ValidationError) as refused:
        do_update_episode(
            actor=secretary, episode=at_station, changed_on=MOVED, contact_person=town
        )
    assert "contact_person" in refused.value.message_dict


def test_an_ended_absence_is_not_updated(at_station, secretary):
    """Issue 9, item 4: the history of an ended absence is closed."""
    do_end_episode(
        actor=secretary, episode=at_station, status=EpisodeStatus.RETURNED, ended_on=MOVED
    )
    with pytest.raises(ValidationError, match="ended"):
        do_update_episode(actor=secretary, episode=at_station, changed_on=MOVED, employer="某厂")


# ---- Moving on to another inflow organization ------------------------------------------------


def test_a_member_who_moves_on_checks_in_at_the_new_organization(
    tree, members, at_station, secretary2, station
):
    """Issue 9, item 4 (the inflow organization where the member lives and works manages
    them): the second check-in is no longer refused when the user says the member moved on.
    The first ends (its share goes: members.sharing.sync_shares), the new one starts on the
    same absence, the move is kept in its history, and both inflow organizations and the home
    branch are told, by the member's and the organizations' names."""
    member = members["a1"]
    assert tree.bs.pk in shared_with(member)
    episode = move(member, actor=secretary2, at=tree.b1, employer="乙一物流")
    assert episode.pk == at_station.pk
    assert episode.status == EpisodeStatus.CHECKED_IN
    assert (episode.inflow_org, episode.checked_in_on) == (tree.b1, MOVED)
    assert episode.employer == "乙一物流"
    shares = shared_with(member)
    assert tree.b1.pk in shares
    assert tree.bs.pk not in shares
    station._scope_cache = None
    assert not Member.objects.visible_to(station).filter(pk=member.pk).exists()
    entry = EpisodeUpdate.objects.get(episode=episode)
    assert entry.kind == EpisodeUpdateKind.MOVED
    assert entry.changed_on == MOVED
    changed = {c["field"]: (c["from"], c["to"]) for c in entry.changes}
    assert changed["inflow_org"] == (tree.bs.name, tree.b1.name)
    assert changed["checked_in_on"] == (ARRIVED.isoformat(), MOVED.isoformat())
    assert changed["employer"] == ("", "乙一物流")
    for org in (tree.a1, tree.bs, tree.b1):
        notice = Notice.objects.filter(organization=org).latest("created_at")
        assert member.name in notice.title, org
        assert tree.bs.name in notice.title or tree.bs.name in notice.body
        assert tree.b1.name in notice.title or tree.b1.name in notice.body


def test_a_move_is_dated_on_or_after_the_check_in_before(tree, members, at_station, secretary2):
    """Issue 9, item 4: checking in at the next organization comes after the last one."""
    with pytest.raises(ValidationError) as refused:
        move(members["a1"], actor=secretary2, at=tree.b1, on=dt.date(2026, 3, 4))
    assert "checked_in_on" in refused.value.message_dict
    assert MobilityEpisode.objects.get(pk=at_station.pk).inflow_org == tree.bs


def test_without_saying_so_a_second_check_in_is_still_refused(
    tree, members, at_station, secretary2
):
    """Issue 9, item 4: two desks checking one member in at once do not move them back and
    forth; the refusal names where and says how to record a move."""
    with pytest.raises(ValidationError, match="moved on"):
        check_in(members["a1"], actor=secretary2, at=tree.b1, on=MOVED)


def test_a_member_lost_while_checked_in_and_found_elsewhere_moves_on(
    tree, members, at_station, secretary, secretary2
):
    """Issue 9, item 4: lost at the station, checked in at B1: the station's share goes and
    the move is in the history, without ticking "moved on"."""
    member = members["a1"]
    lose_contact(member, actor=secretary, since=dt.date(2026, 4, 1))
    check_in(member, actor=secretary2, at=tree.b1, on=MOVED)
    assert shared_with(member) & {tree.bs.pk, tree.b1.pk} == {tree.b1.pk}
    assert EpisodeUpdate.objects.get(member=member).kind == EpisodeUpdateKind.MOVED


def test_the_certificate_departure_part_of_the_old_organization_is_filled_on_a_move(
    tree, members, secretary, station, secretary2
):
    """Issue 9, item 4, with the 2006 rules on the activity certificate: the inflow part was
    filled at the check-in (members/certificates/actions.py fill_inflow_part_on_check_in);
    when the member moves on, the departure part of the organization left is filled the same
    way (the day of the new check-in, the move as its record), and the certificate stays
    valid. The certificate has one inflow part: it stays the first organization's."""
    member = members["a1"]
    away(member, actor=secretary, out_date=LEFT)
    certificate = issue_certificate(member, actor=secretary, on=LEFT)
    check_in(member, actor=station, at=tree.bs, on=ARRIVED)
    certificate.refresh_from_db()
    assert certificate.inflow_org == tree.bs
    move(member, actor=secretary2, at=tree.b1)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert certificate.inflow_org == tree.bs
    assert certificate.left_inflow_on == MOVED
    assert tree.b1.name in certificate.life_record


def test_an_empty_inflow_part_is_filled_by_the_new_organization(
    tree, members, secretary, station, secretary2
):
    """Issue 9, item 4: a certificate issued after the first check-in has an empty inflow part;
    the check-in at the new organization fills it, as any check-in does."""
    member = members["a1"]
    away(member, actor=secretary, out_date=LEFT)
    check_in(member, actor=station, at=tree.bs, on=ARRIVED)
    certificate = issue_certificate(member, actor=secretary, on=dt.date(2026, 4, 1))
    move(member, actor=secretary2, at=tree.b1)
    certificate.refresh_from_db()
    assert (certificate.inflow_org, certificate.arrived_on) == (tree.b1, MOVED)
    assert certificate.left_inflow_on is None


# ---- Pages -----------------------------------------------------------------------------------


def update_url(episode: MobilityEpisode) -> str:
    return reverse("members:update_episode", args=[episode.member_id, episode.pk])


def test_the_update_page_offers_each_side_its_fields(at_station, secretary, station, login):
    """Issue 9, item 4 (members/access.py): the home side all, the inflow side its own."""
    home = login(secretary).get(update_url(at_station)).context["form"]
    assert {"destination_county", "contact_person", "phone_there"} <= set(home.fields)
    inflow = login(station).get(update_url(at_station)).context["form"]
    assert "phone_there" in inflow.fields
    assert not {"destination_county", "contact_person"} & set(inflow.fields)


def test_a_change_posted_shows_on_the_mobility_card(members, at_station, secretary, login):
    """Issue 9, item 4: the history shows on the member's page, with a button to record one."""
    client = login(secretary)
    page = client.get(reverse("members:detail", args=[members["a1"].pk])).content.decode()
    assert update_url(at_station) in page
    response = client.post(
        update_url(at_station),
        {
            "changed_on": "2026-05-02",
            "channel": "wechat",
            "destination_province": "浙江省",
            "destination_city": "宁波市",
            "destination_county": "北仑区",
            "destination_address": "",
            "employer": "北仑港务公司",
            "employer_sector": "",
            # Full-width digits are normalised (item 14).
            "phone_there": "".join(chr(0xFF10 + int(d)) for d in "138000000") + "03",
            "contact_person": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Changes and moves while away" in page
    assert "北仑港务公司" in page
    assert MobilityEpisode.objects.get(pk=at_station.pk).phone_there == "13800000003"


def test_a_bad_change_re_renders_with_the_error(at_station, secretary, login):
    """Issue 9, item 4: a future date is a field error, never a 500, and nothing is saved."""
    response = login(secretary).post(
        update_url(at_station), {"changed_on": "2099-01-01", "employer": "某厂"}
    )
    assert response.status_code == 200
    assert "changed_on" in response.context["form"].errors
    assert not EpisodeUpdate.objects.exists()


def test_moving_on_through_the_check_in_page(tree, members, at_station, secretary2, login):
    """Issue 9, item 4: the check-in page says how to record a move, then records it."""
    member = members["a1"]
    client = login(secretary2)
    data = {
        "id_number": member.id_number,
        "name": member.name,
        "checked_in_on": MOVED.isoformat(),
        "inflow_org": tree.b1.pk,
        "routing_override_reason": "就近管理",
    }
    refused = client.post(reverse("members:check_in"), data)
    assert refused.status_code == 200
    assert "moved on" in " ".join(refused.context["form"].non_field_errors())
    moved = client.post(reverse("members:check_in"), {**data, "moving_on": "on"})
    assert moved.status_code == 302
    assert MobilityEpisode.objects.get(pk=at_station.pk).inflow_org == tree.b1


def test_the_five_cards_show_the_latest_changes_and_how_many_more(
    members, at_station, secretary, login
):
    """Issue 9, item 4: the printed mobility information card lists the latest changes, cut
    to UPDATES_SHOWN with "N earlier entries are not shown", on its one sheet."""
    for n in range(UPDATES_SHOWN + 2):
        do_update_episode(
            actor=secretary,
            episode=at_station,
            changed_on=dt.date(2026, 4, 1) + dt.timedelta(days=n),
            phone_there=f"1380000{n:04d}",
        )
    response = login(secretary).get(reverse("members:five_cards", args=[members["a1"].pk]))
    card = re.sub(r"\s+", " ", response.content.decode()).split('id="card-1"')[1]
    card = card.split('id="card-2"')[0]
    assert "Changes and moves while away" in card
    assert len(response.context["updates"]) == UPDATES_SHOWN
    assert "2 earlier entries are not shown" in card
    last = UPDATES_SHOWN + 1
    assert f"1380000{last - 1:04d} → 1380000{last:04d}" in card  # the latest
    assert "— → 13800000000" not in card  # the first, cut
