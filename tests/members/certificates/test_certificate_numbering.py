"""Certificate numbers: one gap-free, unique sequence per county, kind and year.

The rollback test makes an issue fail after it has taken its number; the concurrency test runs
real concurrent transactions on PostgreSQL (threads with their own connections)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from members.certificates import actions as certificate_actions
from members.certificates.actions import do_issue_certificate
from members.mobility.actions import do_register_outflow
from members.models import Certificate, CertificateCounter, CertificateKind
from organizations.models import OrgKind
from tests.factories import MemberFactory, OrganizationFactory

ACTIVITY = CertificateKind.ACTIVITY
LETTER = CertificateKind.LETTER
ISSUED = dt.date(2026, 2, 25)


def leave(actor, member):
    return do_register_outflow(
        actor=actor,
        member=member,
        out_date=dt.date(2026, 3, 1),
        destination_province="浙江省",
        destination_county="乙县",
        occupation="migrant",
        reason="务工",
    )


def issue(actor, member, kind=ACTIVITY, issued_on=ISSUED):
    return do_issue_certificate(
        actor=actor,
        member=member,
        kind=kind,
        issued_on=issued_on,
        reason="务工",
        valid_until=issued_on + dt.timedelta(days=30) if kind == LETTER else None,
    )


def serials(county, kind=ACTIVITY, year=2026) -> list[int]:
    return sorted(
        Certificate.objects.filter(county=county, kind=kind, year=year).values_list(
            "serial", flat=True
        )
    )


@pytest.mark.django_db
def test_numbers_run_one_two_three_per_county_kind_and_year(tree, superuser):
    people = MemberFactory.create_batch(3, home_org=tree.a1)
    for person in people:
        leave(superuser, person)
        issue(superuser, person)
    assert serials(tree.county) == [1, 2, 3]
    # A certificate letter has its own sequence, and so has a new year.
    issue(superuser, people[0], LETTER)
    issue(superuser, people[1], LETTER, issued_on=dt.date(2025, 12, 30))
    assert serials(tree.county, LETTER) == [1]
    assert serials(tree.county, LETTER, 2025) == [1]
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers) == 5


@pytest.mark.django_db
def test_each_county_numbers_its_own(tree, superuser):
    other = OrganizationFactory.create(name="乙县县委", kind=OrgKind.COUNTY_COMMITTEE)
    other_branch = OrganizationFactory.create(parent=other, name="乙县支部", kind=OrgKind.BRANCH)
    here = MemberFactory.create(home_org=tree.a1)
    there = MemberFactory.create(home_org=other_branch)
    first_here = issue(superuser, here, LETTER)
    first_there = issue(superuser, there, LETTER)
    assert (first_here.county, first_here.serial) == (tree.county, 1)
    assert (first_there.county, first_there.serial) == (other, 1)
    assert first_here.number != first_there.number


@pytest.mark.django_db
def test_a_failed_issue_gives_its_number_back(tree, superuser, monkeypatch):
    people = MemberFactory.create_batch(3, home_org=tree.a1)
    first = issue(superuser, people[0], LETTER)
    # The second issue takes serial 2, then fails on saving (its number is already printed).
    real_format = certificate_actions.format_number
    monkeypatch.setattr(certificate_actions, "format_number", lambda *args: first.number)
    with translation.override("en"), pytest.raises(ValidationError, match="already taken"):
        issue(superuser, people[1], LETTER)
    assert CertificateCounter.objects.get(county=tree.county, kind=LETTER).last_serial == 1
    monkeypatch.setattr(certificate_actions, "format_number", real_format)
    # A refusal before numbering (no valid-until date) takes no number either.
    with pytest.raises(ValidationError):
        do_issue_certificate(
            actor=superuser, member=people[1], kind=LETTER, issued_on=ISSUED, reason="探亲"
        )
    assert issue(superuser, people[2], LETTER).serial == 2
    assert serials(tree.county, LETTER) == [1, 2]


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_eight_concurrent_issues_take_one_to_eight(tree, superuser):
    people = MemberFactory.create_batch(8, home_org=tree.a1)
    for person in people:
        leave(superuser, person)
    # No counter row exists yet: the eight also race to create it.
    assert not CertificateCounter.objects.exists()
    barrier = threading.Barrier(len(people))
    outcomes: dict[int, str] = {}

    def attempt(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            outcomes[index] = issue(superuser, people[index]).number
        except Exception as exc:  # reported in the assertion below
            outcomes[index] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [o for o in outcomes.values() if o.startswith("error")], outcomes
    assert len(set(outcomes.values())) == 8
    assert serials(tree.county) == list(range(1, 9))
    assert CertificateCounter.objects.get(county=tree.county, kind=ACTIVITY).last_serial == 8


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_two_concurrent_issues_for_one_member_one_wins(tree, superuser):
    person = MemberFactory.create(home_org=tree.a1)
    leave(superuser, person)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait(timeout=20)
            issue(superuser, person)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("ok") == 1, outcomes
    loser = next(message for message in outcomes if message != "ok")
    assert "already holds a valid" in loser or "已" in loser
    # The loser's number went back: the sequence has no gap.
    assert serials(tree.county) == [1]
    assert CertificateCounter.objects.get().last_serial == 1
