"""The democratic evaluation's rules (issue 10, item 5). MISSION.md, "Official facts":
"Democratic evaluation: yearly; self-assessment, mutual assessment, vote; grades 优秀 / 合格 /
基本合格 / 不合格; 优秀 generally at most one third of members."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEntry
from education.builders import hold_meeting
from education.evaluation.actions import (
    do_grade_member,
    do_record_inflow_opinion,
    evaluation_members,
    excellent_cap,
)
from education.models import (
    Evaluation,
    Grade,
    HandlingKind,
    HandlingNote,
    InflowOpinion,
    MeetingKind,
)
from members.builders import away, check_in, issue_certificate
from members.models import CertificateCheck, CheckResult, DecisionKind, Member, StandingDecision
from organizations.models import Organization
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

YEAR = timezone.localdate().year - 1
GRADED_ON = (
    dt.date(YEAR + 1, 1, 10)
    if timezone.localdate() >= dt.date(YEAR + 1, 1, 10)
    else dt.date(YEAR, 12, 20)
)


def grade(member: Member, actor: Any, value: str = Grade.QUALIFIED, **fields: Any) -> Evaluation:
    fields.setdefault("year", YEAR)
    fields.setdefault("graded_on", GRADED_ON)
    fields.setdefault("self_assessment", "认真学习，积极参加组织生活。")
    return do_grade_member(actor=actor, member=member, grade=value, **fields)


def branch_of(size: int, org: Organization) -> list[Member]:
    """`org`'s members, made up to `size`."""
    have = list(Member.objects.filter(home_org=org, archived_at=None))
    more = [MemberFactory.create(home_org=org) for _ in range(size - len(have))]
    return have + more


def test_a_member_is_graded_once_a_year(members, secretary):
    """Yearly (MISSION.md): a second grade for the same year is refused in Chinese, nothing
    saved; the next year is a new grade."""
    member = members["a1"]
    grade(member, secretary)
    with pytest.raises(ValidationError, match="每年只评定一次") as refused:
        grade(member, secretary, Grade.EXCELLENT)
    assert "王甲一" in str(refused.value)
    assert str(YEAR) in str(refused.value)
    assert Evaluation.objects.filter(member=member).count() == 1
    assert Evaluation.objects.get(member=member).grade == Grade.QUALIFIED
    grade(member, secretary, year=YEAR - 1, graded_on=dt.date(YEAR, 1, 5))
    assert Evaluation.objects.filter(member=member).count() == 2


def test_the_grade_records_the_self_and_mutual_assessment_and_the_vote(tree, members, secretary):
    member = members["a1"]
    meeting = hold_meeting(
        tree.a1, actor=secretary, kind=MeetingKind.GENERAL_MEETING, held_on=GRADED_ON
    )
    evaluation = grade(
        member,
        secretary,
        mutual_assessment="同志们认为其工作积极",
        meeting=meeting,
        votes_excellent=1,
        votes_qualified=5,
        votes_basic=0,
        votes_unqualified=0,
    )
    assert evaluation.branch == tree.a1
    assert evaluation.graded_by == secretary
    assert (evaluation.votes_excellent, evaluation.votes_qualified) == (1, 5)
    entry = AuditEntry.objects.get_for_object(evaluation).get()
    assert entry.actor == secretary
    assert entry.org_path == tree.a1.path


def test_votes_are_all_or_none_and_the_meeting_is_the_branchs(tree, members, secretary, secretary2):
    with pytest.raises(ValidationError, match="每个等次"):
        grade(members["a1"], secretary, votes_excellent=3)
    other = hold_meeting(
        tree.b1, actor=secretary2, kind=MeetingKind.GENERAL_MEETING, held_on=GRADED_ON
    )
    with pytest.raises(ValidationError, match="本支部"):
        grade(members["a1"], secretary, meeting=other)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("bad", [1999, 9999])
def test_a_year_out_of_range_is_refused(members, secretary, bad):
    with pytest.raises(ValidationError):
        grade(members["a1"], secretary, year=bad)


def test_a_future_grading_date_is_refused(members, secretary):
    with pytest.raises(ValidationError, match="将来"):
        grade(members["a1"], secretary, graded_on=timezone.localdate() + dt.timedelta(days=1))


def test_only_the_home_side_grades(members, secretary2, station, inspector):
    for user in (secretary2, station, inspector):
        with pytest.raises(PermissionDenied):
            grade(members["shared"] if user is station else members["a1"], user)


