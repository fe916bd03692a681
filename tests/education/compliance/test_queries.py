"""The compliance rule, red-amber-green at the ends of months, quarters and years (issue 10,
item 4; the 2018 branch work regulations, 《中国共产党支部工作条例（试行）》: 支部党员大会
quarterly, 支委会 monthly, 党小组会 monthly, 党课 at least quarterly, 主题党日 monthly, 组织生活会
at least yearly, 谈心谈话 at least yearly)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from education.builders import hold_meeting
from education.compliance.queries import (
    BARE_SQL,
    ComplianceRow,
    bare_params,
    check_meeting_frequencies,
    compliance_table,
    meeting_totals,
)
from education.models import GroupMembership, Meeting, MeetingKind
from members.register.actions import do_archive_member
from organizations.models import Organization, OrgKind
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.shared_world

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
D = dt.date


@pytest.fixture(autouse=True)
def _set_up_long_ago(tree) -> None:
    """The tree existed long before the days the tests look at."""
    Organization.objects.update(created_at=LONG_AGO)


def cells(root: Organization, as_of: dt.date) -> dict[tuple[str, str], ComplianceRow]:
    return {(r.organization_name, r.kind): r for r in compliance_table(root, as_of)}


def light(org: Organization, kind: str, as_of: dt.date) -> str:
    return cells(org, as_of)[org.name, kind].light


def hold(org: Organization, kind: str, day: dt.date, actor) -> Meeting:
    return hold_meeting(org, actor=actor, kind=kind, held_on=day)


def test_monthly_at_the_month_end_and_the_next_first_day(tree, superuser) -> None:
    """主题党日 monthly (article 14 of the 2018 regulations): held on the last day of March it is
    green that day, amber on 1 April (April still open), red on 1 May (April missed)."""
    a1 = tree.a1
    hold(a1, MeetingKind.THEME_DAY, D(2026, 3, 31), superuser)
    assert light(a1, MeetingKind.THEME_DAY, D(2026, 3, 30)) == "red"  # February missed
    assert light(a1, MeetingKind.THEME_DAY, D(2026, 3, 31)) == "green"
    assert light(a1, MeetingKind.THEME_DAY, D(2026, 4, 1)) == "amber"
    assert light(a1, MeetingKind.THEME_DAY, D(2026, 4, 30)) == "amber"
    assert light(a1, MeetingKind.THEME_DAY, D(2026, 5, 1)) == "red"
    # A meeting on the first day of a month counts for that month, from that day.
    hold(a1, MeetingKind.THEME_DAY, D(2026, 5, 1), superuser)
    assert light(a1, MeetingKind.THEME_DAY, D(2026, 4, 30)) == "amber"
    assert light(a1, MeetingKind.THEME_DAY, D(2026, 5, 1)) == "green"
    row = cells(a1, D(2026, 5, 1))[a1.name, MeetingKind.THEME_DAY]
    assert row.frequency == "month"
    assert row.last_held == D(2026, 5, 1)


def test_quarterly_at_the_quarter_end_and_the_next_first_day(tree, superuser) -> None:
    """支部党员大会 quarterly: held on the last day of 2025 it is amber through 31 March 2026
    (the first quarter still open) and red from 1 April (the first quarter missed)."""
    a1 = tree.a1
    hold(a1, MeetingKind.GENERAL_MEETING, D(2025, 12, 31), superuser)
    assert light(a1, MeetingKind.GENERAL_MEETING, D(2025, 12, 31)) == "green"
    assert light(a1, MeetingKind.GENERAL_MEETING, D(2026, 1, 1)) == "amber"
    assert light(a1, MeetingKind.GENERAL_MEETING, D(2026, 3, 31)) == "amber"
    assert light(a1, MeetingKind.GENERAL_MEETING, D(2026, 4, 1)) == "red"
    hold(a1, MeetingKind.GENERAL_MEETING, D(2026, 4, 1), superuser)
    assert light(a1, MeetingKind.GENERAL_MEETING, D(2026, 4, 1)) == "green"
    assert light(a1, MeetingKind.GENERAL_MEETING, D(2026, 6, 30)) == "green"
    assert light(a1, MeetingKind.GENERAL_MEETING, D(2026, 7, 1)) == "amber"
    assert light(a1, MeetingKind.GENERAL_MEETING, D(2026, 10, 1)) == "red"


def test_party_lecture_at_least_quarterly(tree, superuser) -> None:
    """党课 at least once a quarter: two in a quarter are one held quarter."""
    a2 = tree.a2
    hold(a2, MeetingKind.LECTURE, D(2026, 1, 1), superuser)
    hold(a2, MeetingKind.LECTURE, D(2026, 3, 31), superuser)
    row = cells(a2, D(2026, 3, 31))[a2.name, MeetingKind.LECTURE]
    assert row.light == "green"
    assert [p.state for p in row.periods] == ["missed", "missed", "missed", "held"]
    assert [p.label for p in row.periods][-1] == "2026年第1季度"
    assert (row.held, row.due) == (1, 4)


def test_yearly_at_the_year_end_and_the_next_first_day(tree, superuser) -> None:
    """组织生活会 at least yearly, 谈心谈话 at least yearly: held on 31 December 2026, green that
    day, amber through 2027, red on 1 January 2028."""
    b1 = tree.b1
    hold(b1, MeetingKind.LIFE_MEETING, D(2026, 12, 31), superuser)
    assert light(b1, MeetingKind.LIFE_MEETING, D(2026, 12, 30)) == "red"  # 2025 missed
    assert light(b1, MeetingKind.LIFE_MEETING, D(2026, 12, 31)) == "green"
    assert light(b1, MeetingKind.LIFE_MEETING, D(2027, 1, 1)) == "amber"
    assert light(b1, MeetingKind.LIFE_MEETING, D(2027, 12, 31)) == "amber"
    assert light(b1, MeetingKind.LIFE_MEETING, D(2028, 1, 1)) == "red"
    hold(b1, MeetingKind.TALK, D(2027, 1, 1), superuser)
    assert light(b1, MeetingKind.TALK, D(2026, 12, 31)) == "red"
    assert light(b1, MeetingKind.TALK, D(2027, 1, 1)) == "green"
    row = cells(b1, D(2027, 1, 1))[b1.name, MeetingKind.TALK]
    assert [(p.label, p.state) for p in row.periods] == [("2026年", "missed"), ("2027年", "held")]
    assert (row.held, row.due) == (1, 2)


def test_a_voided_meeting_counts_for_nothing(tree, superuser) -> None:
    a1 = tree.a1
    meeting = hold(a1, MeetingKind.THEME_DAY, D(2026, 3, 10), superuser)
    assert light(a1, MeetingKind.THEME_DAY, D(2026, 3, 31)) == "green"
    Meeting.objects.filter(pk=meeting.pk).update(voided_at=timezone.now(), void_reason="误录")
    row = cells(a1, D(2026, 3, 31))[a1.name, MeetingKind.THEME_DAY]
    assert row.light == "red"
    assert row.last_held is None


def test_a_new_organization_is_not_red_for_periods_before_it_existed(tree, superuser) -> None:
    """Set up on 10 February 2026: February and the first quarter were not owed (amber, never
    red), March was (red on 15 April), the second quarter was (red on 1 July)."""
    new = OrganizationFactory.create(parent=tree.town_a, name="新建支部", kind=OrgKind.BRANCH)
    Organization.objects.filter(pk=new.pk).update(
        created_at=dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC)
    )
    assert light(new, MeetingKind.THEME_DAY, D(2026, 2, 20)) == "amber"
    assert light(new, MeetingKind.THEME_DAY, D(2026, 3, 15)) == "amber"  # February not owed
    assert light(new, MeetingKind.THEME_DAY, D(2026, 4, 15)) == "red"  # March was
    assert light(new, MeetingKind.GENERAL_MEETING, D(2026, 4, 1)) == "amber"
    assert light(new, MeetingKind.GENERAL_MEETING, D(2026, 7, 1)) == "red"
    assert light(new, MeetingKind.LIFE_MEETING, D(2026, 12, 31)) == "amber"
    assert light(new, MeetingKind.LIFE_MEETING, D(2027, 1, 1)) == "amber"
    row = cells(new, D(2026, 4, 15))[new.name, MeetingKind.THEME_DAY]
    states = [p.state for p in row.periods]
    assert states[-4:] == ["not_owed", "not_owed", "missed", "open"]
    assert (row.held, row.due) == (0, 1)


def test_a_meeting_is_evidence_the_organization_existed(tree, superuser) -> None:
    """Entered in the system today, but its meetings of 2025 were recorded after the fact: it
    existed then, so a missed period since is red."""
    new = OrganizationFactory.create(parent=tree.town_b, name="补录支部", kind=OrgKind.BRANCH)
    hold(new, MeetingKind.THEME_DAY, D(2025, 1, 15), superuser)
    assert new.created_at.date() > D(2026, 1, 1)
    assert light(new, MeetingKind.GENERAL_MEETING, D(2026, 4, 1)) == "red"
    assert light(new, MeetingKind.THEME_DAY, D(2025, 2, 1)) == "amber"


def test_committee_meetings_only_from_seven_members(tree, superuser, settings) -> None:
    """支委会 monthly, only where there is a committee: seven members or more
    (BRANCH_COMMITTEE_MIN_MEMBERS); an archived member does not count."""
    a1 = tree.a1
    people = MemberFactory.create_batch(6, home_org=a1)
    assert (a1.name, MeetingKind.COMMITTEE) not in cells(a1, D(2026, 3, 31))
    people.append(MemberFactory.create(home_org=a1))
    assert light(a1, MeetingKind.COMMITTEE, D(2026, 3, 31)) == "red"
    hold(a1, MeetingKind.COMMITTEE, D(2026, 3, 1), superuser)
    assert light(a1, MeetingKind.COMMITTEE, D(2026, 3, 31)) == "green"
    do_archive_member(actor=superuser, member=people[0], reason="死亡")
    assert (a1.name, MeetingKind.COMMITTEE) not in cells(a1, D(2026, 3, 31))
    settings.BRANCH_COMMITTEE_MIN_MEMBERS = 3
    assert (a1.name, MeetingKind.COMMITTEE) in cells(a1, D(2026, 3, 31))


def test_a_general_branch_counts_the_members_below_it(tree, superuser) -> None:
    general = OrganizationFactory.create(
        parent=tree.town_b, name="乙镇党总支", kind=OrgKind.GENERAL_BRANCH
    )
    below = OrganizationFactory.create(parent=general, name="总支一支部", kind=OrgKind.BRANCH)
    Organization.objects.update(created_at=LONG_AGO)
    MemberFactory.create_batch(7, home_org=below)
    found = cells(tree.town_b, D(2026, 3, 31))
    assert (general.name, MeetingKind.COMMITTEE) in found
    assert (below.name, MeetingKind.COMMITTEE) in found
    assert found[below.name, MeetingKind.COMMITTEE].group_name == "乙镇"


def test_a_temporary_branch_counts_its_group_members(tree, superuser) -> None:
    """A temporary branch of mobile members (临时党支部) holds a branch's meetings; its committee
    is counted from its current group members, whose relationships stay at home."""
    temporary = OrganizationFactory.create(
        parent=tree.town_a, name="外出务工临时党支部", kind=OrgKind.TEMPORARY_BRANCH
    )
    Organization.objects.update(created_at=LONG_AGO)
    people = MemberFactory.create_batch(7, home_org=tree.a2)
    # No action records group memberships yet (the attendance work adds it): rows by hand.
    rows = [
        GroupMembership.objects.create(
            organization=temporary, member=m, joined_on=D(2025, 1, 1), recorded_by=superuser
        )
        for m in people
    ]
    found = cells(temporary, D(2026, 3, 31))
    assert (temporary.name, MeetingKind.COMMITTEE) in found
    assert (temporary.name, MeetingKind.GENERAL_MEETING) in found
    assert (tree.a2.name, MeetingKind.COMMITTEE) in cells(tree.a2, D(2026, 3, 31))
    GroupMembership.objects.filter(pk=rows[0].pk).update(left_on=D(2026, 1, 1))
    assert (temporary.name, MeetingKind.COMMITTEE) not in cells(temporary, D(2026, 3, 31))


def test_a_party_group_holds_only_its_own_meeting(tree, superuser) -> None:
    """党小组会 monthly: a party group is required to hold it, and nothing else; its branch is
    not required to hold party-group meetings, and the group's meetings do not count for it."""
    group = OrganizationFactory.create(parent=tree.a1, name="第一党小组", kind=OrgKind.PARTY_GROUP)
    Organization.objects.update(created_at=LONG_AGO)
    hold(group, MeetingKind.PARTY_GROUP, D(2026, 3, 5), superuser)
    hold(group, MeetingKind.TALK, D(2026, 3, 6), superuser)
    found = cells(tree.a1, D(2026, 3, 31))
    assert {k for name, k in found if name == group.name} == {MeetingKind.PARTY_GROUP}
    assert found[group.name, MeetingKind.PARTY_GROUP].light == "green"
    assert found[tree.a1.name, MeetingKind.TALK].light == "red"
    assert MeetingKind.PARTY_GROUP not in {k for name, k in found if name == tree.a1.name}


