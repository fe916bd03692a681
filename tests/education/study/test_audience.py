"""Classified education (分类教育, MISSION.md "Education"; issue 10, item 6): a column item reaches
the members of its audience under its publisher — migrant workers and traders (诚信守法、文明经商),
employees of non-public enterprises (市场经济、实用技术), chosen organizations — and staff see
the items of their publisher's side and of the committees above them."""

from __future__ import annotations

import pytest

from education.models import Audience, ColumnItem
from education.study.builders import publish
from education.study.queries import applicable_members
from members.builders import away, check_in
from members.mobility.actions import do_end_episode
from members.models import Member
from members.models.choices import OccupationCategory
from organizations.models import Sector

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


@pytest.fixture
def kinds(tree, members, superuser) -> dict[str, Member]:
    """a1's member: a migrant worker away, checked in at station B-S (township B). b1's
    member: away to a non-public enterprise (not checked in). a2's member stays at home."""
    away(members["a1"], actor=superuser, occupation=OccupationCategory.MIGRANT_WORKER)
    check_in(members["a1"], actor=superuser, at=tree.bs)
    away(
        members["b1"],
        actor=superuser,
        occupation=OccupationCategory.FLEXIBLE,
        employer="宁波某某电子有限公司",
        employer_sector=Sector.NON_PUBLIC_ENTERPRISE,
    )
    return members


@pytest.fixture
def items(tree, superuser) -> dict[str, ColumnItem]:
    return {
        "everyone": publish(tree.county, actor=superuser, title="全县党员学习"),
        "migrant": publish(
            tree.county, actor=superuser, audience=Audience.MIGRANT, title="诚信守法、文明经商"
        ),
        "non_public": publish(
            tree.county, actor=superuser, audience=Audience.NON_PUBLIC, title="市场经济、实用技术"
        ),
        "chosen_town_a": publish(
            tree.county,
            actor=superuser,
            audience=Audience.CHOSEN,
            chosen=[tree.town_a],
            title="甲镇专题",
        ),
        "town_b": publish(tree.town_b, actor=superuser, title="乙镇通知"),
        "chosen_bs": publish(
            tree.town_b,
            actor=superuser,
            audience=Audience.CHOSEN,
            chosen=[tree.bs],
            title="服务站学习",
        ),
    }


#: Which items apply to which member (see the fixtures).
APPLIES = {
    # Migrant worker checked in at B-S: the county's, the migrant item, township A's chosen
    # item (home branch A1), and through the inflow station township B's items.
    "a1": {"everyone", "migrant", "chosen_town_a", "town_b", "chosen_bs"},
    # At home in A2: everyone's and township A's chosen item.
    "a2": {"everyone", "chosen_town_a"},
    # Away to a non-public enterprise, home in B1: not the migrant item, not the station's.
    "b1": {"everyone", "non_public", "town_b"},
    "county_branch": {"everyone"},
    # Held by A2, shared with the station by a grant only (no absence): no inflow items.
    "shared": {"everyone", "chosen_town_a"},
}


def test_two_members_of_different_kinds_see_different_items(kinds, items):
    """A migrant worker gets 诚信守法、文明经商 and not 市场经济、实用技术; an employee of a
    non-public enterprise the other way round (MISSION.md, "Classified education")."""
    names = {item.pk: name for name, item in items.items()}
    for key, expected in APPLIES.items():
        got = {
            names[i] for i in ColumnItem.objects.for_member(kinds[key]).values_list("pk", flat=True)
        }
        assert got == expected, key


def test_the_items_side_agrees_with_the_members_side(kinds, items):
    """`applicable_members(item)` (the "read by" page's candidates) is `for_member` read the
    other way."""
    for name, item in items.items():
        got = set(applicable_members(item).values_list("pk", flat=True))
        expected = {kinds[key].pk for key, names in APPLIES.items() if name in names}
        assert got == expected, name


def test_an_absence_ended_takes_the_classified_items_away(kinds, items, superuser):
    episode = kinds["b1"].episodes.get()
    do_end_episode(actor=superuser, episode=episode, ended_on=episode.out_date, status="returned")
    got = set(ColumnItem.objects.for_member(kinds["b1"]).values_list("title", flat=True))
    assert got == {"全县党员学习", "乙镇通知"}


def test_staff_see_their_publishers_items_and_those_above(
    items, secretary, committee, town, county, secretary2, station, inspector
):
    """An item is seen by those whose scope covers the publisher and those working below it;
    an item for chosen organizations by those organizations, those below and above them."""
    seen = {
        user.username: set(ColumnItem.objects.visible_to(user).values_list("title", flat=True))
        for user in (secretary, committee, town, county, secretary2, station, inspector)
    }
    everything = {item.title for item in items.values()}
    assert seen["county"] == everything
    assert seen["inspector"] == everything
    assert seen["secretary"] == {
        "全县党员学习",
        "诚信守法、文明经商",
        "市场经济、实用技术",
        "甲镇专题",
    }
    assert seen["committee"] == seen["secretary"]
    assert seen["town"] == seen["secretary"]
    # B1 is under township B but not the chosen station, nor township A.
    assert seen["secretary2"] == {
        "全县党员学习",
        "诚信守法、文明经商",
        "市场经济、实用技术",
        "乙镇通知",
    }
    assert seen["station"] == seen["secretary2"] | {"服务站学习"}


def test_a_branchs_item_is_not_seen_by_its_sibling(tree, superuser, secretary, secretary2, town):
    item = publish(tree.a1, actor=superuser, title="甲一支部学习")
    assert ColumnItem.objects.visible_to(secretary).filter(pk=item.pk).exists()
    assert ColumnItem.objects.visible_to(town).filter(pk=item.pk).exists()
    assert not ColumnItem.objects.visible_to(secretary2).filter(pk=item.pk).exists()
    assert ColumnItem.objects.visible_to(secretary, "change").filter(pk=item.pk).exists()
    assert not ColumnItem.objects.visible_to(secretary2, "change").filter(pk=item.pk).exists()
