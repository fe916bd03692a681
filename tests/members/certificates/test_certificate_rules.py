"""Certificates follow their rules (Issue 9, item 7): the 2006 rules on the mobile party member
activity certificate (《中国共产党流动党员活动证》) and the party member certificate letter
(《党员证明信》).

- an activity certificate is for a long absence without a transfer: a short one (expected under
  six months) takes a certificate letter, six months or more at an employer with a party
  organization takes a transfer; issuing one anyway needs a reason, kept on the certificate;
- a certificate letter is valid until its date: past it, it is expired and no longer blocks a
  new one;
- the yearly check (年审) is done where the member takes part in organizational life: the home
  branch or the inflow organization the member is checked in with; a failed check is followed
  up (handling), shows on the education and handling card and on the list of certificates not
  checked this year;
- the printed certificate is an identity document: a photo box, the full ID-card number, the
  seal of the basic-level committee above the branch.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEntry
from members import access, builders
from members.builders import check_in
from members.certificates.actions import do_check_certificate, do_issue_certificate
from members.mobility.actions import do_end_episode
from members.models import (
    Certificate,
    CertificateCheck,
    CertificateCounter,
    CertificateKind,
    CertificateStatus,
    EpisodeStatus,
)
from members.models.mobility import months_after
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

ACTIVITY = CertificateKind.ACTIVITY
LETTER = CertificateKind.LETTER


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def issue(actor: Any, member: Any, kind: str = ACTIVITY, **extra: Any) -> Certificate:
    extra.setdefault("issued_on", today())
    return do_issue_certificate(actor=actor, member=member, kind=kind, reason="务工", **extra)


def short_absence(member: Any, actor: Any) -> Any:
    """Left ten days ago, back in three months."""
    return builders.away(
        member,
        actor=actor,
        out_date=today() - dt.timedelta(days=10),
        expected_return=today() + dt.timedelta(days=90),
    )


def at_employer_with_party_org(member: Any, actor: Any, months: int = 7) -> Any:
    return builders.away(
        member,
        actor=actor,
        out_date=months_after(today(), -months),
        employer="宁波某电子有限公司",
        employer_has_party_org=True,
    )


# --- issuing an activity certificate against the rules ------------------------------------------


def test_a_short_absence_needs_a_reason_to_issue_an_activity_certificate(members, secretary):
    """Issue 9, item 7 (2006 rules): an absence expected under six months takes a certificate
    letter; an activity certificate is refused without a reason to go on, and nothing is
    numbered."""
    member = members["a1"]
    short_absence(member, secretary)
    with pytest.raises(ValidationError) as exc:
        issue(secretary, member)
    assert "certificate letter serves" in exc.value.message_dict["issue_anyway_reason"][0]
    assert not Certificate.objects.exists()
    assert not CertificateCounter.objects.filter(last_serial__gt=0).exists()
    certificate = issue(secretary, member, issue_anyway_reason="  单位要求持活动证  ")
    assert certificate.issue_anyway_reason == "单位要求持活动证"


def test_six_months_at_an_employer_with_a_party_org_needs_a_reason(members, secretary):
    """Issue 9, item 7 (2006 rules, article 25 of the 2019 regulations): six months or more at
    an employer with a party organization is a transfer, not an activity certificate."""
    member = members["a1"]
    at_employer_with_party_org(member, secretary)
    with pytest.raises(ValidationError) as exc:
        issue(secretary, member)
    message = exc.value.message_dict["issue_anyway_reason"][0]
    assert "宁波某电子有限公司" in message
    assert "transferred" in message
    assert issue(secretary, member, issue_anyway_reason="接收单位党组织正在组建").pk


def test_an_expected_long_stay_at_such_an_employer_counts_from_the_start(members, secretary):
    """Issue 9, item 7: "six months or more" is expected or lasted: a member who just left for
    a year at an employer with a party organization is due a transfer already."""
    member = members["a1"]
    builders.away(
        member,
        actor=secretary,
        out_date=today() - dt.timedelta(days=5),
        expected_return=today() + dt.timedelta(days=365),
        employer="某厂",
        employer_has_party_org=True,
    )
    with pytest.raises(ValidationError):
        issue(secretary, member)


def test_a_long_absence_elsewhere_issues_without_a_reason(members, secretary, other):
    """Issue 9, item 7: the activity certificate's own case (six months or more, no party
    organization at the employer) issues without a reason; a reason given anyway is not kept,
    and a certificate letter never asks for one."""
    member = members["a1"]
    builders.away(
        member,
        actor=secretary,
        out_date=months_after(today(), -8),
        employer="某个体餐馆",
        employer_has_party_org=False,
    )
    certificate = issue(secretary, member, issue_anyway_reason="多余的理由")
    assert certificate.issue_anyway_reason == ""
    letter = issue(
        secretary,
        other,
        LETTER,
        valid_until=today() + dt.timedelta(days=20),
        issue_anyway_reason="x",
    )
    assert letter.issue_anyway_reason == ""


def test_the_issue_page_warns_and_asks_for_the_reason(members, secretary, login):
    """Issue 9, item 7: the issue form shows the warning, refuses without "issue anyway because"
    (beside the field, nothing saved), and issues with it; the certificate's page shows it."""
    member = members["a1"]
    short_absence(member, secretary)
    client = login(secretary)
    url = reverse("members:certificate_issue", args=[member.pk])
    page = client.get(url).content.decode()
    assert "a certificate letter serves a short absence" in page
    form = {"kind": ACTIVITY, "issued_on": today().isoformat(), "reason": "务工"}
    response = client.post(url, form)
    assert response.status_code == 200
    assert "issue_anyway_reason" in response.context["form"].errors
    assert not Certificate.objects.exists()
    response = client.post(url, {**form, "issue_anyway_reason": "务工单位要求"})
    certificate = Certificate.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("members:certificate", args=[certificate.pk])).content.decode()
    assert "Issued anyway because" in detail
    assert "务工单位要求" in detail