def test_who_must_hold_meetings(tree, settings) -> None:
    """Branches, not committees; a station only where stations hold members; not a closed
    branch. Without a committee, a branch holds five kinds."""
    kinds: dict[str, list[str]] = {}
    for row in compliance_table(tree.county, D(2026, 3, 31)):
        kinds.setdefault(row.organization_name, []).append(row.kind)
    assert set(kinds) == {"甲一支部", "甲二支部", "乙一支部", "县直机关党支部"}
    assert kinds["甲一支部"] == [
        MeetingKind.GENERAL_MEETING,
        MeetingKind.LECTURE,
        MeetingKind.THEME_DAY,
        MeetingKind.LIFE_MEETING,
        MeetingKind.TALK,
    ]
    settings.STATIONS_HOLD_MEMBERS = True
    assert (tree.bs.name, MeetingKind.THEME_DAY) in cells(tree.town_b, D(2026, 3, 31))
    Organization.objects.filter(pk=tree.a2.pk).update(is_active=False)
    assert "甲二支部" not in {
        r.organization_name for r in compliance_table(tree.county, D(2026, 3, 31))
    }


def test_a_frequency_set_to_nothing_is_not_required(tree, settings) -> None:
    settings.MEETING_FREQUENCIES = {**settings.MEETING_FREQUENCIES, "talk": ""}
    assert (tree.a1.name, MeetingKind.TALK) not in cells(tree.a1, D(2026, 3, 31))
    assert check_meeting_frequencies() == []


