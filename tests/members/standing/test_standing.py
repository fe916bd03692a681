"""Party standing changes only through a decision (issue 9, item 2): the branch proposes after
its general meeting, the superior committee approves, and only the approval changes the member.

The rules: the party constitution, art. 9 (striking off, persuading to withdraw: the branch
general meeting decides, the superior committee approves), art. 40 (expulsion: the branch
general meeting decides, the committee above approves) and the 2014 opinions of the central
organization department on members who lost contact (suspension and restoration of membership:
the branch general meeting, the superior committee's approval)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from members.builders import away, decide_standing
from members.certificates.actions import do_issue_certificate
from members.home import member_counts
from members.mobility.actions import do_register_outflow
from members.models import DecisionKind, DecisionStatus, Member, Standing, StandingDecision
from members.standing.actions import (
    do_approve_standing_decision,
    do_propose_standing_decision,
    do_reject_standing_decision,
    do_withdraw_standing_decision,
)
from organizations.models import Notice
from transfers.actions import do_start_transfer

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

SUSPEND = DecisionKind.SUSPEND
MEETING = dt.date(2026, 3, 2)
APPROVED = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def propose(member: Member, actor, kind: str = SUSPEND, **extra) -> StandingDecision:
    fields = {
        "grounds": "失去联系超过六个月，经多次查找仍无音讯。",
        "meeting_on": MEETING,
        "resolution": "党支部大会表决通过。",
        **extra,
    }
    return do_propose_standing_decision(actor=actor, member=member, kind=kind, **fields)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_a_proposal_changes_nothing_until_the_committee_approves(tree, members, secretary, town):
    """Constitution art. 9, 40; 2014 lost-contact opinions: the branch general meeting resolves,
    the superior committee approves; the standing changes only with the approval."""
    member = members["a1"]
    decision = propose(member, secretary)
    member.refresh_from_db()
    assert member.standing == Standing.NORMAL
    assert decision.status == DecisionStatus.PROPOSED
    assert decision.committee == tree.town_a
    assert Notice.objects.filter(organization=tree.town_a, title__contains=member.name).exists()

    do_approve_standing_decision(actor=town, decision=decision, decided_on=APPROVED, answer="同意")
    member.refresh_from_db()
    assert member.standing == Standing.SUSPENDED
    assert member.standing_since == APPROVED
    decision.refresh_from_db()
    assert (decision.status, decision.decided_by, decision.decided_on) == (
        DecisionStatus.APPROVED,
        town,
        APPROVED,
    )
    assert Notice.objects.filter(organization=tree.a1, title__contains="approved").exists()


def test_the_branch_cannot_approve_its_own_proposal(members, secretary, committee):
    """The approval is the superior committee's, not the proposing branch's."""
    decision = propose(members["a1"], secretary)
    for branch_staff in (secretary, committee):
        with pytest.raises(PermissionDenied):
            do_approve_standing_decision(actor=branch_staff, decision=decision, decided_on=APPROVED)
    assert Member.objects.get(pk=members["a1"].pk).standing == Standing.NORMAL


def test_a_committee_above_the_township_approves_too(members, secretary, county):
    decision = propose(members["a1"], secretary)
    do_approve_standing_decision(actor=county, decision=decision, decided_on=APPROVED)
    assert Member.objects.get(pk=members["a1"].pk).standing == Standing.SUSPENDED


def test_another_townships_committee_cannot_answer(members, secretary, secretary2, tree):
    """Township B's officer is not above branch A1."""
    decision = propose(members["a1"], secretary)
    with pytest.raises(PermissionDenied):
        do_reject_standing_decision(
            actor=secretary2, decision=decision, decided_on=APPROVED, answer="不同意"
        )


def test_a_decision_that_needs_the_meeting_is_refused_without_it(members, secretary):
    """Suspension, restoration, striking off, persuading to withdraw and expulsion are resolved
    by the branch general meeting: its date and resolution are required."""
    with pytest.raises(ValidationError) as refused:
        propose(members["a1"], secretary, meeting_on=None, resolution="")
    assert set(errors_of(refused)) == {"meeting_on", "resolution"}
    assert not StandingDecision.objects.filter(member=members["a1"]).exists()


