"""The transfer rules (issue 12): a formal transfer due (the regulations on party members'
organizational relationships, article 25), a letter expired without receipt, a receipt not
returned within a month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from core.months import months_before
from members import builders
from members.mobility.actions import do_update_episode
from members.models import Member
from organizations.models import Organization
from oversight.alerts.words import day_counts
from oversight.engine import run_rules
from oversight.models import Severity
from tests.oversight.rules.helpers import alerts, days_ago, members_of, rows, today
from tests.oversight.rules.test_floors_b import floor_rows, rule_rows
from transfers import actions
from transfers.builders import transfer_in
from transfers.models import TransferStatus

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

EMPLOYER = {"employer": "宁波港集团有限公司", "employer_has_party_org": True}


def test_transfer_due_after_six_months_at_an_employer_with_a_party_organization(
    members, secretary, tree
) -> None:
    """Article 25: six months or more at a relatively fixed place, with an employer that has a
    party organization → the relationship should be transferred. One day short is not yet; an
    employer without a party organization is not; a transfer started clears it."""
    six = settings.OVERSIGHT_TRANSFER_DUE_MONTHS
    builders.away(members["a1"], actor=secretary, out_date=months_before(today(), six), **EMPLOYER)
    assert members_of("transfer_due", today()) == {members["a1"].pk}
    assert members_of("transfer_due", today() - dt.timedelta(days=1)) == set()
    (row,) = rows("transfer_due", today())
    assert row["b_org"] == tree.a1.pk
    assert row["b_detail"]["settled"] is True
    assert row["b_detail"]["household_moved"] is False
    assert row["b_detail"]["employer"] == EMPLOYER["employer"]
    transfer_in("draft", member=members["a1"], to=tree.b1, actor=secretary)
    assert members_of("transfer_due", today()) == set()


def test_no_transfer_due_without_a_party_organization_at_the_employer(members, secretary) -> None:
    builders.away(
        members["a1"],
        actor=secretary,
        out_date=months_before(today(), 12),
        employer="某私营小厂",
        employer_has_party_org=False,
    )
    assert members_of("transfer_due", today()) == set()


def test_transfer_due_when_the_household_registration_moved(members, secretary2, tree) -> None:
    """A member who settled at the destination and moved the household registration there is
    urged to transfer, however short the absence; a registration elsewhere is not read as moved."""
    builders.away(members["b1"], actor=secretary2, out_date=days_ago(10))
    assert members_of("transfer_due", today()) == set()
    Member.objects.filter(pk=members["b1"].pk).update(
        household_registration="浙江省宁波市北仑区新碶街道某社区"
    )
    (row,) = rows("transfer_due", today())
    assert (row["b_org"], row["b_member"]) == (tree.b1.pk, members["b1"].pk)
    assert row["b_detail"]["household_moved"] is True
    Member.objects.filter(pk=members["b1"].pk).update(household_registration="江西省上饶市某县")
    assert members_of("transfer_due", today()) == set()


def test_no_household_move_within_the_home_county(members, secretary2, tree) -> None:
    """Article 25 asks for a transfer when the household registration moved to the destination:
    a member away within the home county (the county committee is 中共青山县委, the destination
    青山县) has a registration naming that county without having moved it, so it is not read as
    moved; the same registration against another county's destination still is."""
    Organization.objects.filter(pk=tree.county.pk).update(name="中共青山县委")
    episode = builders.away(
        members["b1"],
        actor=secretary2,
        out_date=days_ago(10),
        destination_province="浙江省",
        destination_city="杭州市",
        destination_county="青山县",
    )
    Member.objects.filter(pk=members["b1"].pk).update(
        household_registration="浙江省杭州市青山县青溪镇溪口村"
    )
    assert members_of("transfer_due", today()) == set()
    assert floor_rows("transfer_due", today()) == set()  # the benchmark's floor agrees
    Organization.objects.filter(pk=tree.county.pk).update(name="中共白水县委")
    (row,) = rows("transfer_due", today())
    assert row["b_detail"]["household_moved"] is True
    assert floor_rows("transfer_due", today()) == rule_rows("transfer_due", today())
    assert episode.destination_county == "青山县"


