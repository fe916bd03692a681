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

from members.builders import away, issue_certificate
from members.certificates import actions as certificate_actions
from members.certificates.actions import do_issue_certificate
from members.models import Certificate, CertificateCounter, CertificateKind
from organizations.models import OrgKind
from tests.factories import MemberFactory, OrganizationFactory

ACTIVITY = CertificateKind.ACTIVITY
LETTER = CertificateKind.LETTER
ISSUED = dt.date(2026, 2, 25)
LEFT = dt.date(2026, 3, 1)


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
        away(person, actor=superuser, out_date=LEFT)
        issue_certificate(person, actor=superuser, on=ISSUED)
    assert serials(tree.county) == [1, 2, 3]
    # A certificate letter has its own sequence, and so has a new year.
    issue_certificate(people[0], actor=superuser, kind=LETTER, on=ISSUED)
    issue_certificate(people[1], actor=superuser, kind=LETTER, on=dt.date(2025, 12, 30))
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
    first_here = issue_certificate(here, actor=superuser, kind=LETTER, on=ISSUED)
    first_there = issue_certificate(there, actor=superuser, kind=LETTER, on=ISSUED)
    assert (first_here.county, first_here.serial) == (tree.county, 1)
    assert (first_there.county, first_there.serial) == (other, 1)
    assert first_here.number != first_there.number


@pytest.mark.django_db
def test_a_failed_issue_gives_its_number_back(tree, superuser, monkeypatch):
    people = MemberFactory.create_batch(3, home_org=tree.a1)
    first = issue_certificate(people[0], actor=superuser, kind=LETTER, on=ISSUED)
    # The second issue takes serial 2, then fails on saving (its number is already printed).
    real_format = certificate_actions.format_number
    monkeypatch.setattr(certificate_actions, "format_number", lambda *args: first.number)
    with translation.override("en"), pytest.raises(ValidationError, match="already taken"):
        issue_certificate(people[1], actor=superuser, kind=LETTER, on=ISSUED)
    assert CertificateCounter.objects.get(county=tree.county, kind=LETTER).last_serial == 1
    monkeypatch.setattr(certificate_actions, "format_number", real_format)
    # A refusal before numbering (no valid-until date) takes no number either.
    with pytest.raises(ValidationError):
        do_issue_certificate(
            actor=superuser, member=people[1], kind=LETTER, issued_on=ISSUED, reason="探亲"
        )
    assert issue_certificate(people[2], actor=superuser, kind=LETTER, on=ISSUED).serial == 2
    assert serials(tree.county, LETTER) == [1, 2]


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_eight_concurrent_issues_take_one_to_eight(tree, superuser):
    people = MemberFactory.create_batch(8, home_org=tree.a1)
    for person in people:
        away(person, actor=superuser, out_date=LEFT)
    # No counter row exists yet: the eight also race to create it.
    assert not CertificateCounter.objects.exists()
    barrier = threading.Barrier(len(people))
    outcomes: dict[int, str] = {}

    def attempt(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            outcomes[index] = issue_certificate(people[index], actor=superuser, on=ISSUED).number
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
    away(person, actor=superuser, out_date=LEFT)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait(timeout=20)
            issue_certificate(person, actor=superuser, on=ISSUED)
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
