"""The activity certificate and the certificate letter each print on one A4 page, nothing cut
off, with every text as long as its field allows (the activity certificate with its photo box
and the full ID-card number: Issue 9, item 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from members.builders import away, decide_standing, issue_certificate
from members.cards.views import DECISIONS_SHOWN, FAILED_CHECKS_SHOWN, SHEETS
from members.certificates.actions import (
    do_check_certificate,
    do_fill_departure_part,
    do_fill_inflow_part,
    do_issue_certificate,
)
from members.models import Certificate, CertificateKind, DecisionKind, Member
from organizations.models import OrgKind
from tests.browser.printing import pdf_page_count, print_pdf
from tests.browser.test_member_journey import log_in
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)


def longest_certificates(tree, actor) -> tuple[Certificate, Certificate]:
    home = OrganizationFactory.create(
        parent=tree.town_a,
        name="长" * 100,
        kind=OrgKind.BRANCH,
        address="路" * 200,
        phone="0" * 20,
        postcode="310000",
    )
    inflow = OrganizationFactory.create(parent=tree.town_b, name="流" * 100, kind=OrgKind.BRANCH)
    member = MemberFactory.create(name="欧阳" + "长" * 28, home_org=home)
    away(
        member,
        actor=actor,
        out_date=dt.date(2026, 3, 1),
        destination_province="省" * 30,
        destination_city="市" * 30,
        destination_county="县" * 30,
        employer="厂" * 200,
        occupation="migrant",
        reason="因" * 200,
        intended_org=inflow,
    )
    certificate = do_issue_certificate(
        actor=actor,
        member=member,
        kind=CertificateKind.ACTIVITY,
        issued_on=dt.date(2019, 12, 30),
        reason="因" * 200,
        valid_until=dt.date(2029, 12, 31),
    )
    for year in range(2019, 2026):
        do_check_certificate(
            actor=actor,
            certificate=certificate,
            year=year,
            checked_on=dt.date(year + 1, 1, 10),
            result="passed",
            note="注" * 200,
        )
    do_fill_inflow_part(
        actor=actor,
        certificate=certificate,
        inflow_org=inflow,
        arrived_on=dt.date(2026, 3, 5),
        contact="联" * 50,
        contact_phone="1" * 20,
    )
    do_fill_departure_part(
        actor=actor,
        certificate=certificate,
        left_inflow_on=dt.date(2026, 9, 30),
        life_record="会" * 500,
        dues_paid_until=dt.date(2026, 9, 1),
    )
    letter = do_issue_certificate(
        actor=actor,
        member=member,
        kind=CertificateKind.LETTER,
        issued_on=dt.date(2026, 2, 20),
        reason="因" * 200,
        valid_until=dt.date(2026, 12, 31),
    )
    return certificate, letter


def test_the_longest_certificate_and_letter_print_on_one_page_each(
    page, live_server, tree, members, superuser
):
    certificate, letter = longest_certificates(tree, superuser)
    superuser.set_password("correct-horse-battery")
    superuser.save()
    log_in(page, live_server, superuser.username)
    for document in (certificate, letter):
        url = reverse("members:certificate_print", args=[document.pk])
        pdf, overflowing = print_pdf(page, f"{live_server.url}{url}")
        assert overflowing == [], document.kind
        assert pdf_page_count(pdf) == 1, document.kind
    # The last document printed is the letter, with its number and Chinese dates.
    assert letter.number in page.content()
    assert "2026年12月31日" in page.content()


def test_a_fresh_certificate_prints_on_one_page(page, live_server, tree, members, secretary):
    member = members["a1"]
    away(member, actor=secretary, out_date=dt.date(2026, 3, 1))
    certificate = issue_certificate(member, actor=secretary, on=dt.date(2026, 2, 25))
    log_in(page, live_server, "secretary")
    url = reverse("members:certificate_print", args=[certificate.pk])
    pdf, overflowing = print_pdf(page, f"{live_server.url}{url}")
    assert overflowing == []
    assert pdf_page_count(pdf) == 1
    text = page.content()
    assert certificate.number in text
    assert "2026年2月25日" in text
    # An identity document: the full ID-card number, and a photo box (Issue 9, item 7).
    assert member.id_number in text
    assert 'class="photo-box"' in text


def test_failed_checks_keep_the_five_cards_on_five_pages(page, live_server, tree, superuser):
    """Issue 9, items 2 and 7: the handling of failed yearly checks and the decisions on party
    standing are on the education and handling card; with the most lines of both shown, every
    text as long as its field, still five sheets."""
    member = MemberFactory.create(name="欧阳" + "长" * 28, home_org=tree.a1)
    away(member, actor=superuser, out_date=dt.date(2019, 12, 1))
    certificate = do_issue_certificate(
        actor=superuser,
        member=member,
        kind=CertificateKind.ACTIVITY,
        issued_on=dt.date(2019, 12, 30),
        reason="因" * 200,
    )
    for year in range(2020, 2020 + FAILED_CHECKS_SHOWN + 2):
        do_check_certificate(
            actor=superuser,
            certificate=certificate,
            year=year,
            checked_on=dt.date(year + 1, 1, 10),
            result="failed",
            note="注" * 200,
            handling="谈" * 500,
            handled_on=dt.date(year + 1, 1, 20),
        )
    for year in range(2020, 2020 + DECISIONS_SHOWN // 2 + 1):
        for kind, day in ((DecisionKind.SUSPEND, 3), (DecisionKind.RESTORE, 20)):
            decide_standing(
                Member.objects.get(pk=member.pk),
                kind=kind,
                proposer=superuser,
                approver=superuser,
                on=dt.date(year, 6, day),
                grounds="据" * 2000,
            )
    superuser.set_password("correct-horse-battery")
    superuser.save()
    log_in(page, live_server, superuser.username)
    url = reverse("members:five_cards", args=[member.pk])
    pdf, overflowing = print_pdf(page, f"{live_server.url}{url}")
    assert overflowing == []
    assert pdf_page_count(pdf) == SHEETS
