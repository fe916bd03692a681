"""Party groups (党小组) and temporary branches (临时党支部) of mobile members (issue 10, item 2):
who may belong, the share while they belong, and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from education.attendance.actions import (
    attendable_members,
    do_add_group_member,
    do_end_group_membership,
)
from education.builders import hold_meeting
from education.life import with_last_life
from education.models import AttendanceStatus, GroupMembership, MeetingKind
from members.builders import away
from members.models import Member, MemberGroupObjectPermission
from organizations.models import Organization, OrgKind
from tests.factories import MemberFactory, OrganizationFactory
from tests.pages import shown

pytestmark = pytest.mark.shared_world

DAY = dt.date(2026, 3, 1)


def grants(member: Member, org: Organization) -> set[str]:
    return set(
        MemberGroupObjectPermission.objects.filter(
            content_object=member, group_id=org.group_id
        ).values_list("permission__codename", flat=True)
    )


@pytest.fixture
def party_group(tree) -> Organization:
    return OrganizationFactory.create(
        parent=tree.a1, name="甲一第一党小组", kind=OrgKind.PARTY_GROUP
    )


@pytest.fixture
def temporary_branch(tree) -> Organization:
    return OrganizationFactory.create(
        parent=tree.town_a, name="甲镇赴宁波务工临时党支部", kind=OrgKind.TEMPORARY_BRANCH
    )


def travellers(tree, actor, n: int) -> list[Member]:
    """`n` members of A1 and A2 registered as away together."""
    found = []
    for i in range(n):
        member = MemberFactory.create(name=f"周外出{i}", home_org=tree.a1 if i % 2 else tree.a2)
        away(member, actor=actor)
        found.append(Member.objects.get(pk=member.pk))
    return found


def test_a_party_group_holds_members_of_its_own_branch(
    party_group, members, secretary, superuser
) -> None:
    own = do_add_group_member(
        actor=secretary, group=party_group, member=members["a1"], joined_on=DAY
    )
    assert own.left_on is None
    with pytest.raises(ValidationError, match="党小组只能编入本支部的党员"):
        do_add_group_member(actor=superuser, group=party_group, member=members["a2"], joined_on=DAY)
    with pytest.raises(ValidationError, match="已经是"):
        do_add_group_member(actor=secretary, group=party_group, member=members["a1"], joined_on=DAY)


def test_only_those_who_change_the_group_add_members(party_group, members, secretary2) -> None:
    with pytest.raises(PermissionDenied):
        do_add_group_member(
            actor=secretary2, group=party_group, member=members["a1"], joined_on=DAY
        )
    assert not GroupMembership.objects.exists()


def test_membership_shares_the_member_and_ending_it_revokes_the_share(
    party_group, members, secretary
) -> None:
    """While they belong, the group sees the member and records their organizational life;
    ending the membership keeps the record and ends the share."""
    member = members["a1"]
    membership = do_add_group_member(
        actor=secretary, group=party_group, member=member, joined_on=DAY
    )
    assert grants(member, party_group) == {"view_member", "record_member_life"}
    assert member in attendable_members(party_group)
    with pytest.raises(ValidationError, match="不能早于"):
        do_end_group_membership(
            actor=secretary, membership=membership, left_on=DAY - dt.timedelta(days=1)
        )
    do_end_group_membership(actor=secretary, membership=membership, left_on=DAY)
    assert grants(member, party_group) == set()
    assert member not in attendable_members(party_group)
    assert GroupMembership.objects.get(pk=membership.pk).left_on == DAY
    with pytest.raises(ValidationError, match="已于"):
        do_end_group_membership(actor=secretary, membership=membership, left_on=DAY)


def test_a_temporary_branch_holds_mobile_members_the_actor_records_for(
    tree, temporary_branch, members, town, superuser
) -> None:
    """Three or more mobile members who left together form a temporary branch (the activity
    certificate's rules): members of any branch the township records for, registered as away."""
    a1_away, a2_away = travellers(tree, superuser, 2)
    for member in (a1_away, a2_away):
        do_add_group_member(actor=town, group=temporary_branch, member=member, joined_on=DAY)
        assert grants(member, temporary_branch) == {"view_member", "record_member_life"}
    with pytest.raises(ValidationError, match="未登记为外出流动"):
        do_add_group_member(actor=town, group=temporary_branch, member=members["a1"], joined_on=DAY)
    # Township A records for nobody in township B.
    b1_away = MemberFactory.create(name="吴乙外出", home_org=tree.b1)
    away(b1_away, actor=superuser)
    with pytest.raises(PermissionDenied):
        do_add_group_member(actor=town, group=temporary_branch, member=b1_away, joined_on=DAY)


def test_the_temporary_branch_records_its_members_life_and_it_counts_at_home(
    tree, temporary_branch, town, superuser, login
) -> None:
    people = travellers(tree, superuser, 3)
    for member in people:
        do_add_group_member(actor=town, group=temporary_branch, member=member, joined_on=DAY)
    day = timezone.localdate() - dt.timedelta(days=1)
    meeting = hold_meeting(temporary_branch, actor=town, kind=MeetingKind.THEME_DAY, held_on=day)
    client = login(town)
    page = client.get(reverse("education:attendance", args=[meeting.pk]))
    sheet = shown(page, "sheet")
    assert {row["pk"] for row in sheet.rows} == {m.pk for m in people}
    assert all(row["home"] in ("甲一支部", "甲二支部") for row in sheet.rows)
    assert shown(page, "is_group") is True
    data = {f"s{m.pk}": AttendanceStatus.PRESENT for m in people}
    assert client.post(reverse("education:attendance", args=[meeting.pk]), data).status_code == 302
    lives = with_last_life(Member.objects.filter(pk__in=[m.pk for m in people]))
    assert {row.last_life_on for row in lives} == {day}  # type: ignore[attr-defined]


def test_fewer_than_three_current_members_earn_a_warning(
    tree, temporary_branch, town, superuser, login
) -> None:
    """The activity certificate's rules: three or more members leaving together form a
    temporary branch."""
    people = travellers(tree, superuser, 3)
    client = login(town)
    url = reverse("education:group", args=[temporary_branch.pk])
    memberships = []
    for member in people[:2]:
        memberships.append(
            do_add_group_member(actor=town, group=temporary_branch, member=member, joined_on=DAY)
        )
    html = client.get(url).content.decode()
    assert "临时党支部应由三名以上一同外出的流动党员组成；目前只有 2 名成员。" in html
    listed = client.get(reverse("education:groups"))
    assert "不足三人" in listed.content.decode()
    do_add_group_member(actor=town, group=temporary_branch, member=people[2], joined_on=DAY)
    assert 'id="too-few"' not in client.get(url).content.decode()
    do_end_group_membership(actor=town, membership=memberships[0], left_on=DAY)
    assert 'id="too-few"' in client.get(url).content.decode()


def test_the_add_page_offers_the_branch_members_and_adds_one(
    tree, party_group, members, secretary, login
) -> None:
    extra = MemberFactory.create(name="郑党员", home_org=tree.a1)
    client = login(secretary)
    url = reverse("education:group_add", args=[party_group.pk])
    form = shown(client.get(url), "form")
    offered = {pk for pk, _label in form.fields["member"].choices if pk}
    assert offered == {members["a1"].pk, extra.pk}
    response = client.post(url, {"member": extra.pk, "joined_on": DAY.isoformat()})
    assert response.status_code == 302
    assert GroupMembership.objects.current().filter(organization=party_group, member=extra).exists()
    # Now in the group: no longer offered; a member of another branch is a forged id.
    form = shown(client.get(url), "form")
    assert extra.pk not in {pk for pk, _label in form.fields["member"].choices if pk}
    forged = client.post(url, {"member": members["a2"].pk, "joined_on": DAY.isoformat()})
    assert forged.status_code == 404
    searched = shown(client.get(url + "?q=zheng"), "form")
    assert [pk for pk, _label in searched.fields["member"].choices if pk] == []


def test_the_end_page_ends_the_membership(party_group, members, secretary, login) -> None:
    membership = do_add_group_member(
        actor=secretary, group=party_group, member=members["a1"], joined_on=DAY
    )
    client = login(secretary)
    url = reverse("education:group_end", args=[membership.pk])
    early = client.post(url, {"left_on": "2026-02-01"})
    assert early.status_code == 200
    assert "不能早于" in early.content.decode()
    response = client.post(url, {"left_on": "2026-03-10"})
    assert response.status_code == 302
    assert GroupMembership.objects.get(pk=membership.pk).left_on == dt.date(2026, 3, 10)


def test_the_attendance_page_of_a_group_links_to_its_members(
    party_group, members, secretary, login
) -> None:
    do_add_group_member(actor=secretary, group=party_group, member=members["a1"], joined_on=DAY)
    meeting = hold_meeting(party_group, actor=secretary, kind=MeetingKind.PARTY_GROUP)
    html = login(secretary).get(reverse("education:attendance", args=[meeting.pk]))
    assert reverse("education:group", args=[party_group.pk]) in html.content.decode()


def test_the_group_list_and_page_take_the_same_queries_for_more_groups(
    tree, members, secretary, superuser, login, django_assert_num_queries
) -> None:
    counts = []
    for round_ in range(2):
        for i in range(1 + 5 * round_):
            group = OrganizationFactory.create(
                parent=tree.a1, name=f"党小组{round_}-{i}", kind=OrgKind.PARTY_GROUP
            )
            for j in range(1 + 3 * round_):
                member = MemberFactory.create(name=f"冯组员{round_}{i}{j}", home_org=tree.a1)
                do_add_group_member(actor=superuser, group=group, member=member, joined_on=DAY)
        client = login(secretary)
        with django_assert_num_queries(4) as listed:
            response = client.get(reverse("education:groups"))
        assert len(response.context["groups"]) == 1 + (6 if round_ else 0)
        client = login(secretary)
        with django_assert_num_queries(6) as page:
            client.get(reverse("education:group", args=[group.pk]))
        counts.append((len(listed.captured_queries), len(page.captured_queries)))
    assert counts[0] == counts[1]


def test_a_manager_creates_a_party_group_and_a_temporary_branch(tree, town, login) -> None:
    """ALLOWED_CHILDREN: a party group under a branch, a temporary branch under a township."""
    client = login(town)
    for parent, kind, name in (
        (tree.a1, OrgKind.PARTY_GROUP, "甲一第二党小组"),
        (tree.town_a, OrgKind.TEMPORARY_BRANCH, "甲镇赴杭州临时党支部"),
    ):
        url = reverse("organizations:create", args=[parent.pk])
        assert kind in dict(shown(client.get(url), "form").fields["kind"].choices)
        response = client.post(url, {"name": name, "kind": kind})
        assert response.status_code == 302, response.content.decode()[:2000]
        created = Organization.objects.get(name=name)
        assert (created.kind, created.path[:-4]) == (kind, parent.path)
