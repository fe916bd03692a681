"""The system check on numbering committees (Issue 9, item 12: official numbers require the
county code)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import translation

from members.builders import issue_certificate
from members.models import CertificateCounter, CertificateKind
from organizations.checks import check_numbering_codes
from organizations.models import Organization
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def ids(issues) -> list[str]:
    return [issue.id for issue in issues]


def test_a_coded_tree_passes(tree):
    """Issue 9, item 12: every committee of the test county has its code: no error."""
    assert check_numbering_codes(databases=["default"]) == []


def test_a_committee_without_its_code_is_an_error(tree):
    """Issue 9, item 12: a system check refuses a numbering committee without a county code
    (here a township, which numbers its branches' transfer letters); a branch without one is no
    numbering committee, and the check reads the database only when asked for one."""
    Organization.objects.filter(pk=tree.town_b.pk).update(county_code="")
    Organization.objects.filter(pk=tree.b1.pk).update(county_code="")
    issues = check_numbering_codes(databases=["default"])
    assert ids(issues) == ["organizations.E001"]
    assert issues[0].obj == tree.town_b
    assert check_numbering_codes(databases=None) == []
    with pytest.raises(SystemCheckError, match=r"organizations\.E001"):
        call_command("check", databases=["default"])


def test_two_counties_with_one_code_are_an_error(tree):
    """Issue 9, item 20 (the certificates' side): certificates are numbered per county from the
    county's own code, so two counties sharing a code would print the same numbers."""
    OrganizationFactory.create(name="乙县县委", county_code=tree.county.county_code)
    assert ids(check_numbering_codes(databases=["default"])) == ["organizations.E002"]


def test_a_certificate_from_a_county_without_its_code_is_refused(tree, superuser):
    """Issue 9, item 12: the certificate's issue refuses in words and takes no number."""
    Organization.objects.filter(pk=tree.county.pk).update(county_code="")
    member = MemberFactory.create(home_org=tree.a1)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        issue_certificate(
            member, actor=superuser, kind=CertificateKind.LETTER, on=dt.date(2026, 2, 25)
        )
    assert "县委" in refused.value.messages[0]
    assert "县级行政区划代码" in refused.value.messages[0]
    assert not CertificateCounter.objects.filter(last_serial__gt=0).exists()