def test_no_warning_on_the_issue_page_when_the_rules_agree(members, secretary, login, other):
    """Issue 9, item 7: no warning for an absence with no expected return."""
    member = members["a1"]
    builders.away(member, actor=secretary)
    page = login(secretary).get(reverse("members:certificate_issue", args=[member.pk]))
    assert page.context["caution"] is None


# --- a certificate letter past its validity ------------------------------------------------------


@pytest.fixture
def other(tree) -> Any:
    """A second member of branch A1."""
    return MemberFactory.create(name="李在家", home_org=tree.a1)


@pytest.fixture
def lapsed_letter(other, secretary) -> Certificate:
    """A letter issued 40 days ago, valid until 10 days ago."""
    return issue(
        secretary,
        other,
        LETTER,
        issued_on=today() - dt.timedelta(days=40),
        valid_until=today() - dt.timedelta(days=10),
    )


def test_a_lapsed_letter_no_longer_blocks_a_new_one(members, secretary, lapsed_letter, other):
    """Issue 9, item 7: a certificate letter past its validity is expired; a new letter is
    issued, and the old one's status says expired from the day after its validity."""
    assert lapsed_letter.shown_status == CertificateStatus.EXPIRED
    new = issue(secretary, other, LETTER, valid_until=today() + dt.timedelta(days=30))
    lapsed_letter.refresh_from_db()
    assert lapsed_letter.status == CertificateStatus.EXPIRED
    assert lapsed_letter.ended_on == today() - dt.timedelta(days=9)
    assert new.status == CertificateStatus.VALID
    # A letter still in its validity blocks a second one, as before.
    with pytest.raises(ValidationError, match="already holds a valid"):
        issue(secretary, other, LETTER, valid_until=today() + dt.timedelta(days=5))


def test_the_register_and_member_page_show_a_lapsed_letter_as_expired(
    members, secretary, lapsed_letter, login, other
):
    """Issue 9, item 7: the register and the member's page show the lapsed letter as expired
    (its stored status is still valid until a new one is issued), and the register's status
    filter follows what it shows."""
    client = login(secretary)
    url = reverse("members:certificates")
    numbers = lambda response: [c.number for c in response.context["page"].object_list]  # noqa: E731
    assert numbers(client.get(url, {"status": "expired"})) == [lapsed_letter.number]
    assert numbers(client.get(url, {"status": "valid"})) == []
    assert "Expired" in client.get(url).content.decode()
    member_page = client.get(reverse("members:detail", args=[other.pk]))
    assert "Expired" in member_page.content.decode()
    printed = client.get(reverse("members:certificate_print", args=[lapsed_letter.pk]))
    assert "（Expired）" in printed.content.decode()


# --- the yearly check ----------------------------------------------------------------------------


