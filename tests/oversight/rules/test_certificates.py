"""The certificate rules: the activity certificate's yearly check (年审) not passed this year (the
2006 rules on the mobile party member activity certificate), a certificate letter past its
validity still in force."""

from __future__ import annotations

import datetime as dt

import pytest

from members import builders
from members.certificates.actions import do_check_certificate
from members.models import CertificateKind
from members.models.mobility import months_after
from oversight.alerts.words import day_counts
from oversight.engine import run_rules
from oversight.models import Severity
from tests.oversight.rules.helpers import alerts, days_ago, rows, today

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def certificate_since(member, actor, issued_on: dt.date):
    episode = builders.away(member, actor=actor, out_date=issued_on)
    return builders.issue_certificate(member, actor=actor, on=issued_on, episode=episode)


def test_activity_certificate_not_checked_this_year(members, secretary, tree) -> None:
    """Due from its first anniversary: exactly a year old is due, a day younger is not; a passed
    check this year clears it."""
    year_ago = months_after(today(), -12)
    certificate = certificate_since(members["a1"], secretary, year_ago)
    (row,) = rows("certificate_unchecked", today())
    assert (row["b_org"], row["b_member"], row["b_key"]) == (
        tree.a1.pk,
        members["a1"].pk,
        certificate.number,
    )
    assert row["b_period"] == str(today().year)
    late = Severity.WARNING if today().month == 12 else Severity.REMINDER
    assert row["b_severity"] == late
    # The day before its first anniversary it is not due yet (unless that day is in last year,
    # when "this year" is another year).
    day_before = today() - dt.timedelta(days=1)
    if day_before.year == today().year:
        assert rows("certificate_unchecked", day_before) == []
    do_check_certificate(
        actor=secretary,
        certificate=certificate,
        year=today().year,
        checked_on=today(),
        result="passed",
    )
    assert rows("certificate_unchecked", today()) == []


def test_certificate_letter_expired(members, secretary, secretary2, tree) -> None:
    """A letter past its validity and still in force: the issuing branch; on its last valid day
    it is not yet expired."""
    letter = builders.issue_certificate(
        members["a1"], actor=secretary, kind=CertificateKind.LETTER, on=days_ago(40)
    )
    builders.issue_certificate(
        members["b1"], actor=secretary2, kind=CertificateKind.LETTER, on=days_ago(35)
    )
    assert letter.valid_until is not None
    assert rows("certificate_letter_expired", letter.valid_until - dt.timedelta(days=5)) == []
    found = rows("certificate_letter_expired", today())
    assert [(r["b_org"], r["b_member"]) for r in found] == sorted(
        [(tree.a1.pk, members["a1"].pk), (tree.b1.pk, members["b1"].pk)]
    )
    assert (
        day_counts(found[0]["b_detail"], today())["days_expired"]
        == (today() - letter.valid_until).days
    )
    run = run_rules(today(), only=["certificate_letter_expired", "certificate_unchecked"])
    assert run.status == "succeeded", run.error
    assert {a.organization_id for a in alerts("certificate_letter_expired")} == {
        tree.a1.pk,
        tree.b1.pk,
    }


def test_letter_on_its_last_valid_day_is_not_expired(members, secretary) -> None:
    letter = builders.issue_certificate(
        members["a1"], actor=secretary, kind=CertificateKind.LETTER, on=days_ago(30)
    )
    assert letter.valid_until == today()
    assert rows("certificate_letter_expired", today()) == []
    assert len(rows("certificate_letter_expired", today() + dt.timedelta(days=1))) == 1
