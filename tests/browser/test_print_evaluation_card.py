"""The five cards still print on exactly five A4 pages with the democratic evaluation card and
the education and handling card at their longest (issue 10, item 5): years of evaluations with
every text as long as its field allows, the inflow organization's opinions, and the handling of
不合格 grades beside the standing decisions and the failed yearly checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from education.evaluation.actions import do_grade_member, do_record_inflow_opinion
from education.evaluation.panels import CARD_YEARS
from education.models import Grade, HandlingKind
from members.builders import away, check_in, decide_standing, issue_certificate
from members.cards.views import DECISIONS_SHOWN, SHEETS
from members.models import DecisionKind, Member
from tests.browser.printing import pdf_page_count, print_pdf
from tests.browser.test_member_journey import log_in
from tests.education.evaluation.test_rules import YEAR
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)


def longest_evaluations(member: Member, *, home, inflow, inflow_org, approver) -> Member:
    """CARD_YEARS + 1 years graded 不合格 with every text at its longest, a certificate failing
    each year's check, and DECISIONS_SHOWN standing decisions (suspended and restored)."""
    first = YEAR - CARD_YEARS
    away(member, actor=home, out_date=dt.date(first, 2, 1))
    issue_certificate(member, actor=home, on=dt.date(first, 2, 3))
    check_in(member, actor=inflow, at=inflow_org, on=dt.date(first, 2, 5))
    for n in range(DECISIONS_SHOWN):
        decide_standing(
            member,
            kind=DecisionKind.RESTORE if n % 2 else DecisionKind.SUSPEND,
            proposer=home,
            approver=approver,
            on=dt.date(first - 1, 1 + n, 10),
            grounds="评" * 2000,
        )
    for year in range(first, YEAR + 1):
        do_record_inflow_opinion(
            actor=inflow, member=member, year=year, opinion="意" * 1000, suggested_grade="qualified"
        )
        do_grade_member(
            actor=home,
            member=member,
            year=year,
            grade=Grade.UNQUALIFIED,
            graded_on=dt.date(year, 12, 28),
            self_assessment="自" * 2000,
            mutual_assessment="互" * 2000,
            votes_excellent=1999,
            votes_qualified=1999,
            votes_basic=1999,
            votes_unqualified=1999,
            handling_kind=HandlingKind.CORRECT,
            measures="处" * 1000,
            correct_by=dt.date(year + 1, 3, 28),
        )
    return member


def test_the_longest_evaluations_print_on_five_pages(
    page, live_server, tree, members, secretary, station, town
):
    member = longest_evaluations(
        MemberFactory.create(name="欧阳评议", home_org=tree.a1),
        home=secretary,
        inflow=station,
        inflow_org=tree.bs,
        approver=town,
    )
    log_in(page, live_server, "secretary")
    pdf, overflowing = print_pdf(
        page, f"{live_server.url}{reverse('members:five_cards', args=[member.pk])}"
    )
    assert overflowing == []
    assert pdf_page_count(pdf) == SHEETS