def test_excellent_up_to_one_third_exactly_at_the_cap_and_one_above_refused(tree, secretary):
    """优秀 generally at most one third of members (MISSION.md): with 7 members in the
    evaluation the cap is 2 (rounded down); the 2nd passes, the 3rd is refused naming the cap
    and the count."""
    people = branch_of(7, tree.a1)
    assert evaluation_members(tree.a1, YEAR).count() == 7
    assert excellent_cap(7) == 2
    grade(people[0], secretary, Grade.EXCELLENT)
    grade(people[1], secretary, Grade.EXCELLENT)  # exactly at the cap
    with pytest.raises(ValidationError) as refused:
        grade(people[2], secretary, Grade.EXCELLENT)
    message = str(refused.value)
    assert "本支部参加评议的7名党员的1/3，即2名" in message
    assert "已评定“优秀”2名" in message
    assert not Evaluation.objects.filter(member=people[2]).exists()
    grade(people[2], secretary, Grade.QUALIFIED)  # another grade is fine


def test_the_cap_is_per_branch_and_per_year(tree, secretary, secretary2):
    """Two branches and two years are counted apart."""
    a1 = branch_of(3, tree.a1)
    b1 = branch_of(3, tree.b1)
    grade(a1[0], secretary, Grade.EXCELLENT)
    grade(b1[0], secretary2, Grade.EXCELLENT)  # B1's own third
    grade(a1[1], secretary, Grade.EXCELLENT, year=YEAR - 1, graded_on=dt.date(YEAR, 1, 5))
    with pytest.raises(ValidationError):
        grade(a1[1], secretary, Grade.EXCELLENT)
    with pytest.raises(ValidationError):
        grade(b1[1], secretary2, Grade.EXCELLENT)


def test_the_cap_follows_the_setting(tree, secretary, settings):
    settings.EVALUATION_EXCELLENT_NUMERATOR = 1
    settings.EVALUATION_EXCELLENT_DENOMINATOR = 2
    people = branch_of(4, tree.a1)
    grade(people[0], secretary, Grade.EXCELLENT)
    grade(people[1], secretary, Grade.EXCELLENT)
    with pytest.raises(ValidationError, match="1/2"):
        grade(people[2], secretary, Grade.EXCELLENT)


def test_a_member_graded_who_left_still_counts_for_the_branch(tree, secretary):
    people = branch_of(3, tree.a1)
    grade(people[0], secretary, Grade.EXCELLENT)
    Member.objects.filter(pk=people[0].pk).update(home_org=tree.a2)
    assert evaluation_members(tree.a1, YEAR).count() == 3
    with pytest.raises(ValidationError):
        grade(people[1], secretary, Grade.EXCELLENT)


def test_unqualified_needs_its_handling_and_writes_the_note(members, secretary):
    member = members["a1"]
    with pytest.raises(ValidationError) as refused:
        grade(member, secretary, Grade.UNQUALIFIED)
    assert {"handling_kind", "measures"} <= set(refused.value.error_dict)
    with pytest.raises(ValidationError) as refused:
        grade(
            member,
            secretary,
            Grade.UNQUALIFIED,
            handling_kind=HandlingKind.CORRECT,
            measures="限期三个月改正",
        )
    assert "correct_by" in refused.value.error_dict
    assert not Evaluation.objects.exists()
    assert not HandlingNote.objects.exists()
    deadline = GRADED_ON + dt.timedelta(days=90)
    evaluation = grade(
        member,
        secretary,
        Grade.UNQUALIFIED,
        handling_kind=HandlingKind.CORRECT,
        measures="支部书记谈心谈话，提出批评，限期三个月改正",
        correct_by=deadline,
    )
    note = HandlingNote.objects.get(evaluation=evaluation)
    assert (note.kind, note.correct_by, note.handled_on) == (
        HandlingKind.CORRECT,
        deadline,
        GRADED_ON,
    )
    assert note.member == member
    assert note.decision is None


def test_persuasion_to_withdraw_proposes_the_standing_decision(tree, members, secretary):
    member = members["a1"]
    with pytest.raises(ValidationError) as refused:
        grade(
            member,
            secretary,
            Grade.UNQUALIFIED,
            handling_kind=HandlingKind.PERSUADE,
            measures="劝退",
        )
    assert "meeting" in refused.value.error_dict
    meeting = hold_meeting(
        tree.a1, actor=secretary, kind=MeetingKind.GENERAL_MEETING, held_on=GRADED_ON
    )
    evaluation = grade(
        member,
        secretary,
        Grade.UNQUALIFIED,
        meeting=meeting,
        handling_kind=HandlingKind.PERSUADE,
        measures="经教育仍无转变，劝其退党",
    )
    decision = StandingDecision.objects.get(member=member)
    assert decision.kind == DecisionKind.PERSUADE_WITHDRAW
    assert decision.meeting_on == GRADED_ON
    assert evaluation.handling.decision == decision