def test_letter_expired_without_receipt(members, secretary, town, county, tree) -> None:
    """An expired letter: an early warning to the issuing committee while the receipt's grace
    period runs, serious after it; withdrawing the transfer clears it."""
    transfer = transfer_in(
        TransferStatus.EXPIRED, member=members["a1"], to=tree.b1, actor=secretary, issuer=town
    )
    (row,) = rows("transfer_letter_expired", today())
    assert (row["b_org"], row["b_member"]) == (tree.town_a.pk, members["a1"].pk)
    assert row["b_key"] == transfer.number
    assert row["b_period"] == str(transfer.pk)
    assert row["b_severity"] == Severity.WARNING
    assert transfer.valid_until is not None
    assert (
        day_counts(row["b_detail"], today())["days_expired"]
        == (today() - transfer.valid_until).days
    )
    grace = settings.TRANSFER_RECEIPT_GRACE_DAYS
    last_grace_day = transfer.valid_until + dt.timedelta(days=grace)
    assert rows("transfer_letter_expired", last_grace_day)[0]["b_severity"] == Severity.WARNING
    after = last_grace_day + dt.timedelta(days=1)
    assert rows("transfer_letter_expired", after)[0]["b_severity"] == Severity.SERIOUS
    actions.do_withdraw_transfer(actor=secretary, transfer=transfer, reason="本人暂不转移")
    assert rows("transfer_letter_expired", today()) == []


def received(member, *, actor, issuer, receiver, to, days: int):
    return transfer_in(
        TransferStatus.RECEIVED,
        member=member,
        to=to,
        actor=actor,
        issuer=issuer,
        receiver=receiver,
        issued_on=days_ago(days + 5),
        received_on=days_ago(days),
    )


def test_receipt_not_returned_within_a_month(members, secretary, town, secretary2, county, tree):
    """Received more than TRANSFER_RECEIPT_DAYS ago without the receipt back: the committee
    above the receiving branch returns it. Exactly a month is not yet overdue."""
    month = settings.TRANSFER_RECEIPT_DAYS
    transfer = received(
        members["a1"], actor=secretary, issuer=town, receiver=secretary2, to=tree.b1, days=month
    )
    assert rows("transfer_receipt_overdue", today()) == []
    (row,) = rows("transfer_receipt_overdue", today() + dt.timedelta(days=1))
    assert (row["b_org"], row["b_member"]) == (tree.town_b.pk, members["a1"].pk)
    counted = day_counts(row["b_detail"], today() + dt.timedelta(days=1))
    assert counted["days_since_received"] == month + 1
    actions.do_return_receipt(actor=county, transfer=transfer, returned_on=today(), handler="周敏")
    assert rows("transfer_receipt_overdue", today() + dt.timedelta(days=1)) == []


def test_a_run_opens_the_alerts_of_two_townships(
    members, secretary, town, secretary2, county, tree
) -> None:
    """Two branches in two townships: the receipt alert goes to the receiving township, the
    expired letter's to the issuing one, the transfer due to the home branch."""
    received(members["a1"], actor=secretary, issuer=town, receiver=secretary2, to=tree.b1, days=40)
    received(
        members["b1"], actor=secretary2, issuer=county, receiver=secretary, to=tree.a1, days=40
    )
    transfer_in(TransferStatus.EXPIRED, member=members["a2"], to=tree.b1, actor=town, issuer=town)
    builders.away(
        members["county_branch"], actor=county, out_date=months_before(today(), 7), **EMPLOYER
    )
    run = run_rules(
        today(), only=["transfer_due", "transfer_letter_expired", "transfer_receipt_overdue"]
    )
    assert run.status == "succeeded", run.error
    assert [(a.organization_id, a.member_id) for a in alerts("transfer_receipt_overdue")] == sorted(
        [(tree.town_a.pk, members["b1"].pk), (tree.town_b.pk, members["a1"].pk)]
    )
    assert [(a.organization_id, a.member_id) for a in alerts("transfer_letter_expired")] == [
        (tree.town_a.pk, members["a2"].pk)
    ]
    assert [(a.organization_id, a.member_id) for a in alerts("transfer_due")] == [
        (tree.county_branch.pk, members["county_branch"].pk)
    ]


def test_a_change_of_place_starts_the_six_months_again(members, secretary) -> None:
    """ "A relatively fixed place": a change of employer reported since starts the clock again;
    a new phone number does not. A member lost while away is at no known place."""
    six = settings.OVERSIGHT_TRANSFER_DUE_MONTHS
    episode = builders.away(
        members["a1"], actor=secretary, out_date=months_before(today(), six + 3), **EMPLOYER
    )
    changed_on = months_before(today(), six) + dt.timedelta(days=1)
    do_update_episode(
        actor=secretary, episode=episode, changed_on=changed_on, phone_there="13800138000"
    )
    assert members_of("transfer_due", today()) == {members["a1"].pk}
    do_update_episode(
        actor=secretary, episode=episode, changed_on=changed_on, employer="宁波舟山港股份有限公司"
    )
    assert members_of("transfer_due", today()) == set()
    (row,) = rows("transfer_due", changed_on + dt.timedelta(days=200))
    assert row["b_detail"]["settled_since"] == changed_on.isoformat()
    builders.lose_contact(members["a1"], actor=secretary, since=days_ago(1))
    assert members_of("transfer_due", changed_on + dt.timedelta(days=200)) == set()