def test_a_deployment_may_make_a_kind_monthly_and_a_typo_is_caught(tree, settings) -> None:
    settings.MEETING_FREQUENCIES = {**settings.MEETING_FREQUENCIES, "talk": "month"}
    assert cells(tree.a1, D(2026, 3, 31))[tree.a1.name, MeetingKind.TALK].frequency == "month"
    settings.MEETING_FREQUENCIES = {**settings.MEETING_FREQUENCIES, "talk": "monthly"}
    assert [e.id for e in check_meeting_frequencies()] == ["education.E001"]


def test_two_townships_side_by_side(tree, superuser) -> None:
    """A county's table: every branch, grouped by its township (the county's own branch under
    the county), each with its own colours."""
    hold(tree.a1, MeetingKind.THEME_DAY, D(2026, 2, 3), superuser)
    hold(tree.b1, MeetingKind.THEME_DAY, D(2026, 3, 3), superuser)
    rows = compliance_table(tree.county, D(2026, 3, 31))
    themes = {r.organization_name: (r.group_name, r.light) for r in rows if r.kind == "theme_day"}
    assert themes == {
        "甲一支部": ("甲镇", "amber"),
        "甲二支部": ("甲镇", "red"),
        "乙一支部": ("乙镇", "green"),
        "县直机关党支部": ("县委", "red"),
    }
    # The table of one township is the same rows, for its branches only.
    town_rows = compliance_table(tree.town_a, D(2026, 3, 31))
    assert town_rows == [r for r in rows if r.group_name == "甲镇"]


