"""The education and handling card (教育处理卡, issue 12, item 3): a talk, criticism and
education, a deadline or persuasion to withdraw, from an alert or the member's page; and the
six-month rule procedure to the superior committee's approval.

The rule: party constitution, article 38 — a member who, without a proper reason, for six
consecutive months has not taken part in organizational life, paid dues or done assigned work is
regarded as having left the party; the branch general meeting decides to strike the member off
(除名) and reports it to the superior committee for approval (article 9 gives the order: the
branch general meeting decides, the superior committee approves). Only the approval changes the
member; the nightly run never decides anything."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from members.dues.actions import StandardInput, do_set_standard
from members.models import DecisionKind, DecisionStatus, DuesCategory, Member, Standing
from members.standing.actions import do_reject_standing_decision, do_withdraw_standing_decision
from oversight.engine import run_rules
from oversight.handling.actions import (
    do_procedure_decision,
    do_record_handling,
    do_record_member_informed,
    do_start_procedure,
)
from oversight.handling.builders import procedure_to_decision, record_handling
from oversight.models import Alert, AlertStatus, Handling, HandlingKind
from tests.permissions import LOGIN, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

#: The nightly run's day (the dues rule finds six months owed since May).
DAY = dt.date(2026, 11, 30)
TODAY = timezone.localdate


def dues_alert(member: Member, actor) -> Alert:
    """The nightly run's "dues overdue" alert about `member` (owing since May)."""
    do_set_standard(
        member=member,
        effective_from=dt.date(2026, 5, 1),
        data=StandardInput(category=DuesCategory.SALARIED, base_income=Decimal("4000")),
        actor=actor,
    )
    run_rules(DAY, only=["dues_overdue"])
    return Alert.objects.get(rule="dues_overdue", member=member)


def new_url(member: Member, alert: Alert | str | None = None) -> str:
    url = reverse("oversight:handling_new", args=[member.pk])
    if alert is None:
        return url
    return f"{url}?alert={alert.pk if isinstance(alert, Alert) else alert}"


def talk(**extra: object) -> dict[str, object]:
    return {"kind": HandlingKind.TALK, "handled_on": TODAY().isoformat(), "note": "谈心谈话。"} | (
        extra
    )


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- the flow to approval --------------------------------------------------------------------


