"""The transfer state machine: every step allowed and refused, the move, the grants, the letter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from members.builders import away, check_in
from members.models import EpisodeStatus, Member, MobilityEpisode
from members.sharing import actual_shares, drift
from organizations.models import Notice
from tests.factories import MemberFactory
from transfers.actions import (
    do_approve_transfer,
    do_expire_letters,
    do_issue_letter,
    do_receive_transfer,
    do_record_receipt,
    do_reissue_letter,
    do_reject_transfer,
    do_return_receipt,
    do_start_transfer,
    do_start_transfers,
    do_submit_transfer,
    do_withdraw_transfer,
    issuing_committee_for,
)
from transfers.builders import transfer_in
from transfers.models import TRANSITIONS, Transfer, TransferEvent, TransferStatus

pytestmark = pytest.mark.shared_world

TODAY = timezone.localdate()
DUES = TODAY.replace(day=1)
REASON = "moved for work"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def start(actor, member, to_org=None, **extra):
    fields = {"reason": REASON, "dues_paid_until": DUES, **extra}
    if to_org is not None:
        fields["to_org"] = to_org
    return do_start_transfer(actor=actor, member=member, **fields)


def sees(user, member, action="view"):
    """Whether `user` sees `member` now (a fresh user: scope is computed once per request)."""
    fresh = type(user).objects.get(pk=user.pk)
    return Member.objects.visible_to(fresh, action).filter(pk=member.pk).exists()


def statuses(transfer):
    return list(TransferEvent.objects.filter(transfer=transfer).values_list("to_status", flat=True))


# --- the state machine as data ------------------------------------------------------------


def test_every_state_has_its_transitions_written_down():
    assert set(TRANSITIONS) == set(TransferStatus.values)
    for targets in TRANSITIONS.values():
        assert targets <= set(TransferStatus.values)
    # Finished states go nowhere.
    for done in (
        TransferStatus.RECEIPT_RETURNED,
        TransferStatus.WITHDRAWN,
        TransferStatus.REISSUED,
    ):
        assert TRANSITIONS[done] == frozenset()


@pytest.mark.django_db
def test_a_branch_letter_is_issued_by_its_township(tree):
    assert issuing_committee_for(tree.a1) == tree.town_a
    assert issuing_committee_for(tree.county_branch) == tree.county
    assert issuing_committee_for(tree.town_a) == tree.town_a


# --- the normal path ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_whole_path_within_the_system(tree, members, secretary, town, secretary2, county):
    member = members["a1"]
    transfer = start(secretary, member, tree.b1)
    assert transfer.status == TransferStatus.DRAFT
    assert transfer.issuing_committee == tree.town_a
    assert transfer.number is None
    assert transfer.valid_days == 30

    do_submit_transfer(actor=secretary, transfer=transfer)
    assert Notice.objects.filter(organization=tree.town_a).exists()
    do_approve_transfer(actor=town, transfer=transfer, issue_on=TODAY)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ISSUED
    assert transfer.number is not None
    assert transfer.number.endswith(f"-{TODAY.year}-00001")
    assert transfer.valid_until == TODAY + dt.timedelta(days=30)
    # Until received, the member stays home; the receiving side sees them to prepare.
    member.refresh_from_db()
    assert member.home_org == tree.a1
    assert sees(secretary2, member)
    assert not sees(secretary2, member, "change")
    assert Notice.objects.filter(organization=tree.b1).exists()

    do_receive_transfer(actor=secretary2, transfer=transfer, received_on=TODAY)
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED
    assert member.home_org == tree.b1
    assert not sees(secretary, member)
    assert sees(secretary2, member, "change")
    # The transfer record itself stays visible to the sender.
    assert Transfer.objects.visible_to(secretary).filter(pk=transfer.pk).exists()
    assert actual_shares([member.pk]) == {}

    # The receiving basic-level committee returns the receipt, not the branch (issue 9, 6).
    with pytest.raises(PermissionDenied):
        do_return_receipt(actor=secretary2, transfer=transfer, returned_on=TODAY, handler="李四")
    do_return_receipt(
        actor=county, transfer=transfer, returned_on=TODAY, handler="李四", phone="0571"
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIPT_RETURNED
    assert statuses(transfer) == [
        TransferStatus.DRAFT,
        TransferStatus.SUBMITTED,
        TransferStatus.APPROVED,
        TransferStatus.ISSUED,
        TransferStatus.RECEIVED,
        TransferStatus.RECEIPT_RETURNED,
    ]


@pytest.mark.django_db
def test_a_township_officer_issues_without_a_separate_approval(tree, members, town):
    transfer = start(town, members["a1"], tree.b1)
    do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ISSUED
    assert statuses(transfer) == [TransferStatus.DRAFT, TransferStatus.ISSUED]


@pytest.mark.django_db
def test_a_branch_cannot_issue_its_own_letter(tree, members, secretary):
    transfer = start(secretary, members["a1"], tree.b1)
    with pytest.raises(PermissionDenied):
        do_issue_letter(actor=secretary, transfer=transfer, issued_on=TODAY)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DRAFT
    assert transfer.number is None


@pytest.mark.django_db
def test_approval_then_issue_by_the_sender(tree, members, secretary, town):
    transfer = start(secretary, members["a1"], tree.b1)
    do_submit_transfer(actor=secretary, transfer=transfer)
    do_approve_transfer(actor=town, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.APPROVED
    do_issue_letter(actor=secretary, transfer=transfer, issued_on=TODAY)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ISSUED


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_open_transfer_is_refused_naming_the_first(tree, members, secretary):
    start(secretary, members["a1"], tree.b1)
    with pytest.raises(ValidationError, match="already has an open transfer to 乙一支部"):
        start(secretary, members["a1"], tree.county_branch)
    assert Transfer.objects.count() == 1


@pytest.mark.django_db
def test_out_of_scope_senders_and_approvers_are_refused(
    tree, members, secretary, secretary2, town, station
):
    with pytest.raises(PermissionDenied):
        start(secretary2, members["a1"], tree.b1)
    transfer = start(secretary, members["a1"], tree.b1)
    do_submit_transfer(actor=secretary, transfer=transfer)
    with pytest.raises(PermissionDenied):
        do_approve_transfer(actor=secretary, transfer=transfer, issue_on=TODAY)
    with pytest.raises(PermissionDenied):
        do_approve_transfer(actor=station, transfer=transfer, issue_on=TODAY)
    do_approve_transfer(actor=town, transfer=transfer, issue_on=TODAY)
    with pytest.raises(PermissionDenied):
        do_receive_transfer(actor=secretary, transfer=transfer, received_on=TODAY)
    with pytest.raises(PermissionDenied):
        do_withdraw_transfer(actor=secretary2, transfer=transfer, reason="no")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"valid_days": 0, "to_org": "b1"}, "1 to 90 days"),
        ({"valid_days": 91, "to_org": "b1"}, "1 to 90 days"),
        ({}, "Choose the receiving organization"),
    ],
)
def test_bad_input_changes_nothing(tree, members, secretary, fields, message):
    if "to_org" in fields:
        fields = {**fields, "to_org": getattr(tree, fields["to_org"])}
    with pytest.raises(ValidationError, match=message):
        start(secretary, members["a1"], **fields)
    assert not Transfer.objects.exists()


@pytest.mark.django_db
def test_a_committee_or_the_home_branch_is_no_destination(tree, members, secretary):
    with pytest.raises(ValidationError, match="active branch"):
        start(secretary, members["a1"], tree.town_b)
    with pytest.raises(ValidationError, match="already belongs"):
        start(secretary, members["a1"], tree.a1)


@pytest.mark.django_db
def test_the_validity_bound_follows_the_deployment(tree, members, secretary, settings):
    settings.TRANSFER_VALID_DAYS_MAX = 60
    with pytest.raises(ValidationError, match="1 to 60 days"):
        start(secretary, members["a1"], tree.b1, valid_days=61)
    transfer = start(secretary, members["a1"], tree.b1, valid_days=60)
    assert transfer.valid_days == 60


@pytest.mark.django_db
def test_steps_out_of_order_are_refused(tree, members, secretary, secretary2, town, county):
    transfer = start(secretary, members["a1"], tree.b1)
    with pytest.raises(ValidationError, match="nothing to receive"):
        do_receive_transfer(actor=secretary2, transfer=transfer, received_on=TODAY)
    with pytest.raises(ValidationError, match="cannot become"):
        do_approve_transfer(actor=town, transfer=transfer)
    with pytest.raises(ValidationError, match="cannot become"):
        do_return_receipt(actor=county, transfer=transfer, returned_on=TODAY, handler="x")


@pytest.mark.django_db
def test_a_letter_cannot_be_received_before_it_was_issued_or_after_it_expired(
    tree, members, secretary, secretary2, town
):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    with pytest.raises(ValidationError):
        do_receive_transfer(
            actor=secretary2, transfer=transfer, received_on=TODAY - dt.timedelta(days=1)
        )
    Transfer.objects.filter(pk=transfer.pk).update(
        issued_on=TODAY - dt.timedelta(days=40), valid_until=TODAY - dt.timedelta(days=10)
    )
    with pytest.raises(ValidationError, match="expired"):
        do_receive_transfer(actor=secretary2, transfer=transfer, received_on=TODAY)
    members["a1"].refresh_from_db()
    assert members["a1"].home_org == tree.a1


# --- rejection, withdrawal, expiry, reissue -----------------------------------------------


@pytest.mark.django_db
def test_a_rejected_submission_goes_back_and_can_be_submitted_again(tree, members, secretary, town):
    transfer = start(secretary, members["a1"], tree.b1)
    do_submit_transfer(actor=secretary, transfer=transfer)
    with pytest.raises(ValidationError, match="Give the reason"):
        do_reject_transfer(actor=town, transfer=transfer, reason=" ")
    do_reject_transfer(actor=town, transfer=transfer, reason="wrong addressee")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED
    assert transfer.reject_reason == "wrong addressee"
    do_submit_transfer(actor=secretary, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SUBMITTED


@pytest.mark.django_db
def test_the_receiver_refuses_an_issued_letter_and_loses_sight(
    tree, members, secretary, secretary2, town
):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    do_reject_transfer(actor=secretary2, transfer=transfer, reason="not our member")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED
    assert not sees(secretary2, members["a1"])
    with pytest.raises(ValidationError, match="reissue it or withdraw"):
        do_submit_transfer(actor=secretary, transfer=transfer)
    new = do_reissue_letter(actor=town, transfer=transfer, issued_on=TODAY, to_org=tree.b1)
    assert new.reissue_of == transfer
    assert new.number != transfer.number


@pytest.mark.django_db
def test_withdrawal_keeps_the_member_home_and_removes_the_grant(
    tree, members, secretary, secretary2, town
):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    do_withdraw_transfer(actor=secretary, transfer=transfer, reason="changed plans")
    transfer.refresh_from_db()
    members["a1"].refresh_from_db()
    assert transfer.status == TransferStatus.WITHDRAWN
    assert members["a1"].home_org == tree.a1
    assert not sees(secretary2, members["a1"])
    # A new transfer may start once the old one is closed.
    start(secretary, members["a1"], tree.b1)


@pytest.mark.django_db
def test_expiry_and_reissue(tree, members, secretary, secretary2, town):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    assert do_expire_letters(actor=None, today=TODAY) == 0
    assert do_expire_letters(actor=None, today=TODAY + dt.timedelta(days=31)) == 1
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.EXPIRED
    assert not sees(secretary2, members["a1"])
    # (An expired letter presented in time may still be received: tests/transfers/
    # test_receipts.py.)
    with pytest.raises(PermissionDenied):
        do_reissue_letter(actor=secretary, transfer=transfer, issued_on=TODAY)

    new = do_reissue_letter(actor=town, transfer=transfer, issued_on=TODAY, valid_days=10)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REISSUED
    assert new.status == TransferStatus.ISSUED
    assert new.reissue_of == transfer
    assert new.to_org == tree.b1
    assert new.valid_until == TODAY + dt.timedelta(days=10)
    assert transfer.serial is not None
    assert new.serial == transfer.serial + 1
    assert sees(secretary2, members["a1"])
    do_receive_transfer(actor=secretary2, transfer=new, received_on=TODAY)
    members["a1"].refresh_from_db()
    assert members["a1"].home_org == tree.b1


# --- out of the system --------------------------------------------------------------------


@pytest.mark.django_db
def test_out_of_the_system_the_sender_records_the_receipt(tree, members, secretary, town):
    transfer = start(
        secretary, members["a1"], to_name="中共某省某县某镇委员会", addressee="某县委组织部"
    )
    assert not transfer.in_system
    do_submit_transfer(actor=secretary, transfer=transfer)
    do_approve_transfer(actor=town, transfer=transfer, issue_on=TODAY)
    transfer.refresh_from_db()
    assert actual_shares([members["a1"].pk]) == {}
    do_record_receipt(actor=secretary, transfer=transfer, received_on=TODAY, handler="王五")
    transfer.refresh_from_db()
    member = Member.objects.get(pk=members["a1"].pk)
    assert transfer.status == TransferStatus.RECEIPT_RETURNED
    assert member.is_archived
    assert "某省" in member.archive_reason
    assert member.home_org == tree.a1


@pytest.mark.django_db
def test_an_in_system_letter_is_not_receipted_by_hand(tree, members, secretary, town):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    with pytest.raises(ValidationError, match="it receives"):
        do_record_receipt(actor=secretary, transfer=transfer, received_on=TODAY, handler="x")


# --- the absence ends with the move -------------------------------------------------------


@pytest.mark.django_db
def test_receiving_ends_the_open_absence_and_keeps_shares_consistent(
    tree, members, secretary, secretary2, station, town, settings
):
    # A letter to the station itself: where stations are real branches (issue 9, item 10).
    settings.STATIONS_HOLD_MEMBERS = True
    member = members["a1"]
    away(member, actor=secretary, out_date=TODAY - dt.timedelta(days=200), reason="work")
    check_in(member, actor=station, at=tree.bs, on=TODAY - dt.timedelta(days=190))
    # The transfer goes to the station itself: two reasons for one share.
    transfer = start(secretary, member, tree.bs)
    do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY)
    assert drift([member.pk]) == ({}, {})
    do_withdraw_transfer(actor=secretary, transfer=transfer, reason="not yet")
    # The check-in still justifies the share.
    assert sees(station, member)
    assert drift([member.pk]) == ({}, {})

    transfer = start(secretary, member, tree.b1)
    do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY)
    do_receive_transfer(actor=secretary2, transfer=transfer, received_on=TODAY)
    episode = MobilityEpisode.objects.get(member=member)
    assert episode.status == EpisodeStatus.TRANSFERRED
    assert episode.ended_on == TODAY
    member.refresh_from_db()
    assert not member.is_mobile
    assert not sees(station, member)
    assert actual_shares([member.pk]) == {}


# --- batches ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_several_members_at_once_all_or_none(tree, members, secretary):
    graduates = [MemberFactory.create(home_org=tree.a1) for _ in range(3)]
    made = do_start_transfers(
        actor=secretary, members=graduates, to_org=tree.b1, reason="毕业", dues_paid_until=DUES
    )
    assert len({t.batch for t in made}) == 1
    assert len(made) == 3
    with pytest.raises(ValidationError, match="already has an open transfer"):
        do_start_transfers(
            actor=secretary,
            members=[members["a1"], graduates[0]],
            to_org=tree.b1,
            reason="毕业",
            dues_paid_until=DUES,
        )
    assert not Transfer.objects.filter(member=members["a1"]).exists()


@pytest.mark.django_db
def test_the_timeline_dates_each_step_when_it_happened(tree, members, secretary, secretary2, town):
    transfer = start(secretary, members["a1"], tree.b1)
    do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY - dt.timedelta(days=9))
    # The receipt of the member is recorded a few days after it happened.
    do_receive_transfer(
        actor=secretary2, transfer=transfer, received_on=TODAY - dt.timedelta(days=4)
    )
    dates = dict(TransferEvent.objects.filter(transfer=transfer).values_list("to_status", "on"))
    assert dates == {
        TransferStatus.DRAFT: TODAY,
        TransferStatus.ISSUED: TODAY - dt.timedelta(days=9),
        TransferStatus.RECEIVED: TODAY - dt.timedelta(days=4),
    }
