"""One record of each absence, shared by the outflow and inflow sides (issue 3, first step)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from core.scoping import Action
from members import builders
from members.builders import check_in
from members.mobility.actions import do_check_in_member, do_end_episode, do_register_outflow
from members.models import EpisodeStatus, Member, MobilityEpisode

LEFT = dt.date(2026, 3, 1)
ARRIVED = dt.date(2026, 3, 5)
#: Where a1's member goes: 浙江省杭州市乙县, to work in a factory.
PLACE = {
    "destination_province": "浙江省",
    "destination_city": "杭州市",
    "destination_county": "乙县",
    "employer": "乙县电子厂",
    "occupation": "migrant",
    "reason": "务工",
}
OUTFLOW = {"out_date": LEFT, **PLACE}


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def away(members, secretary):
    """a1's member registered as leaving by the secretary of A1."""
    return builders.away(members["a1"], actor=secretary, **PLACE, out_date=LEFT)


def visible(user, member, action=Action.VIEW) -> bool:
    user._scope_cache = None
    return Member.objects.visible_to(user, action).filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_the_whole_absence_register_check_in_share_return(
    tree, members, away, secretary, station, town, county, secretary2, login
):
    member = members["a1"]
    assert away.status == EpisodeStatus.REGISTERED
    member.refresh_from_db()
    assert member.is_mobile
    assert member.mobile_destination == "浙江省杭州市乙县"
    assert not visible(station, member)

    episode = check_in(member, actor=station, at=tree.bs, on=ARRIVED)
    assert episode.status == EpisodeStatus.CHECKED_IN
    assert episode.inflow_org == tree.bs
    # The inflow station, the township and county above it see the member; its sibling does not.
    assert visible(station, member)
    assert visible(county, member)
    assert not visible(secretary2, member)
    # The inflow side records life but does not own identity: the edit page is 403.
    client = login(station)
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 200
    assert client.get(reverse("members:edit", args=[member.pk])).status_code == 403
    assert not visible(station, member, Action.CHANGE)

    do_end_episode(
        actor=secretary,
        episode=episode,
        status=EpisodeStatus.RETURNED,
        ended_on=dt.date(2026, 9, 1),
    )
    episode.refresh_from_db()
    member.refresh_from_db()
    assert episode.status == EpisodeStatus.RETURNED
    assert not member.is_mobile
    # The grant went with the absence: the station now gets 404.
    assert not visible(station, member)
    assert login(station).get(reverse("members:detail", args=[member.pk])).status_code == 404
    assert visible(secretary, member)


@pytest.mark.django_db
def test_a_wrong_name_finds_nobody_and_changes_nothing(tree, members, away, station):
    with pytest.raises(ValidationError, match="ID-card number and name"):
        do_check_in_member(
            actor=station,
            inflow_org=tree.bs,
            id_number=members["a1"].id_number,
            name="王某",
            checked_in_on=dt.date(2026, 3, 5),
        )
    away.refresh_from_db()
    assert away.status == EpisodeStatus.REGISTERED
    assert not visible(station, members["a1"])


@pytest.mark.django_db
def test_a_second_check_in_is_refused_naming_where(tree, members, away, station, secretary2):
    """Unless the user says the member moved on (issue 9, item 4: tests/members/mobility/
    test_episode_updates.py), a check-in elsewhere is refused naming where."""
    check_in(members["a1"], actor=station, at=tree.bs, on=ARRIVED)
    with pytest.raises(ValidationError, match="乙镇流动党员服务站"):
        check_in(members["a1"], actor=secretary2, at=tree.b1, on=ARRIVED)


@pytest.mark.django_db
def test_a_member_already_away_cannot_be_registered_again(members, away, secretary):
    with pytest.raises(ValidationError, match="already registered as away"):
        do_register_outflow(actor=secretary, member=members["a1"], **OUTFLOW)
    assert MobilityEpisode.objects.filter(member=members["a1"]).count() == 1


@pytest.mark.django_db
def test_checking_in_before_leaving_is_refused(tree, members, away, station):
    with pytest.raises(ValidationError):
        check_in(members["a1"], actor=station, at=tree.bs, on=LEFT - dt.timedelta(days=1))
    away.refresh_from_db()
    assert away.status == EpisodeStatus.REGISTERED


@pytest.mark.django_db
def test_only_the_home_side_registers_and_ends(members, away, station, secretary2):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_register_outflow(actor=secretary2, member=members["a2"], **OUTFLOW)
    with pytest.raises(PermissionDenied):
        do_end_episode(
            actor=station, episode=away, status=EpisodeStatus.RETURNED, ended_on=dt.date(2026, 4, 1)
        )


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_two_simultaneous_check_ins_one_wins(tree, members, secretary, station, secretary2):
    builders.away(members["a1"], actor=secretary, out_date=LEFT, **PLACE)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def attempt(label, actor, org):
        try:
            barrier.wait(timeout=10)
            check_in(members["a1"], actor=actor, at=org, on=ARRIVED)
            outcomes[label] = "ok"
        except ValidationError as exc:
            outcomes[label] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=("station", station, tree.bs)),
        threading.Thread(target=attempt, args=("b1", secretary2, tree.b1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["b1", "station"]
    assert list(outcomes.values()).count("ok") == 1
    loser = next(message for message in outcomes.values() if message != "ok")
    assert "already checked in" in loser or "已" in loser
    episode = MobilityEpisode.objects.get(member=members["a1"])
    assert episode.status == EpisodeStatus.CHECKED_IN


@pytest.mark.django_db
def test_a_member_does_not_check_in_at_home(members, away, secretary, tree):
    with pytest.raises(ValidationError, match="away from home"):
        check_in(members["a1"], actor=secretary, at=tree.a1, on=ARRIVED)


@pytest.mark.django_db
def test_an_inactive_station_takes_nobody(tree, members, away, station):
    tree.bs.is_active = False
    tree.bs.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="active branch"):
        check_in(members["a1"], actor=station, at=tree.bs, on=ARRIVED)


@pytest.mark.django_db
def test_an_expected_return_before_leaving_is_refused(members, secretary):
    with pytest.raises(ValidationError):
        do_register_outflow(
            actor=secretary,
            member=members["a1"],
            **{**OUTFLOW, "expected_return": LEFT - dt.timedelta(days=1)},
        )
    assert not MobilityEpisode.objects.filter(member=members["a1"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "why"),
    [
        (
            LEFT - dt.timedelta(days=1),
            "The member left on 2026-03-01: the arrival comes after that.",
        ),
        (dt.date(9999, 12, 31), "The arrival cannot be in the future."),
    ],
)
def test_a_check_in_before_leaving_or_in_the_future_is_refused_and_changes_nothing(
    tree, members, away, station, day, why
):
    """Hostile input is ordinary input: the date is a field error on the check-in, and the
    absence stays registered, shared with nobody."""
    with pytest.raises(ValidationError) as refused:
        check_in(members["a1"], actor=station, at=tree.bs, on=day)
    assert refused.value.message_dict == {"checked_in_on": [why]}
    away.refresh_from_db()
    assert away.status == EpisodeStatus.REGISTERED
    assert away.inflow_org is None
    assert not visible(station, members["a1"])