def test_from_alert_to_the_committees_approval(members, tree, secretary, town, login):
    """Article 38 from the alert to the approval: the alert answered by a talk (acknowledged),
    the procedure started, the member told, the branch general meeting's decision proposed
    (the member unchanged), the committee above the branch (township A for branch A1)
    approves on issue 9's page, and only then the member has left the party."""
    member = members["a1"]
    alert = dues_alert(member, secretary)
    assert alert.status == AlertStatus.OPEN
    client = login(secretary)

    assert client.get(new_url(member, alert)).status_code == 200
    response = client.post(new_url(member, alert), talk())
    assert response.status_code == 302, response.context["form"].errors
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_by == secretary
    handling = Handling.objects.get(member=member, kind=HandlingKind.TALK)
    assert (handling.alert, handling.organization, handling.recorded_by) == (
        alert,
        tree.a1,
        secretary,
    )

    start = reverse("oversight:procedure_new", args=[member.pk]) + f"?alert={alert.pk}"
    today = TODAY().isoformat()
    response = client.post(
        start, {"handled_on": today, "note": "经调查核实，连续六个月未交纳党费。"}
    )
    procedure = Handling.objects.get(member=member, kind=HandlingKind.PROCEDURE)
    assert response["Location"] == reverse("oversight:procedure", args=[procedure.pk])
    page = client.get(response["Location"])
    assert page.context["step"] == "investigated"
    assert page.context["informed_form"] is not None
    assert page.context["decision_form"] is None

    informed = reverse("oversight:procedure_informed", args=[procedure.pk])
    assert client.post(informed, {"informed_on": today}).status_code == 302
    page = client.get(reverse("oversight:procedure", args=[procedure.pk]))
    assert page.context["step"] == "informed"
    assert page.context["decision_form"] is not None

    decide = reverse("oversight:procedure_decision", args=[procedure.pk])
    response = client.post(decide, {"meeting_on": today, "resolution": "党支部大会表决通过。"})
    assert response.status_code == 302
    procedure.refresh_from_db()
    decision = procedure.decision
    assert decision is not None
    assert (decision.kind, decision.status, decision.meeting_on) == (
        DecisionKind.STRIKE_OFF,
        DecisionStatus.PROPOSED,
        TODAY(),
    )
    assert tree.a1.committee_above() == tree.town_a == decision.committee
    member.refresh_from_db()
    assert member.standing == Standing.NORMAL
    page = client.get(reverse("oversight:procedure", args=[procedure.pk]))
    assert page.context["step"] == "awaiting"
    assert reverse("members:standing_decision", args=[decision.pk]) in page.content.decode()

    # The branch cannot approve its own proposal; the township committee can.
    approve = reverse("members:standing_approve", args=[decision.pk])
    assert client.post(approve, {"decided_on": today}).status_code == 403
    response = login(town).post(approve, {"decided_on": today, "answer": "组字[2026]3号"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.standing, member.standing_since) == (Standing.LEFT, TODAY())
    page = login(secretary).get(reverse("oversight:procedure", args=[procedure.pk]))
    assert page.context["step"] == "approved"


def test_every_step_is_audited_with_its_actor(members, secretary):
    member = members["a1"]
    alert = dues_alert(member, secretary)
    handling = record_handling(member, HandlingKind.CRITICISM, actor=secretary, alert=alert)
    entry = AuditEntry.objects.get_for_object(handling).get()
    assert entry.actor == secretary
    event = AuditEntry.objects.get(event="alert.acknowledged")
    assert (event.actor, event.object_pk, event.changes["handling"]) == (
        secretary,
        str(alert.pk),
        handling.pk,
    )
    procedure = procedure_to_decision(member, actor=secretary)
    entries = AuditEntry.objects.get_for_object(procedure).order_by("id")
    assert [e.actor for e in entries] == [secretary, secretary]  # created, then its decision
    assert set(entries[1].changes) == {"decision"}


def test_a_handling_on_an_acknowledged_alert_leaves_it_as_it_is(members, secretary):
    member = members["a1"]
    alert = dues_alert(member, secretary)
    record_handling(member, HandlingKind.TALK, actor=secretary, alert=alert)
    record_handling(member, HandlingKind.CRITICISM, actor=secretary, alert=alert)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert AuditEntry.objects.filter(event="alert.acknowledged").count() == 1


def test_the_nightly_run_decides_nothing(members, secretary):
    """A procedure awaiting approval and a rerun of the rules: the member is unchanged."""
    member = members["a1"]
    dues_alert(member, secretary)
    procedure_to_decision(member, actor=secretary)
    run_rules(DAY, only=["dues_overdue"])
    member.refresh_from_db()
    assert member.standing == Standing.NORMAL


def test_persuasion_the_member_accepted_goes_to_the_committee(members, secretary, town):
    member = members["a1"]
    handling = do_record_handling(
        actor=secretary,
        member=member,
        kind=HandlingKind.PERSUADE,
        handled_on=TODAY(),
        note="劝其退党，本人同意。",
        propose_withdrawal=True,
        meeting_on=TODAY(),
        resolution="党支部大会同意劝退。",
    )
    assert handling.decision is not None
    assert handling.decision.kind == DecisionKind.PERSUADE_WITHDRAW
    member.refresh_from_db()
    assert member.standing == Standing.NORMAL


# --- refusals ---------------------------------------------------------------------------------


def test_a_deadline_must_be_after_the_handling_and_still_to_come(members, secretary, login):
    member = members["a1"]
    client = login(secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yesterday = (TODAY() - dt.timedelta(days=1)).isoformat()
    week_ago = (TODAY() - dt.timedelta(days=7)).isoformat()
    cases = {
        "": "Enter the date by which the member must correct.",
        yesterday: "This deadline has passed already",
        week_ago: "The deadline must be after the day of the handling.",
    }
    for correct_by, said in cases.items():
        response = client.post(
            new_url(member),
            talk(kind=HandlingKind.DEADLINE, correct_by=correct_by, handled_on=week_ago),
        )
        assert response.status_code == 200
        assert said in str(field_errors(response, "correct_by")), correct_by
    assert not Handling.objects.filter(member=member).exists()
    with pytest.raises(ValidationError) as refused:
        record_handling(
            member, HandlingKind.DEADLINE, actor=secretary, correct_by=TODAY() - dt.timedelta(1)
        )
    assert "correct_by" in refused.value.message_dict
    ok = record_handling(
        member, HandlingKind.DEADLINE, actor=secretary, correct_by=TODAY() + dt.timedelta(30)
    )
    assert ok.correct_by == TODAY() + dt.timedelta(30)


def test_bad_input_is_a_chinese_field_error_and_nothing_is_saved(members, secretary, login):
    member = members["a1"]
    client = login(secretary)
    cases = [
        ("handled_on", talk(handled_on="0001-01-01")),
        ("handled_on", talk(handled_on="9999-12-31")),
        ("handled_on", talk(handled_on="\uff19\uff19\uff19\uff19-\uff11\uff12-\uff13\uff11")),
        ("note", talk(note="谈话\x00内容")),
        ("note", talk(note="")),
        ("kind", talk(kind=HandlingKind.PROCEDURE)),
        ("kind", talk(kind="expel")),
    ]
    for field, data in cases:
        response = client.post(new_url(member), data)
        assert response.status_code == 200, field
        errors = field_errors(response, field)
        assert errors, (field, data)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[0]), errors
    assert not Handling.objects.filter(member=member).exists()


def test_a_forged_or_foreign_alert_is_not_found(members, secretary, secretary2, login):
    """`?alert=` names an alert of this member the user sees; anything else is 404 and nothing
    is linked or acknowledged."""
    mine = dues_alert(members["a1"], secretary)
    theirs = dues_alert(members["b1"], secretary2)
    client = login(secretary)
    for forged in (str(theirs.pk), "\uff19", f"{mine.pk}x", "-1", "99999999999999999999", "0"):
        assert client.get(new_url(members["a1"], forged)).status_code == 404, forged
        assert client.post(new_url(members["a1"], forged), talk()).status_code == 404, forged
    # Another member's alert named with this member: not found either.
    assert client.get(new_url(members["a2"], mine)).status_code == 404
    assert not Handling.objects.exists()
    mine.refresh_from_db()
    assert mine.status == AlertStatus.OPEN
    with pytest.raises(ValidationError):
        record_handling(members["a1"], HandlingKind.TALK, actor=secretary, alert=theirs)


def test_the_meeting_decides_only_after_the_member_was_told(members, secretary):
    member = members["a1"]
    procedure = do_start_procedure(
        actor=secretary, member=member, handled_on=TODAY(), note="经调查核实。"
    )
    with pytest.raises(ValidationError, match=r"Tell the member|告知"):
        do_procedure_decision(
            actor=secretary, procedure=procedure, meeting_on=TODAY(), resolution="表决通过。"
        )
    procedure.refresh_from_db()
    assert procedure.decision is None
    with pytest.raises(ValidationError) as refused:
        do_record_member_informed(
            actor=secretary, procedure=procedure, informed_on=TODAY() - dt.timedelta(days=1)
        )
    assert "informed_on" in refused.value.message_dict


def test_twice_is_refused(members, secretary, town):
    """One procedure at a time; the meeting's decision once; told once."""
    member = members["a1"]
    procedure = procedure_to_decision(member, actor=secretary)
    with pytest.raises(ValidationError):
        do_start_procedure(actor=secretary, member=member, handled_on=TODAY(), note="再次。")
    with pytest.raises(ValidationError):
        do_procedure_decision(
            actor=secretary, procedure=procedure, meeting_on=TODAY(), resolution="再次。"
        )
    with pytest.raises(ValidationError):
        do_record_member_informed(actor=secretary, procedure=procedure, informed_on=TODAY())
    assert Handling.objects.filter(member=member).count() == 1


def test_a_withdrawn_proposal_goes_back_to_the_meeting_a_rejected_one_ends(
    members, secretary, town
):
    member = members["a1"]
    procedure = procedure_to_decision(member, actor=secretary)
    assert procedure.decision is not None
    do_withdraw_standing_decision(actor=secretary, decision=procedure.decision)
    procedure = do_procedure_decision(
        actor=secretary, procedure=procedure, meeting_on=TODAY(), resolution="重新表决通过。"
    )
    assert procedure.decision is not None
    do_reject_standing_decision(
        actor=town, decision=procedure.decision, decided_on=TODAY(), answer="事实不清。"
    )
    with pytest.raises(ValidationError):
        do_procedure_decision(
            actor=secretary, procedure=procedure, meeting_on=TODAY(), resolution="再次。"
        )
    # The procedure ended: the branch may start a new one.
    do_start_procedure(actor=secretary, member=member, handled_on=TODAY(), note="重新调查。")


def test_a_member_who_left_is_not_put_through_the_procedure(members, secretary, town):
    member = members["a1"]
    procedure_to_decision(member, actor=secretary, approver=town)
    with pytest.raises(ValidationError):
        do_start_procedure(actor=secretary, member=member, handled_on=TODAY(), note="再次。")


# --- who may ----------------------------------------------------------------------------------


def test_recording_is_the_home_sides(
    members, secretary, secretary2, station, inspector, town, county, login
):
    """The home side records (the branch and the committees above it); an organization the
    member is shared with sees the member but is refused; out of scope is not found."""
    a1, shared = members["a1"], members["shared"]
    procedure_a1 = procedure_to_decision(a1, actor=secretary)
    procedure_shared = do_start_procedure(
        actor=town, member=shared, handled_on=TODAY(), note="经调查核实。"
    )
    urls = {
        "new": lambda m, p: new_url(m),
        "procedure_new": lambda m, p: reverse("oversight:procedure_new", args=[m.pk]),
        "procedure": lambda m, p: reverse("oversight:procedure", args=[p.pk]),
        "informed": lambda m, p: reverse("oversight:procedure_informed", args=[p.pk]),
        "decision": lambda m, p: reverse("oversight:procedure_decision", args=[p.pk]),
    }
    for name, url in urls.items():
        a1_url, shared_url = url(a1, procedure_a1), url(shared, procedure_shared)
        assert_access(login(None), a1_url, LOGIN, who="anonymous")
        assert_access(login(secretary2), a1_url, 404, who=f"secretary2 {name}")
        assert_access(login(station), a1_url, 404, who=f"station {name}")
        assert_access(login(secretary), shared_url, 404, who=f"secretary {name}")
        seen = 200 if name == "procedure" else 403
        assert_access(login(station), shared_url, seen, who=f"station {name}")
        assert_access(login(inspector), a1_url, seen, who=f"inspector {name}")
        assert_access(login(secretary), a1_url, 200, who=f"secretary {name}")
        assert_access(login(county), shared_url, 200, who=f"county {name}")
        if name != "procedure":  # the others act on POST: refused before the form is read
            assert_access(login(station), shared_url, 403, method="post", who=f"station {name}")
            assert_access(login(inspector), a1_url, 403, method="post", who=f"inspector {name}")
    assert Handling.objects.count() == 2


def test_the_inflow_side_cannot_record(members, station):
    with pytest.raises(PermissionDenied):
        record_handling(members["shared"], HandlingKind.TALK, actor=station)


def test_the_procedure_page_offers_its_forms_only_to_the_home_side(
    members, secretary, inspector, login
):
    procedure = do_start_procedure(
        actor=secretary, member=members["a1"], handled_on=TODAY(), note="经调查核实。"
    )
    url = reverse("oversight:procedure", args=[procedure.pk])
    assert login(secretary).get(url).context["informed_form"] is not None
    assert login(inspector).get(url).context["informed_form"] is None
    # A procedure's page never shows another kind of handling.
    talk_line = record_handling(members["a1"], HandlingKind.TALK, actor=secretary)
    assert (
        login(secretary).get(reverse("oversight:procedure", args=[talk_line.pk])).status_code == 404
    )


def test_the_procedure_forms_refuse_bad_dates_on_their_fields(members, secretary, login):
    """Year 0001 or 9999, a meeting before the member was told: field errors, nothing saved."""
    member = members["a1"]
    today = TODAY()
    procedure = do_start_procedure(
        actor=secretary,
        member=member,
        handled_on=today - dt.timedelta(days=3),
        note="经调查核实。",
        informed_on=today - dt.timedelta(days=2),
    )
    client = login(secretary)
    decide = reverse("oversight:procedure_decision", args=[procedure.pk])
    for meeting_on in ("0001-01-01", "9999-12-31", (today - dt.timedelta(days=5)).isoformat()):
        response = client.post(decide, {"meeting_on": meeting_on, "resolution": "表决通过。"})
        assert response.status_code == 200, meeting_on
        assert field_errors(response, "meeting_on"), meeting_on
    response = client.post(decide, {"meeting_on": today.isoformat(), "resolution": ""})
    assert field_errors(response, "resolution")
    procedure.refresh_from_db()
    assert procedure.decision is None
    start = reverse("oversight:procedure_new", args=[members["a2"].pk])
    response = login(secretary).get(start)
    assert response.status_code == 404  # a2 is branch A2's: out of the A1 secretary's scope