def test_other_grades_write_no_handling(members, secretary):
    grade(
        members["a1"], secretary, Grade.BASICALLY_QUALIFIED, handling_kind="criticism", measures="x"
    )
    assert not HandlingNote.objects.exists()


def test_a_suspended_or_archived_member_is_not_graded(members, secretary):
    member = members["a1"]
    Member.objects.filter(pk=member.pk).update(standing="suspended")
    with pytest.raises(ValidationError, match="停止党籍"):
        grade(member, secretary)


def _certificate_holder(member: Member, secretary: Any) -> Any:
    away(member, actor=secretary, out_date=dt.date(YEAR, 2, 1))
    return issue_certificate(member, actor=secretary, on=dt.date(YEAR, 2, 3))


def test_the_certificate_yearly_check_is_recorded_with_the_grade(members, secretary):
    """The activity certificate is checked once a year together with the democratic
    evaluation (MISSION.md, "The activity certificate")."""
    certificate = _certificate_holder(members["a1"], secretary)
    evaluation = grade(members["a1"], secretary, Grade.QUALIFIED)
    check = CertificateCheck.objects.get(certificate=certificate, year=YEAR)
    assert evaluation.certificate_check == check
    assert (check.result, check.checked_on) == (CheckResult.PASSED, GRADED_ON)


def test_unqualified_fails_the_check_with_its_handling(members, secretary):
    certificate = _certificate_holder(members["a1"], secretary)
    grade(
        members["a1"],
        secretary,
        Grade.UNQUALIFIED,
        handling_kind=HandlingKind.CRITICISM,
        measures="长期不参加组织生活，提出批评",
    )
    check = CertificateCheck.objects.get(certificate=certificate, year=YEAR)
    assert check.result == CheckResult.FAILED
    assert check.handling == "长期不参加组织生活，提出批评"


def test_a_check_already_recorded_is_linked_not_changed(members, secretary):
    from members.certificates.actions import do_check_certificate

    certificate = _certificate_holder(members["a1"], secretary)
    done = do_check_certificate(
        actor=secretary,
        certificate=certificate,
        year=YEAR,
        checked_on=dt.date(YEAR, 12, 1),
        result=CheckResult.PASSED,
    )
    evaluation = grade(members["a1"], secretary, Grade.QUALIFIED)
    assert evaluation.certificate_check == done
    assert CertificateCheck.objects.filter(certificate=certificate).count() == 1


def test_a_member_without_certificate_has_no_check(members, secretary):
    assert grade(members["a1"], secretary).certificate_check is None


@pytest.fixture
def checked_in(members, tree, secretary, station):
    member = members["a1"]
    away(member, actor=secretary, out_date=dt.date(YEAR, 3, 1))
    check_in(member, actor=station, at=tree.bs, on=dt.date(YEAR, 3, 5))
    return member


def test_the_inflow_side_records_its_opinion_and_only_it(
    checked_in, tree, secretary, secretary2, town
):
    """The inflow organization gives its opinion; the home side, a stranger and the township
    above the home branch may not."""
    for user in (secretary, town, secretary2):
        with pytest.raises(PermissionDenied):
            do_record_inflow_opinion(
                actor=user, member=checked_in, year=YEAR, opinion="好", suggested_grade="qualified"
            )
    assert not InflowOpinion.objects.exists()


def test_an_opinion_is_replaced_before_the_grade_and_refused_after(
    checked_in, tree, station, secretary
):
    do_record_inflow_opinion(
        actor=station,
        member=checked_in,
        year=YEAR,
        opinion="按时参加活动",
        suggested_grade="excellent",
    )
    do_record_inflow_opinion(
        actor=station,
        member=checked_in,
        year=YEAR,
        opinion="按时参加活动、交纳党费",
        suggested_grade="qualified",
    )
    opinion = InflowOpinion.objects.get()
    assert (opinion.organization, opinion.suggested_grade) == (tree.bs, "qualified")
    grade(checked_in, secretary)
    with pytest.raises(ValidationError, match="已评定"):
        do_record_inflow_opinion(
            actor=station, member=checked_in, year=YEAR, opinion="补充", suggested_grade="qualified"
        )
    # The home branch was told.
    from organizations.models import Notice

    assert Notice.objects.filter(organization=tree.a1, title__contains="意见").exists()
