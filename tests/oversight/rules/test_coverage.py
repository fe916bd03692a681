"""The coverage rules (MISSION.md, "Coverage"): a non-public enterprise with three or more
mobile members and no party organization should set up its own; with one or two, a joint
organization or attach them to a local one."""

from __future__ import annotations

import pytest

from members import builders
from organizations.models import Sector
from oversight.engine import run_rules
from oversight.models import Severity
from tests.oversight.rules.helpers import alerts, days_ago, rows, today

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def works_at(member, employer: str, *, actor, has_party_org: bool = False):
    return builders.away(
        member,
        actor=actor,
        out_date=days_ago(60),
        employer=employer,
        employer_sector=Sector.NON_PUBLIC_ENTERPRISE,
        employer_has_party_org=has_party_org,
    )


def test_three_members_at_one_enterprise_call_for_its_own_organization(
    members, secretary, town, station, tree
) -> None:
    """Three members checked in at township B's station, the employer's name written three ways
    (full-width, trailing space, case): one enterprise, township B's committee acts."""
    works_at(members["a1"], "ＡＢＣ科技有限公司", actor=secretary)
    works_at(members["a2"], "abc科技有限公司 ", actor=town)
    works_at(members["shared"], "Abc科技有限公司", actor=town)
    for key in ("a1", "a2", "shared"):
        builders.check_in(members[key], actor=station, at=tree.bs)
    (row,) = rows("coverage_own_org", today())
    assert (row["b_org"], row["b_member"], row["b_key"]) == (
        tree.town_b.pk,
        None,
        "abc科技有限公司",
    )
    assert row["b_detail"]["members"] == 3
    assert row["b_detail"]["checked_in"] == 3
    assert sorted(row["b_detail"]["names"]) == sorted(
        members[key].name for key in ("a1", "a2", "shared")
    )
    assert row["b_severity"] == Severity.WARNING
    assert rows("coverage_joint_org", today()) == []


def test_two_members_call_for_a_joint_organization(members, secretary, town, station, tree):
    """Two members: a joint organization (a reminder), not one of its own. An employer with a
    party organization, or of another sector, is covered."""
    works_at(members["a1"], "宁波某电子厂", actor=secretary)
    works_at(members["a2"], "宁波某电子厂", actor=town)
    works_at(members["shared"], "宁波港集团", actor=town, has_party_org=True)
    for key in ("a1", "a2"):
        builders.check_in(members[key], actor=station, at=tree.bs)
    (row,) = rows("coverage_joint_org", today())
    assert (row["b_org"], row["b_key"], row["b_severity"]) == (
        tree.town_b.pk,
        "宁波某电子厂",
        Severity.REMINDER,
    )
    assert row["b_detail"]["members"] == 2
    assert rows("coverage_own_org", today()) == []


def test_members_not_checked_in_count_for_their_home_township(
    members, secretary, secretary2, tree
) -> None:
    """Not checked in anywhere: the committee above the home branch is told (it reports the
    enterprise where it is); two townships, two alerts."""
    works_at(members["a1"], "义乌某商贸公司", actor=secretary)
    works_at(members["b1"], "义乌某商贸公司", actor=secretary2)
    run = run_rules(today(), only=["coverage_own_org", "coverage_joint_org"])
    assert run.status == "succeeded", run.error
    found = [(a.organization_id, a.subject_key, a.member_id) for a in alerts("coverage_joint_org")]
    assert found == sorted(
        [(tree.town_a.pk, "义乌某商贸公司", None), (tree.town_b.pk, "义乌某商贸公司", None)]
    )
    assert all(a.detail["members"] == 1 for a in alerts("coverage_joint_org"))
