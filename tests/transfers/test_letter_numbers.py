"""Letter numbers: unique in the deployment, gap-free per issuing committee, county code first.

The parallel test runs real concurrent transactions on PostgreSQL (threads with their own
connections), as `test_races.py` does."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from members.models import Member
from organizations.models import Organization
from tests.factories import MemberFactory
from tests.transfers.test_races import fresh, race
from transfers.actions import do_issue_letter, do_start_transfer
from transfers.builders import transfer_in
from transfers.models import LetterCounter, Transfer, TransferStatus

TODAY = timezone.localdate()


def draft(member: Member, to: Organization, actor) -> Transfer:
    return do_start_transfer(
        actor=actor, member=member, to_org=to, reason="work", dues_paid_until=TODAY.replace(day=1)
    )


def serials_of(committee: Organization) -> list[int]:
    return sorted(
        serial or 0
        for serial in Transfer.objects.filter(
            issuing_committee=committee, year=TODAY.year
        ).values_list("serial", flat=True)
    )


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_three_committees_of_one_county_issue_at_once(tree, superuser):
    """Issue 9, item 20: letter numbers were the county code, the year and a serial counted per
    committee, so the second committee's first letter collided with the first's (a 500). Three
    committees of one county (the county itself, townships A and B) issue two letters each, all
    at the same moment: no error, six different numbers, each committee's serials 1 and 2."""
    homes = {tree.town_a: tree.a1, tree.town_b: tree.b1, tree.county: tree.county_branch}
    destinations = {tree.a1: tree.b1, tree.b1: tree.a1, tree.county_branch: tree.a2}
    drafts = [
        draft(MemberFactory.create(home_org=home), destinations[home], superuser)
        for home in homes.values()
        for _ in range(2)
    ]
    assert {d.issuing_committee for d in drafts} == set(homes)

    def issuer(transfer: Transfer):
        return lambda: do_issue_letter(actor=fresh(superuser), transfer=transfer, issued_on=TODAY)

    outcomes = race({str(d.pk): issuer(d) for d in drafts})
    assert set(outcomes.values()) == {"ok"}, outcomes
    numbers = list(Transfer.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 6
    for committee in homes:
        assert serials_of(committee) == [1, 2]
        assert LetterCounter.objects.get(committee=committee, year=TODAY.year).last_serial == 2
    # Every number starts with the county code and names its committee.
    for transfer in Transfer.objects.select_related("issuing_committee"):
        committee = transfer.issuing_committee
        assert transfer.number == (
            f"{committee.county_code}-{committee.pk:06d}-{TODAY.year}-{transfer.serial:05d}"
        )


@pytest.mark.django_db
def test_approve_and_issue_and_reissue_from_a_second_committee(
    tree, members, secretary, secretary2, town, superuser
):
    """Issue 9, item 20: approve-and-issue and reissue at a second committee of the county, after
    the first has issued its first letter, take that committee's own serial 1 and 2."""
    first = transfer_in(
        TransferStatus.ISSUED, member=members["a1"], to=tree.b1, actor=secretary, issuer=town
    )
    approved = transfer_in(
        TransferStatus.ISSUED,
        member=members["b1"],
        to=tree.a2,
        actor=secretary2,
        approver=superuser,
    )
    assert (first.issuing_committee, first.serial) == (tree.town_a, 1)
    assert (approved.issuing_committee, approved.serial) == (tree.town_b, 1)
    assert approved.number != first.number
    reissued = transfer_in(
        TransferStatus.REISSUED,
        member=MemberFactory.create(home_org=tree.b1),
        to=tree.a1,
        actor=secretary2,
        approver=superuser,
    )
    new = Transfer.objects.get(reissue_of=reissued)
    assert serials_of(tree.town_b) == [1, 2, 3]
    assert len({first.number, approved.number, reissued.number, new.number}) == 4


@pytest.mark.django_db
def test_a_committee_without_county_code_is_refused_in_words(tree, members, secretary, town):
    """Issue 9, item 12: official numbers require the county code; the issue is refused with a
    clear message and takes no number."""
    Organization.objects.filter(pk=tree.town_a.pk).update(county_code="")
    transfer = draft(members["a1"], tree.b1, secretary)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY)
    assert "甲镇" in refused.value.messages[0]
    assert "县级行政区划代码" in refused.value.messages[0]
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DRAFT
    assert transfer.number is None
    assert not LetterCounter.objects.filter(last_serial__gt=0).exists()