@pytest.fixture
def checked_in(tree, members, secretary, station) -> Certificate:
    """a1's activity certificate; a1 is checked in at station B-S."""
    member = members["a1"]
    builders.away(member, actor=secretary, out_date=today() - dt.timedelta(days=60))
    certificate = issue(secretary, member, issued_on=today() - dt.timedelta(days=59))
    check_in(member, actor=station, at=tree.bs, on=today() - dt.timedelta(days=50))
    return Certificate.objects.select_related("member__home_org", "episode__inflow_org").get(
        pk=certificate.pk
    )


def test_the_inflow_organization_checks_the_certificate_yearly(
    checked_in, station, secretary2, login
):
    """Issue 9, item 7: the yearly check can be recorded by the inflow organization where the
    member takes part in organizational life (checked in with), not by another one."""
    check = do_check_certificate(
        actor=station,
        certificate=checked_in,
        year=today().year,
        checked_on=today(),
        result="passed",
    )
    assert check.checked_by == station
    with pytest.raises(PermissionDenied):
        do_check_certificate(
            actor=secretary2,
            certificate=checked_in,
            year=today().year,
            checked_on=today(),
            result="passed",
        )
    assert (
        login(station).get(reverse("members:certificate_check", args=[checked_in.pk])).status_code
        == 200
    )


def test_after_the_absence_ends_only_the_home_side_may_check(checked_in, secretary, station):
    """Issue 9, item 7: the inflow side checks while the member is checked in with it."""
    assert access.may_check_certificate(station, checked_in)
    do_end_episode(
        actor=secretary, episode=checked_in.episode, status=EpisodeStatus.RETURNED, ended_on=today()
    )
    certificate = Certificate.objects.select_related("member__home_org", "episode__inflow_org").get(
        pk=checked_in.pk
    )
    assert not access.may_check_certificate(station, certificate)
    assert access.may_check_certificate(secretary, certificate)


def test_a_failed_check_needs_its_handling(checked_in, secretary):
    """Issue 9, item 7: a failed check is followed up (a talk, criticism, ...): the handling
    and its date are field errors when missing, and nothing is recorded."""
    base = {"certificate": checked_in, "year": today().year, "checked_on": today()}
    with pytest.raises(ValidationError) as exc:
        do_check_certificate(actor=secretary, result="failed", **base)
    assert set(exc.value.message_dict) == {"handling", "handled_on"}
    with pytest.raises(ValidationError) as exc:
        do_check_certificate(
            actor=secretary,
            result="failed",
            handling="谈心谈话",
            handled_on=today() + dt.timedelta(days=1),
            **base,
        )
    assert set(exc.value.message_dict) == {"handled_on"}
    assert not CertificateCheck.objects.exists()
    check = do_check_certificate(
        actor=secretary,
        result="failed",
        handling=" 谈心谈话，批评教育 ",
        handled_on=today(),
        **base,
    )
    assert (check.handling, check.handled_on) == ("谈心谈话，批评教育", today())


def test_a_passed_check_keeps_no_handling(checked_in, secretary):
    """Issue 9, item 7: the handling belongs to a failed check only."""
    check = do_check_certificate(
        actor=secretary,
        certificate=checked_in,
        year=today().year,
        checked_on=today(),
        result="passed",
        handling="x",
        handled_on=today(),
    )
    assert (check.handling, check.handled_on) == ("", None)


def test_the_check_page_shows_the_handling_errors(checked_in, secretary, login):
    """Issue 9, item 7: the check form re-renders with the handling's field errors."""
    url = reverse("members:certificate_check", args=[checked_in.pk])
    response = login(secretary).post(
        url, {"year": today().year, "checked_on": today().isoformat(), "result": "failed"}
    )
    assert response.status_code == 200
    assert {"handling", "handled_on"} <= set(response.context["form"].errors)


def test_a_failed_check_is_on_the_education_and_handling_card(checked_in, secretary, login):
    """Issue 9, item 7: the failed check's handling is a line of the education and handling card
    (教育处理卡) of the five cards, still five sheets."""
    do_check_certificate(
        actor=secretary,
        certificate=checked_in,
        year=today().year,
        checked_on=today(),
        result="failed",
        handling="支部书记谈心谈话",
        handled_on=today(),
    )
    response = login(secretary).get(reverse("members:five_cards", args=[checked_in.member_id]))
    html = response.content.decode()
    card = html.split('id="card-5"')[1]
    assert "Yearly check not passed" in card
    assert "支部书记谈心谈话" in card
    assert checked_in.number in card
    assert html.count('class="sheet fc-sheet"') == 5


# --- certificates not checked this year ----------------------------------------------------------