def test_a_death_is_recorded_without_a_meeting(members, secretary, town):
    decision = propose(
        members["a1"], secretary, kind=DecisionKind.DECEASED, meeting_on=None, resolution=""
    )
    do_approve_standing_decision(actor=town, decision=decision, decided_on=APPROVED)
    assert Member.objects.get(pk=members["a1"].pk).standing == Standing.DECEASED


def test_a_kind_that_does_not_apply_to_the_standing_is_refused(members, secretary, town):
    """Only a suspended member is restored; a suspended member is not suspended again."""
    with pytest.raises(ValidationError) as refused:
        propose(members["a1"], secretary, kind=DecisionKind.RESTORE)
    assert "kind" in errors_of(refused)
    decide_standing(members["a1"], kind=SUSPEND, proposer=secretary, approver=town, on=MEETING)
    with pytest.raises(ValidationError):
        propose(Member.objects.get(pk=members["a1"].pk), secretary)
    restored = decide_standing(
        Member.objects.get(pk=members["a1"].pk),
        kind=DecisionKind.RESTORE,
        proposer=secretary,
        approver=town,
        on=APPROVED,
    )
    assert restored.status == DecisionStatus.APPROVED
    assert Member.objects.get(pk=members["a1"].pk).standing == Standing.NORMAL


def test_one_proposal_at_a_time(members, secretary):
    propose(members["a1"], secretary)
    with pytest.raises(ValidationError, match="already awaiting approval"):
        propose(members["a1"], secretary, kind=DecisionKind.EXPEL)


