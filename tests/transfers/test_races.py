"""Races on PostgreSQL with real concurrent transactions: threads with their own connections."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from core.models import User
from members.models import Member
from members.sharing import actual_shares
from organizations.models import RoleKind
from tests.factories import MemberFactory, RoleFactory, UserFactory
from transfers.actions import (
    do_issue_letter,
    do_receive_transfer,
    do_start_transfer,
    do_withdraw_transfer,
)
from transfers.builders import transfer_in
from transfers.models import Transfer, TransferStatus

pytestmark = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)

TODAY = timezone.localdate()


def race(attempts: dict[str, Callable[[], object]]) -> dict[str, str]:
    """Run every attempt at the same moment, each in its own thread and connection; answer
    "ok" or the refusal for each."""
    barrier = threading.Barrier(len(attempts))
    outcomes: dict[str, str] = {}

    def run(label: str, attempt: Callable[[], object]) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=10)
                attempt()
            outcomes[label] = "ok"
        except ValidationError as exc:
            outcomes[label] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in attempts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted(attempts), outcomes
    return outcomes


@pytest.fixture
def letter(tree, members, secretary, town) -> Transfer:
    return transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        issuer=town,
        reason="work",
    )


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_two_receivers_at_once_one_wins(tree, members, letter, secretary2):
    other = UserFactory.create(username="town_b")
    RoleFactory.create(user=other, organization=tree.town_b, kind=RoleKind.TOWNSHIP_OFFICER)
    outcomes = race(
        {
            "secretary2": lambda: do_receive_transfer(
                actor=fresh(secretary2), transfer=letter, received_on=TODAY
            ),
            "town_b": lambda: do_receive_transfer(
                actor=fresh(other), transfer=letter, received_on=TODAY
            ),
        }
    )
    assert list(outcomes.values()).count("ok") == 1
    loser = next(message for message in outcomes.values() if message != "ok")
    assert "already received" in loser
    letter.refresh_from_db()
    assert letter.status == TransferStatus.RECEIVED
    assert letter.events.filter(to_status=TransferStatus.RECEIVED).count() == 1
    assert Member.objects.get(pk=members["a1"].pk).home_org == tree.b1


def test_receiving_while_the_sender_withdraws_one_wins(
    tree, members, letter, secretary, secretary2
):
    outcomes = race(
        {
            "receive": lambda: do_receive_transfer(
                actor=fresh(secretary2), transfer=letter, received_on=TODAY
            ),
            "withdraw": lambda: do_withdraw_transfer(
                actor=fresh(secretary), transfer=letter, reason="changed plans"
            ),
        }
    )
    assert list(outcomes.values()).count("ok") == 1
    letter.refresh_from_db()
    member = Member.objects.get(pk=members["a1"].pk)
    if outcomes["receive"] == "ok":
        assert letter.status == TransferStatus.RECEIVED
        assert member.home_org == tree.b1
        assert "cannot become" in outcomes["withdraw"]
    else:
        assert letter.status == TransferStatus.WITHDRAWN
        assert member.home_org == tree.a1
        assert "nothing to receive" in outcomes["receive"]
    # Either way the member is in exactly one organization, shared with nobody.
    assert actual_shares([member.pk]) == {}


def test_concurrent_issues_never_share_or_skip_a_number(tree, secretary, town):
    drafts = [
        do_start_transfer(
            actor=secretary,
            member=MemberFactory.create(home_org=tree.a1),
            to_org=tree.b1,
            reason="work",
            dues_paid_until=TODAY.replace(day=1),
        )
        for _ in range(6)
    ]

    def issuer(draft: Transfer) -> Callable[[], object]:
        return lambda: do_issue_letter(actor=fresh(town), transfer=draft, issued_on=TODAY)

    outcomes = race({str(draft.pk): issuer(draft) for draft in drafts})
    assert set(outcomes.values()) == {"ok"}
    serials = sorted(
        serial or 0
        for serial in Transfer.objects.filter(
            issuing_committee=tree.town_a, year=TODAY.year
        ).values_list("serial", flat=True)
    )
    assert serials == [1, 2, 3, 4, 5, 6]


def test_a_failed_issue_gives_its_number_back(tree, members, secretary, town, monkeypatch):
    transfer = do_start_transfer(
        actor=secretary,
        member=members["a1"],
        to_org=tree.b1,
        reason="work",
        dues_paid_until=TODAY.replace(day=1),
    )

    def fail(**kwargs):
        raise ValidationError("the grant failed")

    # The failure comes after the number was taken and the letter saved: all of it rolls back.
    monkeypatch.setattr("transfers.actions.sync_shares", fail)
    with pytest.raises(ValidationError, match="the grant failed"):
        do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DRAFT
    assert transfer.number is None
    monkeypatch.undo()
    do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY)
    transfer.refresh_from_db()
    assert transfer.serial == 1