@pytest.mark.parametrize("branches", [2, 20])
def test_two_queries_however_many_branches(tree, superuser, branches, django_assert_num_queries):
    for n in range(branches):
        branch = OrganizationFactory.create(parent=tree.town_b, name=f"乙镇{n}支部", kind="branch")
        hold(branch, MeetingKind.THEME_DAY, D(2026, 3, 3), superuser)
        MemberFactory.create_batch(n % 8, home_org=branch)
    with django_assert_num_queries(2):
        rows = compliance_table(tree.county, D(2026, 3, 31))
    assert len({r.organization_id for r in rows}) == 4 + branches


def test_the_bare_sql_answers_the_same(tree, superuser) -> None:
    MemberFactory.create_batch(7, home_org=tree.b1)
    hold(tree.b1, MeetingKind.COMMITTEE, D(2025, 5, 3), superuser)
    hold(tree.b1, MeetingKind.COMMITTEE, D(2026, 3, 3), superuser)
    hold(tree.a1, MeetingKind.THEME_DAY, D(2024, 1, 3), superuser)
    as_of = D(2026, 3, 31)
    params = bare_params(tree.county, as_of)
    with connection.cursor() as cursor:
        cursor.execute(BARE_SQL["organizations"], params)
        orgs = cursor.fetchall()
        cursor.execute(BARE_SQL["meetings"], params)
        bare = sorted(cursor.fetchall())
    committees = {row[1]: row[6] for row in orgs}
    assert committees[tree.b1.path] is True
    assert committees[tree.a1.path] is False
    orm = sorted(meeting_totals([tree.county.path], params["kinds"], as_of))
    assert bare == orm
    assert (tree.b1.pk, "committee", D(2026, 3, 3), D(2025, 5, 3), 1 | 1 << 10) in orm
    assert (tree.a1.pk, "theme_day", D(2024, 1, 3), D(2024, 1, 3), 0) in orm