def test_a_rejection_says_why_and_leaves_the_member(members, secretary, town):
    decision = propose(members["a1"], secretary)
    with pytest.raises(ValidationError) as refused:
        do_reject_standing_decision(actor=town, decision=decision, decided_on=APPROVED, answer="")
    assert "answer" in errors_of(refused)
    do_reject_standing_decision(
        actor=town, decision=decision, decided_on=APPROVED, answer="尚未满六个月"
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.REJECTED
    assert Member.objects.get(pk=members["a1"].pk).standing == Standing.NORMAL


def test_an_answer_is_dated_after_the_meeting_and_not_in_the_future(members, secretary, town):
    decision = propose(members["a1"], secretary)
    for day in (MEETING - dt.timedelta(days=1), timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            do_approve_standing_decision(actor=town, decision=decision, decided_on=day)
        assert "decided_on" in errors_of(refused)
    assert Member.objects.get(pk=members["a1"].pk).standing == Standing.NORMAL


def test_the_branch_withdraws_an_unanswered_proposal(members, secretary, town):
    decision = propose(members["a1"], secretary)
    do_withdraw_standing_decision(actor=secretary, decision=decision)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        do_approve_standing_decision(actor=town, decision=decision, decided_on=APPROVED)


@pytest.fixture
def suspended(members, secretary, town) -> Member:
    member = members["a1"]
    decide_standing(member, kind=SUSPEND, proposer=secretary, approver=town, on=MEETING)
    return Member.objects.select_related("home_org").get(pk=member.pk)


def test_a_suspended_member_is_not_registered_away_certified_or_transferred(
    tree, suspended, secretary
):
    """Issue 9, item 2: suspended, struck-off, expelled and withdrawn members cannot be
    registered as away, issued a certificate or transferred, and are told why."""
    refusals = [
        lambda: away(suspended, actor=secretary),
        lambda: do_issue_certificate(
            actor=secretary,
            member=suspended,
            kind="letter",
            issued_on=MEETING,
            valid_until=APPROVED,
            reason="探亲",
        ),
        lambda: do_start_transfer(
            actor=secretary,
            member=suspended,
            to_org=tree.b1,
            reason="工作调动",
            dues_paid_until=dt.date(2026, 3, 1),
        ),
    ]
    for refused in refusals:
        with pytest.raises(ValidationError, match="Membership suspended"):
            refused()


@pytest.mark.parametrize(
    "kind", [DecisionKind.STRIKE_OFF, DecisionKind.PERSUADE_WITHDRAW, DecisionKind.EXPEL]
)
def test_members_who_left_are_not_registered_away(members, secretary, town, kind):
    decide_standing(members["a2"], kind=kind, proposer=town, approver=town, on=MEETING)
    member = Member.objects.select_related("home_org").get(pk=members["a2"].pk)
    with pytest.raises(ValidationError):
        do_register_outflow(
            actor=town,
            member=member,
            out_date=MEETING,
            destination_province="浙江省",
            destination_county="北仑区",
            reason="务工",
        )


def test_suspended_members_leave_the_home_pages_head_count(members, secretary, town):
    """Issue 9, item 2: the home page's "members" counts members in good standing only."""
    before = member_counts(town)
    assert before is not None
    decide_standing(members["a1"], kind=SUSPEND, proposer=secretary, approver=town, on=MEETING)
    after = member_counts(town)
    assert after is not None
    assert after["counts"]["total"] == before["counts"]["total"] - 1
    assert after["counts"]["suspended"] == before["counts"]["suspended"] + 1


def test_the_member_form_does_not_edit_the_standing(members, secretary, login):
    """The standing field is no longer on the member form: a forged value changes nothing."""
    member = members["a1"]
    page = login(secretary).get(reverse("members:edit", args=[member.pk]))
    assert 'name="standing"' not in page.content.decode()


def test_the_handling_card_lists_the_decisions(suspended, secretary, login):
    """The education and handling card (教育处理卡) shows each decision on party standing."""
    page = login(secretary).get(reverse("members:five_cards", args=[suspended.pk]))
    html = page.content.decode()
    assert "Suspend membership" in html
    assert "None yet." not in html.split("Education and handling card")[-1]


# --- pages -----------------------------------------------------------------------------------


def test_the_branch_proposes_on_the_page_and_the_committee_approves(
    members, secretary, town, login
):
    member = members["a1"]
    client = login(secretary)
    form = client.get(reverse("members:standing_propose", args=[member.pk]))
    offered = form.context["form"].fields["kind"].choices
    assert DecisionKind.RESTORE not in [value for value, _label in offered]
    response = client.post(
        reverse("members:standing_propose", args=[member.pk]),
        {
            "kind": SUSPEND,
            "grounds": "失联超过六个月",
            "meeting_on": "2026-03-02",
            "resolution": "表决通过",
        },
    )
    decision = StandingDecision.objects.get(member=member)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:standing_decision", args=[decision.pk])

    inbox = login(town).get(reverse("members:standing_pending"))
    assert [d.pk for d in inbox.context["decisions"]] == [decision.pk]
    assert login(secretary).get(reverse("members:standing_pending")).context["decisions"] == []

    approved = login(town).post(
        reverse("members:standing_approve", args=[decision.pk]),
        {"decided_on": "2026-03-10", "answer": "同意"},
    )
    assert approved.status_code == 302
    assert Member.objects.get(pk=member.pk).standing == Standing.SUSPENDED


def test_a_proposal_without_its_meeting_re_renders_with_field_errors(members, secretary, login):
    member = members["a1"]
    response = login(secretary).post(
        reverse("members:standing_propose", args=[member.pk]),
        {"kind": SUSPEND, "grounds": "失联"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"meeting_on", "resolution"}
    assert not StandingDecision.objects.filter(member=member).exists()


def test_the_member_page_shows_the_decisions_panel(suspended, secretary, login):
    html = login(secretary).get(reverse("members:detail", args=[suspended.pk])).content.decode()
    assert "Party standing decisions" in html
    assert reverse("members:standing_propose", args=[suspended.pk]) in html


def test_the_inbox_runs_a_fixed_number_of_queries(
    members, secretary, town, login, django_assert_num_queries
):
    for key in ("a1", "a2", "shared"):
        propose(members[key], town)
    client = login(town)
    with django_assert_num_queries(5):
        response = client.get(reverse("members:standing_pending"))
    assert len(response.context["decisions"]) == 3
