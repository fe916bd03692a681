"""Letters, validity and receipts (issue 9, item 6).

The 2006 rules on the introduction letter: the letter's validity limits when the member presents
it, not when someone records the receipt. A receipt from outside the system that comes back by
post after the validity date, up to TRANSFER_RECEIPT_GRACE_DAYS later, is accepted, and the
nightly expiry waits for it; a receiving branch records a late receipt with the day the member
presented the letter. The receipt is returned by the receiving basic-level committee, and the
printed letter carries the seal (not a printed name) on its signature line and the committee's
fax."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Member
from organizations.actions import do_update_organization
from organizations.models import RoleKind
from tests.factories import RoleFactory, UserFactory
from transfers.actions import (
    do_expire_letters,
    do_receive_transfer,
    do_record_receipt,
    do_return_receipt,
)
from transfers.apps import check_letter_validity_bounds
from transfers.builders import transfer_in
from transfers.models import Transfer, TransferStatus
from transfers.steps import STEPS, available_steps

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()
OUT = "中共江苏省苏州市某街道工作委员会"


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are matched in their English source text, on pages and in actions."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def letter(state, members, actor, to, issued_days_ago, valid_days=30):
    return transfer_in(
        state,
        member=members["a1"],
        to=to,
        actor=actor,
        valid_days=valid_days,
        issued_on=days_ago(issued_days_ago),
    )


def fresh(transfer: Transfer) -> Transfer:
    return Transfer.objects.get(pk=transfer.pk)


# --- out of the system: the receipt by post ----------------------------------------------------


def test_a_receipt_by_post_after_the_validity_is_accepted(members, town):
    """Issue 9, item 6: out of the system, a receipt that comes back after the validity date
    (within validity plus the grace period) is recorded; the member leaves the register."""
    transfer = letter("issued", members, town, OUT, issued_days_ago=40)  # ran out 10 days ago
    recorded = do_record_receipt(
        actor=town,
        transfer=transfer,
        received_on=days_ago(12),
        returned_on=days_ago(2),
        handler="陈立",
    )
    assert recorded.status == TransferStatus.RECEIPT_RETURNED
    assert (recorded.received_on, recorded.receipt_returned_on) == (days_ago(12), days_ago(2))
    assert Member.objects.get(pk=members["a1"].pk).is_archived


def test_a_receipt_after_the_grace_period_is_refused(members, town, settings):
    """Issue 9, item 6: past validity plus TRANSFER_RECEIPT_GRACE_DAYS the sender must reissue;
    the grace period is a setting."""
    transfer = letter("issued", members, town, OUT, issued_days_ago=80)  # ran out 50 days ago
    with pytest.raises(ValidationError, match="reissue"):
        do_record_receipt(
            actor=town, transfer=transfer, received_on=days_ago(55), returned_on=TODAY, handler="x"
        )
    assert fresh(transfer).status == TransferStatus.ISSUED
    assert not Member.objects.get(pk=members["a1"].pk).is_archived
    settings.TRANSFER_RECEIPT_GRACE_DAYS = 60
    do_record_receipt(
        actor=town, transfer=transfer, received_on=days_ago(55), returned_on=TODAY, handler="x"
    )
    assert fresh(transfer).status == TransferStatus.RECEIPT_RETURNED


def test_the_receipt_comes_back_after_the_member_was_received(members, town):
    """Issue 9, item 6: the day the receipt came back is not before the date on it, nor in the
    future."""
    transfer = letter("issued", members, town, OUT, issued_days_ago=10)
    for returned_on in (days_ago(6), TODAY + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as exc:
            do_record_receipt(
                actor=town,
                transfer=transfer,
                received_on=days_ago(5),
                returned_on=returned_on,
                handler="x",
            )
        assert "returned_on" in exc.value.message_dict
    assert fresh(transfer).status == TransferStatus.ISSUED


def test_the_nightly_expiry_waits_for_a_receipt_by_post(tree, members, town, county):
    """Issue 9, item 6: an out-of-system letter whose receipt may still come is not expired;
    one in the system with the same dates is; past the grace period both are."""
    out = letter("issued", members, town, OUT, issued_days_ago=40)
    inside = transfer_in(
        "issued",
        member=members["b1"],
        to=tree.a2,
        actor=county,
        valid_days=30,
        issued_on=days_ago(40),
    )
    assert do_expire_letters(actor=None, today=TODAY) == 1
    assert (fresh(out).status, fresh(inside).status) == ("issued", "expired")
    # The last day of the grace period still waits; the day after, the letter expires.
    assert out.valid_until is not None
    last = out.valid_until + dt.timedelta(days=31)
    assert do_expire_letters(actor=None, today=last) == 0
    assert do_expire_letters(actor=None, today=last + dt.timedelta(days=1)) == 1
    assert fresh(out).status == TransferStatus.EXPIRED


# --- in the system: presented in time, recorded later -----------------------------------------


def test_a_late_receipt_needs_the_day_the_letter_was_presented(tree, members, town, secretary2):
    """Issue 9, item 6: after the validity the receiving branch records the receipt with the
    day the member presented the letter, which must fall within the validity."""
    transfer = letter("issued", members, town, tree.b1, issued_days_ago=40)  # ran out 10 ago
    with pytest.raises(ValidationError) as exc:
        do_receive_transfer(actor=secretary2, transfer=transfer, received_on=days_ago(2))
    assert "presented_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        do_receive_transfer(
            actor=secretary2,
            transfer=transfer,
            received_on=days_ago(2),
            presented_on=days_ago(5),  # after the validity
        )
    assert "presented_on" in exc.value.message_dict
    assert Member.objects.get(pk=members["a1"].pk).home_org == tree.a1

    received = do_receive_transfer(
        actor=secretary2, transfer=transfer, received_on=days_ago(2), presented_on=days_ago(12)
    )
    assert (received.status, received.presented_on) == ("received", days_ago(12))
    assert Member.objects.get(pk=members["a1"].pk).home_org == tree.b1


def test_an_expired_letter_presented_in_time_can_still_be_received(tree, members, town, secretary2):
    """Issue 9, item 6: the nightly expiry does not stop a receiving branch recording the
    receipt of a member who presented the letter in time, within the grace period."""
    transfer = letter("issued", members, town, tree.b1, issued_days_ago=40)
    do_expire_letters(actor=None, today=TODAY)
    transfer = fresh(transfer)
    assert transfer.status == TransferStatus.EXPIRED
    assert STEPS["receive"] in available_steps(secretary2, transfer)
    do_receive_transfer(
        actor=secretary2, transfer=transfer, received_on=TODAY, presented_on=days_ago(11)
    )
    assert fresh(transfer).status == TransferStatus.RECEIVED


def test_past_the_grace_period_an_expired_letter_is_not_received(tree, members, town, secretary2):
    """Issue 9, item 6: after validity plus the grace period only a reissue helps."""
    transfer = letter("expired", members, town, tree.b1, issued_days_ago=80)
    assert STEPS["receive"] not in available_steps(secretary2, transfer)
    with pytest.raises(ValidationError, match="reissue"):
        do_receive_transfer(
            actor=secretary2, transfer=transfer, received_on=TODAY, presented_on=days_ago(60)
        )


def test_the_receive_page_takes_the_day_presented(tree, members, town, secretary2, login):
    """Issue 9, item 6: the receive form records the presentation date, and refuses a late
    receipt without it on the field."""
    transfer = letter("issued", members, town, tree.b1, issued_days_ago=40)
    page = reverse("transfers:receive", args=[transfer.pk])
    client = login(secretary2)
    response = client.post(page, {"received_on": TODAY.isoformat(), "presented_on": ""})
    assert response.status_code == 200
    assert "presented_on" in response.context["form"].errors
    response = client.post(
        page, {"received_on": TODAY.isoformat(), "presented_on": days_ago(15).isoformat()}
    )
    assert response.status_code == 302
    assert fresh(transfer).presented_on == days_ago(15)


# --- who returns the receipt ------------------------------------------------------------------


def test_the_receiving_committee_returns_the_receipt_not_the_branch(tree, members, county, town):
    """Issue 9, item 6: the receipt is returned by the basic-level committee above the
    receiving branch (township A for branch A2), not by the branch's secretary nor by another
    township's officer."""
    a2_secretary = UserFactory.create(username="a2_secretary")
    RoleFactory.create(user=a2_secretary, organization=tree.a2, kind=RoleKind.SECRETARY)
    b_officer = UserFactory.create(username="b_officer")
    RoleFactory.create(user=b_officer, organization=tree.town_b, kind=RoleKind.TOWNSHIP_OFFICER)
    transfer = transfer_in(
        "received", member=members["b1"], to=tree.a2, actor=county, receiver=a2_secretary
    )
    for outsider in (a2_secretary, b_officer):
        assert STEPS["return_receipt"] not in available_steps(outsider, transfer)
        with pytest.raises(PermissionDenied):
            do_return_receipt(actor=outsider, transfer=transfer, returned_on=TODAY, handler="x")
    assert STEPS["return_receipt"] in available_steps(town, transfer)
    do_return_receipt(actor=town, transfer=transfer, returned_on=TODAY, handler="周敏")
    assert fresh(transfer).status == TransferStatus.RECEIPT_RETURNED


# --- the printed letter -----------------------------------------------------------------------


def test_the_letter_is_sealed_not_signed_and_shows_the_fax(tree, members, town, county, login):
    """Issue 9, item 6: the signature line carries the seal alone (no committee name printed
    there), and the letter shows the issuing committee's fax (an optional field)."""
    do_update_organization(actor=county, organization=tree.town_a, fax="0571-64321009")
    transfer = letter("issued", members, town, tree.b1, issued_days_ago=1)
    html = login(town).get(reverse("transfers:letter", args=[transfer.pk])).content.decode()
    signature = html.split('<div class="tl-sign">')[1].split("</div>")[0]
    assert "(seal)" in signature
    assert tree.town_a.name not in signature
    assert 'class="tl-fax">0571-64321009<' in html


@pytest.mark.parametrize(("grace", "errors"), [(31, []), (0, []), (-1, ["transfers.E002"])])
def test_the_grace_period_must_make_sense(settings, grace, errors):
    """Issue 9, item 6: the receipt's grace period is a setting a system check bounds."""
    settings.TRANSFER_RECEIPT_GRACE_DAYS = grace
    assert [e.id for e in check_letter_validity_bounds()] == errors
