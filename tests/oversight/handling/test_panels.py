"""The education and handling card on members' pages (issue 12, item 3): the member page's
section (newest first, each procedure's step and its decision's status, buttons for the home
side) in one query however many handlings, and the five cards' handling lines, bounded so the
sheet stays one A4 page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import DecisionStatus
from oversight.handling.builders import procedure_to_decision, record_handling
from oversight.handling.panels import CARD_SHOWN, PAGE_SHOWN
from oversight.models import HandlingKind
from tests.members.cards.test_five_cards import CARDS_QUERIES, cards_url
from tests.members.mobility.test_mobility_views import DETAIL_QUERIES

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def detail(member) -> str:
    return reverse("members:detail", args=[member.pk])


def section(response):
    panels = response.context["panels"].get("sections", [])
    return next((p.context for p in panels if p.name == "handling"), None)


def test_the_section_lists_newest_first_with_the_procedures_step(members, secretary, login):
    member = members["a1"]
    today = timezone.localdate()
    record_handling(member, HandlingKind.TALK, actor=secretary, on=today - dt.timedelta(days=9))
    record_handling(
        member,
        HandlingKind.DEADLINE,
        actor=secretary,
        on=today - dt.timedelta(days=5),
        correct_by=today + dt.timedelta(days=30),
    )
    procedure_to_decision(member, actor=secretary)
    response = login(secretary).get(detail(member))
    panel = section(response)
    assert [h.kind for h in panel["handlings"]] == [
        HandlingKind.PROCEDURE,
        HandlingKind.DEADLINE,
        HandlingKind.TALK,
    ]
    first = panel["handlings"][0]
    assert first.step == "awaiting"
    assert first.decision.status == DecisionStatus.PROPOSED
    assert panel["can_handle"] is True
    # One procedure at a time: its button hides while this one awaits the committee.
    assert panel["can_start_procedure"] is False
    html = response.content.decode()
    assert reverse("oversight:procedure", args=[first.pk]) in html
    assert reverse("members:standing_decision", args=[first.decision.pk]) in html
    assert reverse("oversight:handling_new", args=[member.pk]) in html


def test_who_sees_the_buttons(members, secretary, inspector, town, station, login):
    member = members["shared"]
    record_handling(member, HandlingKind.TALK, actor=town)
    for user, buttons in ((town, True), (inspector, False), (station, False)):
        panel = section(login(user).get(detail(member)))
        assert panel["can_handle"] is buttons, user
        assert len(panel["handlings"]) == 1


def test_the_section_costs_one_query_however_many_handlings(
    members, secretary, login, django_assert_num_queries
):
    member = members["a1"]
    client = login(secretary)
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(detail(member))
    for _ in range(PAGE_SHOWN + 2):
        record_handling(member, HandlingKind.TALK, actor=secretary)
    procedure_to_decision(member, actor=secretary)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(detail(member))
    panel = section(response)
    assert len(panel["handlings"]) == PAGE_SHOWN
    assert panel["more"] is True


def test_the_five_cards_show_the_latest_lines_only(
    members, secretary, login, django_assert_num_queries
):
    member = members["a1"]
    for n in range(CARD_SHOWN + 2):
        record_handling(
            member, HandlingKind.CRITICISM, actor=secretary, note=f"第{n}次批评教育。" + "批" * 1990
        )
    procedure_to_decision(member, actor=secretary)
    client = login(secretary)
    client.get(reverse("home"))  # the session is saved on the first request: not the cards'
    with django_assert_num_queries(CARDS_QUERIES):
        response = client.get(cards_url(member))
    lines = response.context["cards"]["handling"]
    ours = next(p.context for p in lines if p.name == "oversight_handling")
    assert len(ours["handlings"]) == CARD_SHOWN
    assert ours["handlings"][0].kind == HandlingKind.PROCEDURE
    html = response.content.decode()
    assert "批" * 24 not in html  # each note cut to a line
