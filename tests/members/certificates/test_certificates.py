"""Activity certificates (流动党员活动证) and certificate letters (党员证明信): who may do what,
the parts each side fills, the yearly check, revoke, replace, return, and their pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry
from members import builders
from members.builders import check_in
from members.certificates.actions import (
    do_check_certificate,
    do_fill_departure_part,
    do_fill_inflow_part,
    do_issue_certificate,
    do_replace_certificate,
    do_revoke_certificate,
)
from members.mobility.actions import do_end_episode
from members.models import (
    Certificate,
    CertificateCheck,
    CertificateCounter,
    CertificateKind,
    CertificateStatus,
    EpisodeStatus,
)
from members.models.dues import add_months
from organizations.models import Organization
from tests.factories import MemberFactory, archive

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

ACTIVITY = CertificateKind.ACTIVITY
LETTER = CertificateKind.LETTER
LEFT = dt.date(2026, 3, 1)
ISSUED = dt.date(2026, 2, 25)
ARRIVED = dt.date(2026, 3, 5)


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages are matched in their English source text (pages through the language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def coded(tree):
    """The county has its administrative division code, which starts every number."""
    Organization.objects.filter(pk=tree.county.pk).update(county_code="330101")
    tree.county.refresh_from_db()
    return tree


@pytest.fixture
def stay(tree):
    """A second member of branch A1, at home."""
    return MemberFactory.create(name="李在家", home_org=tree.a1)


@pytest.fixture
def away(members, secretary):
    return builders.away(
        members["a1"],
        actor=secretary,
        out_date=LEFT,
        destination_city="杭州市",
        destination_county="乙县",
    )


def issue(actor, member, kind=ACTIVITY, issued_on=ISSUED, **extra):
    return do_issue_certificate(
        actor=actor, member=member, kind=kind, issued_on=issued_on, reason="务工", **extra
    )


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- issue -------------------------------------------------------------------------------------


def test_the_home_side_issues_an_activity_certificate_numbered_by_the_county(
    coded, members, away, secretary
):
    certificate = issue(secretary, members["a1"])
    assert certificate.number == "330101流证\u30142026\u3015第0001号"
    assert (certificate.county, certificate.year, certificate.serial) == (coded.county, 2026, 1)
    assert certificate.episode == away
    assert certificate.issuing_org == coded.a1
    assert certificate.status == CertificateStatus.VALID
    assert certificate.issued_by == secretary
    [entry] = AuditEntry.objects.filter(
        content_type__model="certificate", object_pk=str(certificate.pk)
    )
    assert entry.actor == secretary
    assert entry.org_path == coded.a1.path


def test_a_letter_needs_no_absence_and_has_its_own_sequence(coded, members, away, secretary, stay):
    issue(secretary, members["a1"])
    letter = issue(secretary, stay, LETTER, valid_until=dt.date(2026, 3, 31))
    assert letter.episode is None
    assert letter.number == "330101证明\u30142026\u3015第0001号"
    # The member away may hold a letter too; it belongs to the absence.
    second = issue(secretary, members["a1"], LETTER, valid_until=dt.date(2026, 3, 31))
    assert (second.serial, second.episode) == (2, away)


def test_a_letter_says_until_when_it_is_valid(members, secretary, stay):
    with pytest.raises(ValidationError) as exc:
        issue(secretary, stay, LETTER)
    assert "valid_until" in errors_of(exc)
    assert not Certificate.objects.exists()


def test_a_second_valid_certificate_of_a_kind_is_refused_naming_the_first(members, away, secretary):
    first = issue(secretary, members["a1"])
    with pytest.raises(ValidationError, match="already holds a valid") as exc:
        issue(secretary, members["a1"])
    assert first.number in str(exc.value)
    assert Certificate.objects.count() == 1
    assert CertificateCounter.objects.get().last_serial == 1


def test_an_activity_certificate_needs_a_registered_absence(members, secretary, stay):
    with pytest.raises(ValidationError, match=r"register .*outflow first"):
        issue(secretary, stay)
    assert not CertificateCounter.objects.filter(last_serial__gt=0).exists()


def test_an_archived_member_is_refused(members, secretary, stay):
    archive(stay)
    with pytest.raises(ValidationError, match="archived"):
        issue(secretary, stay, LETTER, valid_until=dt.date(2026, 3, 31))


@pytest.mark.parametrize("persona", ["secretary2", "station", "inspector"])
def test_only_the_home_side_issues(request, members, persona):
    actor = request.getfixturevalue(persona)
    # "shared" is held by A2 and shared with the station: the station sees it, may not issue.
    with pytest.raises(PermissionDenied):
        issue(actor, members["shared"], LETTER, valid_until=dt.date(2026, 3, 31))
    assert not Certificate.objects.exists()


def test_the_county_and_township_above_issue_too(members, away, town, county, stay):
    assert issue(town, members["a1"]).serial == 1
    assert issue(county, stay, LETTER, valid_until=dt.date(2026, 4, 1)).serial == 1


def test_dates_out_of_order_are_field_errors_and_change_nothing(members, away, secretary):
    with pytest.raises(ValidationError) as exc:
        issue(secretary, members["a1"], valid_until=ISSUED - dt.timedelta(days=1))
    assert "valid_until" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        issue(secretary, members["a1"], issued_on=dt.date.today() + dt.timedelta(days=2))
    assert "issued_on" in errors_of(exc)
    assert not Certificate.objects.exists()
    assert not CertificateCounter.objects.filter(last_serial__gt=0).exists()


def test_a_member_outside_any_county_is_refused_clearly(secretary, superuser):
    from tests.factories import MemberFactory, OrganizationFactory

    lone = OrganizationFactory.create(name="独立党委", kind="township")
    branch = OrganizationFactory.create(parent=lone, name="独立支部", kind="branch")
    member = MemberFactory.create(home_org=branch)
    with pytest.raises(ValidationError, match="not under a county committee"):
        issue(superuser, member, LETTER, valid_until=dt.date(2026, 3, 31))


# --- the inflow part ---------------------------------------------------------------------------


def test_check_in_fills_the_inflow_part_by_itself(tree, members, away, secretary, station):
    certificate = issue(secretary, members["a1"])
    check_in(members["a1"], actor=station, at=tree.bs, on=ARRIVED)
    certificate.refresh_from_db()
    assert certificate.inflow_org == tree.bs
    assert certificate.arrived_on == ARRIVED
    assert certificate.inflow_contact == (station.full_name or station.username)
    assert certificate.inflow_contact_phone == station.phone


def test_check_in_before_the_issue_leaves_the_inflow_part_to_fill(
    tree, members, away, secretary, station
):
    certificate = issue(secretary, members["a1"], issued_on=dt.date(2026, 3, 10))
    episode = check_in(members["a1"], actor=station, at=tree.bs, on=ARRIVED)
    assert episode.status == EpisodeStatus.CHECKED_IN
    certificate.refresh_from_db()
    assert certificate.inflow_org is None


def test_the_inflow_side_fills_the_inflow_part(
    tree, members, away, secretary, station, secretary2, inspector
):
    check_in(members["a1"], actor=station, at=tree.bs, on=ARRIVED)
    certificate = issue(secretary, members["a1"], issued_on=dt.date(2026, 3, 6))
    fill: dict[str, Any] = {
        "inflow_org": tree.bs,
        "arrived_on": dt.date(2026, 3, 6),
        "contact": "赵站长",
        "contact_phone": "13900000001",
    }
    for outsider in (secretary2, inspector):
        with pytest.raises(PermissionDenied):
            do_fill_inflow_part(actor=outsider, certificate=certificate, **fill)
    with pytest.raises(ValidationError) as exc:
        do_fill_inflow_part(
            actor=station, certificate=certificate, **{**fill, "arrived_on": ARRIVED}
        )
    assert "arrived_on" in errors_of(exc)
    do_fill_inflow_part(actor=station, certificate=certificate, **fill)
    certificate.refresh_from_db()
    assert (certificate.inflow_org, certificate.inflow_contact) == (tree.bs, "赵站长")
    with pytest.raises(ValidationError, match="already filled in"):
        do_fill_inflow_part(actor=station, certificate=certificate, **fill)


def test_the_inflow_part_names_an_organization_of_the_actor(
    tree, members, away, secretary, station
):
    check_in(members["a1"], actor=station, at=tree.bs, on=ARRIVED)
    certificate = issue(secretary, members["a1"], issued_on=dt.date(2026, 3, 6))
    with pytest.raises(PermissionDenied):
        do_fill_inflow_part(
            actor=station,
            certificate=certificate,
            inflow_org=tree.b1,
            arrived_on=dt.date(2026, 3, 6),
            contact="赵",
            contact_phone="",
        )


def test_a_letter_has_no_inflow_part(tree, members, secretary, stay):
    letter = issue(secretary, stay, LETTER, valid_until=dt.date(2026, 3, 31))
    with pytest.raises(ValidationError, match="Only an activity certificate"):
        do_fill_inflow_part(
            actor=secretary,
            certificate=letter,
            inflow_org=tree.b1,
            arrived_on=dt.date(2026, 3, 2),
            contact="赵",
            contact_phone="",
        )


# --- the departure part ------------------------------------------------------------------------


def test_the_departure_part_follows_the_arrival(tree, members, away, secretary, station):
    certificate = issue(secretary, members["a1"], issued_on=dt.date(2026, 3, 10))
    departure: dict[str, Any] = {
        "life_record": "参加支部党员大会3次",
        "dues_paid_until": dt.date(2026, 6, 17),
    }
    with pytest.raises(ValidationError, match="inflow part first"):
        do_fill_departure_part(
            actor=secretary, certificate=certificate, left_inflow_on=LEFT, **departure
        )
    check_in(members["a1"], actor=station, at=tree.bs, on=dt.date(2026, 3, 12))
    certificate.refresh_from_db()
    assert certificate.arrived_on == dt.date(2026, 3, 12)
    with pytest.raises(ValidationError) as exc:
        do_fill_departure_part(
            actor=station, certificate=certificate, left_inflow_on=dt.date(2026, 3, 11), **departure
        )
    assert "left_inflow_on" in errors_of(exc)
    do_fill_departure_part(
        actor=station, certificate=certificate, left_inflow_on=dt.date(2026, 7, 1), **departure
    )
    certificate.refresh_from_db()
    assert certificate.left_inflow_on == dt.date(2026, 7, 1)
    # Dues are paid up to a month.
    assert certificate.dues_paid_until == dt.date(2026, 6, 1)
    with pytest.raises(ValidationError, match="already filled in"):
        do_fill_departure_part(
            actor=station, certificate=certificate, left_inflow_on=dt.date(2026, 7, 1), **departure
        )


# --- the yearly check --------------------------------------------------------------------------


def test_the_yearly_check_is_once_a_year_by_the_home_side(members, away, secretary, station):
    certificate = issue(secretary, members["a1"])
    with pytest.raises(PermissionDenied):
        do_check_certificate(
            actor=station, certificate=certificate, year=2026, checked_on=LEFT, result="passed"
        )
    check = do_check_certificate(
        actor=secretary, certificate=certificate, year=2026, checked_on=LEFT, result="passed"
    )
    assert check.checked_by == secretary
    with pytest.raises(ValidationError) as exc:
        do_check_certificate(
            actor=secretary, certificate=certificate, year=2026, checked_on=ARRIVED, result="failed"
        )
    assert "already checked for 2026" in errors_of(exc)["year"][0]
    assert CertificateCheck.objects.count() == 1


def test_the_yearly_check_dates_are_in_order(members, away, secretary):
    certificate = issue(secretary, members["a1"])
    with pytest.raises(ValidationError) as exc:
        do_check_certificate(
            actor=secretary, certificate=certificate, year=2025, checked_on=LEFT, result="passed"
        )
    assert "year" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        do_check_certificate(
            actor=secretary,
            certificate=certificate,
            year=2026,
            checked_on=ISSUED - dt.timedelta(days=1),
            result="passed",
        )
    assert "checked_on" in errors_of(exc)
    assert not CertificateCheck.objects.exists()


# --- revoke, replace, return -------------------------------------------------------------------


def test_revoke_with_a_reason_then_a_new_one_may_be_issued(members, away, secretary, station):
    certificate = issue(secretary, members["a1"])
    with pytest.raises(PermissionDenied):
        do_revoke_certificate(actor=station, certificate=certificate, ended_on=LEFT, reason="x")
    with pytest.raises(ValidationError) as exc:
        do_revoke_certificate(
            actor=secretary, certificate=certificate, ended_on=ISSUED - dt.timedelta(1), reason="x"
        )
    assert "ended_on" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        do_revoke_certificate(actor=secretary, certificate=certificate, ended_on=LEFT, reason=" ")
    assert "reason" in errors_of(exc)
    do_revoke_certificate(
        actor=secretary, certificate=certificate, ended_on=LEFT, reason="不符合条件"
    )
    certificate.refresh_from_db()
    assert (certificate.status, certificate.ended_on, certificate.end_reason) == (
        CertificateStatus.REVOKED,
        LEFT,
        "不符合条件",
    )
    with pytest.raises(ValidationError, match="Revoked"):
        do_revoke_certificate(actor=secretary, certificate=certificate, ended_on=LEFT, reason="x")
    assert issue(secretary, members["a1"]).serial == 2


def test_replace_gives_a_new_number_and_keeps_the_parts(tree, members, away, secretary, station):
    old = issue(secretary, members["a1"])
    check_in(members["a1"], actor=station, at=tree.bs, on=ARRIVED)
    new = do_replace_certificate(
        actor=secretary, certificate=old, issued_on=dt.date(2026, 4, 1), reason="遗失"
    )
    old.refresh_from_db()
    assert old.status == CertificateStatus.REPLACED
    assert (old.ended_on, old.end_reason) == (dt.date(2026, 4, 1), "遗失")
    assert new.replaces == old
    assert new.number != old.number
    assert (new.serial, new.kind, new.episode, new.status) == (
        2,
        ACTIVITY,
        away,
        CertificateStatus.VALID,
    )
    assert new.inflow_org == tree.bs
    assert old.replaced_by == new
    with pytest.raises(ValidationError, match="Replaced"):
        do_replace_certificate(actor=secretary, certificate=old, issued_on=LEFT, reason="x")


def test_replace_before_the_issue_is_a_field_error(members, away, secretary):
    old = issue(secretary, members["a1"])
    with pytest.raises(ValidationError) as exc:
        do_replace_certificate(
            actor=secretary, certificate=old, issued_on=ISSUED - dt.timedelta(1), reason="遗失"
        )
    assert "issued_on" in errors_of(exc)
    old.refresh_from_db()
    assert old.status == CertificateStatus.VALID
    assert Certificate.objects.count() == 1


def test_the_end_of_the_absence_returns_its_certificates(members, away, secretary, stay):
    certificate = issue(secretary, members["a1"])
    letter = issue(secretary, members["a1"], LETTER, valid_until=dt.date(2026, 3, 31))
    do_revoke_certificate(actor=secretary, certificate=letter, ended_on=LEFT, reason="作废")
    other = issue(secretary, stay, LETTER, valid_until=dt.date(2026, 3, 31))
    do_end_episode(
        actor=secretary, episode=away, status=EpisodeStatus.RETURNED, ended_on=dt.date(2026, 9, 1)
    )
    certificate.refresh_from_db()
    letter.refresh_from_db()
    other.refresh_from_db()
    assert (certificate.status, certificate.ended_on) == (
        CertificateStatus.RETURNED,
        dt.date(2026, 9, 1),
    )
    assert letter.status == CertificateStatus.REVOKED
    assert other.status == CertificateStatus.VALID


# --- pages -------------------------------------------------------------------------------------


def test_issue_page_issues_and_shows_the_certificate(members, away, secretary, login):
    client = login(secretary)
    member = members["a1"]
    response = client.post(
        reverse("members:certificate_issue", args=[member.pk]),
        {"kind": "activity", "issued_on": "2026-02-25", "reason": "务工"},
    )
    certificate = Certificate.objects.get(member=member)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:certificate", args=[certificate.pk])
    page = client.get(reverse("members:detail", args=[member.pk]))
    assert certificate.number in page.content.decode()
    detail = client.get(response["Location"]).content.decode()
    assert certificate.number in detail
    assert reverse("members:certificate_check", args=[certificate.pk]) in detail


def test_issue_page_shows_bad_dates_beside_their_fields(members, away, secretary, login):
    response = login(secretary).post(
        reverse("members:certificate_issue", args=[members["a1"].pk]),
        {
            "kind": "activity",
            "issued_on": "2026-02-25",
            "valid_until": "2026-02-01",
            "reason": "务工",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"]
    assert not Certificate.objects.exists()


def test_the_action_refusal_shows_on_the_issue_page(members, secretary, login, stay):
    response = login(secretary).post(
        reverse("members:certificate_issue", args=[stay.pk]),
        {"kind": "activity", "issued_on": "2026-02-25", "reason": "务工"},
    )
    assert response.status_code == 200
    assert "outflow first" in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_forged_inflow_organization_is_a_404_and_saves_nothing(
    tree, members, away, secretary, station, login
):
    check_in(members["a1"], actor=station, at=tree.bs, on=ARRIVED)
    certificate = issue(secretary, members["a1"], issued_on=dt.date(2026, 3, 6))
    response = login(station).post(
        reverse("members:certificate_inflow", args=[certificate.pk]),
        {
            "inflow_org": tree.b1.pk,
            "arrived_on": "2026-03-06",
            "contact": "赵",
            "contact_phone": "",
        },
    )
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.inflow_org is None


def test_the_departure_page_takes_a_month(tree, members, away, secretary, station, login):
    certificate = issue(secretary, members["a1"])
    check_in(members["a1"], actor=station, at=tree.bs, on=ARRIVED)
    response = login(station).post(
        reverse("members:certificate_departure", args=[certificate.pk]),
        {
            "left_inflow_on": "2026-06-30",
            "life_record": "按时参加组织生活",
            "dues_paid_until": "2026-06",
        },
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.dues_paid_until == dt.date(2026, 6, 1)


def test_the_check_page_says_once_a_year(members, away, secretary, login):
    certificate = issue(secretary, members["a1"])
    url = reverse("members:certificate_check", args=[certificate.pk])
    data = {"year": 2026, "checked_on": "2026-03-01", "result": "passed", "note": ""}
    client = login(secretary)
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200
    assert "already checked" in " ".join(again.context["form"].errors["year"])


def test_replace_and_revoke_pages(members, away, secretary, login):
    certificate = issue(secretary, members["a1"])
    client = login(secretary)
    response = client.post(
        reverse("members:certificate_replace", args=[certificate.pk]),
        {"issued_on": "2026-03-02", "reason": "污损"},
    )
    new = Certificate.objects.get(replaces=certificate)
    assert response["Location"] == reverse("members:certificate", args=[new.pk])
    response = client.post(
        reverse("members:certificate_revoke", args=[new.pk]),
        {"ended_on": "2026-03-03", "reason": "不再外出"},
    )
    new.refresh_from_db()
    assert new.status == CertificateStatus.REVOKED


def test_the_register_is_scoped_and_filters(
    coded, members, away, secretary, secretary2, county, login
):
    activity = issue(secretary, members["a1"])
    letter = issue(county, members["b1"], LETTER, valid_until=dt.date(2026, 3, 31))
    url = reverse("members:certificates")
    numbers = lambda response: [c.number for c in response.context["page"].object_list]  # noqa: E731
    assert numbers(login(secretary).get(url)) == [activity.number]
    assert numbers(login(secretary2).get(url)) == [letter.number]
    client = login(county)
    assert set(numbers(client.get(url))) == {activity.number, letter.number}
    assert numbers(client.get(url, {"kind": "letter"})) == [letter.number]
    assert numbers(client.get(url, {"status": "revoked"})) == []
    assert numbers(client.get(url, {"year": 2025})) == []
    # A bad filter value is ignored, not an error.
    assert len(numbers(client.get(url, {"year": "abc"}))) == 2


def test_the_printed_certificate_and_letter(coded, members, away, secretary, login, stay):
    member = members["a1"]
    certificate = issue(secretary, member)
    letter = issue(secretary, stay, LETTER, valid_until=dt.date(2026, 3, 31))
    client = login(secretary)
    with translation.override("zh-hans"):
        page = client.get(reverse("members:certificate_print", args=[certificate.pk]))
    html = page.content.decode()
    assert next(t.name for t in page.templates) == "print/activity_certificate.html"
    assert certificate.number in html
    assert "2026年2月25日" in html
    assert "2026年3月1日" in html  # the time of leaving
    # Issue 9, item 7: an identity document prints the full ID-card number (for the home side).
    assert member.id_number in html
    page = client.get(reverse("members:certificate_print", args=[letter.pk]))
    html = page.content.decode()
    assert next(t.name for t in page.templates) == "print/certificate_letter.html"
    assert letter.number in html
    assert "2026年3月31日" in html
    assert stay.name in html
    # Each print is in the audit trail, with the number printed.
    printed = AuditEntry.objects.filter(event="certificate.printed").order_by("id")
    assert [e.changes["number"] for e in printed] == [certificate.number, letter.number]
    assert [e.changes["full_id_number"] for e in printed] == [True, True]
    assert {e.actor for e in printed} == {secretary}


def test_the_member_page_shows_buttons_by_side(
    tree, members, away, secretary, station, inspector, login
):
    certificate = issue(secretary, members["a1"], issued_on=dt.date(2026, 3, 6))
    check_in(members["a1"], actor=station, at=tree.bs, on=dt.date(2026, 3, 5))
    url = reverse("members:detail", args=[members["a1"].pk])
    inflow = reverse("members:certificate_inflow", args=[certificate.pk])
    check = reverse("members:certificate_check", args=[certificate.pk])
    home = login(secretary).get(url).content.decode()
    assert inflow in home
    assert check in home
    at_station = login(station).get(url).content.decode()
    assert inflow in at_station
    # Issue 9, item 7: the inflow organization the member is checked in with checks yearly too.
    assert check in at_station
    read_only = login(inspector).get(url).content.decode()
    assert certificate.number in read_only
    assert inflow not in read_only
    assert check not in read_only


# --- query counts ------------------------------------------------------------------------------

#: Session, user, roles, the organizations in view scope and the members shared with them (none
#: for a superuser), and the page of certificates with their members and organizations.
REGISTER_QUERIES = {"secretary": 6, "county": 6, "superuser": 3}


@pytest.mark.parametrize("persona", list(REGISTER_QUERIES))
def test_the_register_costs_the_same_with_more_certificates(
    request, tree, superuser, login, django_assert_num_queries, persona
):
    from tests.factories import MemberFactory

    client = login(request.getfixturevalue(persona))
    url = reverse("members:certificates")

    def letters(count: int) -> None:
        for person in MemberFactory.create_batch(count, home_org=tree.a1):
            issue(superuser, person, LETTER, valid_until=dt.date(2026, 3, 31))

    letters(2)
    with django_assert_num_queries(REGISTER_QUERIES[persona]):
        assert len(client.get(url).context["page"].object_list) == 2
    letters(5)
    with django_assert_num_queries(REGISTER_QUERIES[persona]):
        assert len(client.get(url, {"kind": "letter"}).context["page"].object_list) == 7


def test_the_member_page_costs_the_same_with_more_certificates(
    tree, members, away, secretary, login, django_assert_num_queries
):
    from tests.members.mobility.test_mobility_views import DETAIL_QUERIES

    member = members["a1"]
    client = login(secretary)
    url = reverse("members:detail", args=[member.pk])
    first = issue(secretary, member)
    do_check_certificate(
        actor=secretary, certificate=first, year=2026, checked_on=LEFT, result="passed"
    )
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(url)
    second = do_replace_certificate(
        actor=secretary, certificate=first, issued_on=LEFT, reason="遗失"
    )
    letter = issue(secretary, member, LETTER, valid_until=dt.date(2026, 3, 31))
    with django_assert_num_queries(DETAIL_QUERIES):
        page = client.get(url).content.decode()
    for certificate in (first, second, letter):
        assert reverse("members:certificate", args=[certificate.pk]) in page


# --- "dues paid up to" from the dues records (issue 11) ------------------------------------------


def test_the_departure_part_takes_dues_paid_up_to_from_the_records(
    tree, members, away, secretary, station, login
):
    """A member with dues records: the departure page shows the records' month read-only, and
    the action takes it from there whatever is typed. (A member without records types it:
    test_the_departure_page_takes_a_month.)"""
    member = members["a1"]
    first = builders.set_dues_standard(member, actor=secretary).effective_from
    builders.pay_dues(member, actor=secretary, first_month=first, months=4)
    paid_until = add_months(first, 3)
    certificate = issue(secretary, member)
    check_in(member, actor=station, at=tree.bs, on=ARRIVED)
    url = reverse("members:certificate_departure", args=[certificate.pk])
    client = login(station)
    page = client.get(url).content.decode()
    field = page.split('id="id_dues_paid_until"')[0].rsplit("<input", 1)[1]
    assert "disabled" in field
    assert f'value="{paid_until:%Y-%m}"' in page
    response = client.post(
        url,
        {
            "left_inflow_on": "2026-06-30",
            "life_record": "按时参加组织生活",
            "dues_paid_until": "2026-06",
        },
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.dues_paid_until == paid_until


def test_moving_on_fills_the_departure_dues_from_the_records(
    tree, members, away, secretary, secretary2, station
):
    """Moving on to another inflow organization fills the departure part (Issue 9, item 4),
    its dues from the records."""
    member = members["a1"]
    first = builders.set_dues_standard(member, actor=secretary).effective_from
    builders.pay_dues(member, actor=secretary, first_month=first, months=2)
    certificate = issue(secretary, member)
    check_in(member, actor=station, at=tree.bs, on=ARRIVED)
    builders.move_on(member, actor=secretary2, at=tree.b1, on=dt.date(2026, 6, 1))
    certificate.refresh_from_db()
    assert certificate.left_inflow_on == dt.date(2026, 6, 1)
    assert certificate.dues_paid_until == add_months(first, 1)