def a_year_old(member: Any, actor: Any) -> Certificate:
    """An activity certificate issued 13 months ago for an absence begun then."""
    start = months_after(today(), -13)
    builders.away(member, actor=actor, out_date=start)
    return issue(actor, member, issued_on=start)


def test_the_unchecked_list(tree, members, secretary, secretary2, county, login, other):
    """Issue 9, item 7: valid activity certificates with no passed check this year, from their
    first anniversary, and younger ones whose check this year failed (with the handling);
    scoped like the register."""
    due = a_year_old(members["a1"], secretary)
    passed = a_year_old(other, secretary)
    do_check_certificate(
        actor=secretary, certificate=passed, year=today().year, checked_on=today(), result="passed"
    )
    young_member = MemberFactory.create(home_org=tree.a1)
    builders.away(young_member, actor=secretary, out_date=today() - dt.timedelta(days=30))
    young = issue(secretary, young_member)
    failed_member = MemberFactory.create(home_org=tree.a1)
    builders.away(failed_member, actor=secretary, out_date=today() - dt.timedelta(days=30))
    failed = issue(secretary, failed_member)
    do_check_certificate(
        actor=secretary,
        certificate=failed,
        year=today().year,
        checked_on=today(),
        result="failed",
        handling="批评教育",
        handled_on=today(),
    )
    url = reverse("members:certificates_unchecked")
    response = login(secretary).get(url)
    numbers = [c.number for c in response.context["page"].object_list]
    assert numbers == [due.number, failed.number]
    assert young.number not in numbers
    assert "批评教育" in response.content.decode()
    assert login(secretary2).get(url).context["page"].object_list == []
    assert len(login(county).get(url).context["page"].object_list) == 2


#: Session, user, roles, the organizations in view scope and the members shared with them (none
#: for a superuser), and the page of certificates with their checks of the year.
UNCHECKED_QUERIES = {"secretary": 6, "county": 6, "superuser": 3}


@pytest.mark.parametrize("persona", list(UNCHECKED_QUERIES))
def test_the_unchecked_list_costs_the_same_with_more_certificates(
    request, tree, superuser, login, django_assert_num_queries, persona
):
    """Issue 9, item 7: the list's queries do not grow with its rows."""
    client = login(request.getfixturevalue(persona))
    url = reverse("members:certificates_unchecked")

    def certificates(count: int) -> None:
        for person in MemberFactory.create_batch(count, home_org=tree.a1):
            a_year_old(person, superuser)

    certificates(2)
    with django_assert_num_queries(UNCHECKED_QUERIES[persona]):
        assert len(client.get(url).context["page"].object_list) == 2
    certificates(5)
    with django_assert_num_queries(UNCHECKED_QUERIES[persona]):
        assert len(client.get(url).context["page"].object_list) == 7


# --- the printed certificate --------------------------------------------------------------------


def test_the_printed_certificate_is_an_identity_document(checked_in, secretary, station, login):
    """Issue 9, item 7: the printed activity certificate has a photo box, is sealed by the
    basic-level committee above the member's branch (not the branch), prints the full ID-card
    number for the home side (audited as such), and is not kept by the browser (no-store)."""
    member = checked_in.member
    url = reverse("members:certificate_print", args=[checked_in.pk])
    response = login(secretary).get(url)
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert 'class="photo-box"' in html
    assert member.id_number in html
    sign = html.split('class="cert-sign"')[1].split("</span>")[0]
    assert member.home_org.committee_above().name in sign  # township A, above branch A1
    assert checked_in.issuing_org.name not in sign
    # The inflow side may print it too, with the number masked: the full number is the home
    # side's to reveal.
    at_station = login(station).get(url).content.decode()
    assert member.id_number not in at_station
    assert member.masked_id_number in at_station
    printed = AuditEntry.objects.filter(event="certificate.printed").order_by("id")
    assert [(e.actor, e.changes["full_id_number"]) for e in printed] == [
        (secretary, True),
        (station, False),
    ]


def test_the_printed_letter_is_sealed_by_the_basic_level_committee(
    members, secretary, login, other
):
    """Issue 9, item 7: the certificate letter prints the full ID-card number and the seal of
    the basic-level committee above the member's branch."""
    letter = issue(secretary, other, LETTER, valid_until=today() + dt.timedelta(days=9))
    html = login(secretary).get(reverse("members:certificate_print", args=[letter.pk]))
    text = html.content.decode()
    assert other.id_number in text
    signature = text.split('class="signature"')[1].split("</p>")[0]
    assert other.home_org.committee_above().name in signature
    assert letter.issuing_org.name not in signature
