"""What each side is told about a transfer, and the sender's page after the move: the notices
name the member and the other organization, and no link leads to a page now closed to the
reader (issue 9, item 22)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from organizations.models import Notice
from transfers.actions import do_withdraw_transfer
from transfers.builders import transfer_in
from transfers.models import Transfer, TransferStatus

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def titles(org) -> list[str]:
    return list(
        Notice.objects.filter(organization=org).order_by("pk").values_list("title", flat=True)
    )


def test_every_transfer_notice_names_the_member_and_the_other_side(
    tree, members, secretary, town, secretary2, county
):
    """Issue 9, item 22: notices named only the kind of event ("Your member was received").
    Each now names the member and the other organization, in Chinese: "王甲一的组织关系由甲一支部
    转入" for the receiving branch."""
    with translation.override("zh-hans"):
        transfer_in(
            TransferStatus.RECEIPT_RETURNED,
            member=members["a1"],
            to=tree.b1,
            actor=secretary,
            approver=town,
            receiver=secretary2,
            returner=county,
        )
    assert titles(tree.town_a) == ["王甲一的组织关系由甲一支部转往乙一支部，待审批"]
    assert titles(tree.b1) == ["王甲一的组织关系由甲一支部转入"]
    assert titles(tree.a1) == [
        "王甲一转往乙一支部的组织关系介绍信已开具",
        "王甲一的组织关系已由乙一支部接收",
        "乙一支部已寄回王甲一的组织关系介绍信回执",
    ]


@pytest.mark.parametrize(
    ("state", "told", "title"),
    [
        (TransferStatus.REJECTED, "a1", "The transfer of 王甲一 to 乙一支部 was sent back"),
        (TransferStatus.APPROVED, "a1", "The transfer of 王甲一 to 乙一支部 was approved"),
        (TransferStatus.WITHDRAWN, "b1", "甲一支部 withdrew the transfer of 王甲一"),
    ],
)
def test_the_other_steps_name_them_too(tree, members, secretary, town, state, told, title):
    """Issue 9, item 22: sent back, approved, withdrawn after issue: who and where."""
    with translation.override("en"):
        transfer = transfer_in(
            TransferStatus.ISSUED if state == TransferStatus.WITHDRAWN else state,
            member=members["a1"],
            to=tree.b1,
            actor=secretary,
            approver=town,
        )
        if state == TransferStatus.WITHDRAWN:
            do_withdraw_transfer(actor=secretary, transfer=transfer, reason="不走了")
    assert title in titles(getattr(tree, told))


def test_an_expired_letter_names_the_member(tree, members, secretary, town):
    """Issue 9, item 22: the nightly expiry tells the sender whose letter expired, and where
    to."""
    with translation.override("en"):
        transfer = transfer_in(
            TransferStatus.EXPIRED, member=members["a1"], to=tree.b1, actor=secretary, issuer=town
        )
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.EXPIRED
    assert "The letter for 王甲一 to 乙一支部 expired unreceived" in titles(tree.a1)


def test_the_sender_sees_the_name_without_a_link_after_the_move(
    tree, members, secretary, town, secretary2, login
):
    """Issue 9, item 22: after the transfer is received, the sender's transfer page linked the
    member's name to a page that is now 404 for them; the name is shown without a link. The
    receiving branch, which now holds the member, keeps the link."""
    member = members["a1"]
    transfer = transfer_in(
        TransferStatus.RECEIVED,
        member=member,
        to=tree.b1,
        actor=secretary,
        approver=town,
        receiver=secretary2,
    )
    link = reverse("members:detail", args=[member.pk])
    page = login(secretary).get(reverse("transfers:detail", args=[transfer.pk]))
    assert page.status_code == 200
    assert member.name in page.content.decode()
    assert link not in page.content.decode()
    assert login(secretary).get(link).status_code == 404
    receiver_page = login(secretary2).get(reverse("transfers:detail", args=[transfer.pk]))
    assert link in receiver_page.content.decode()


def test_before_the_move_the_sender_follows_the_link(tree, members, secretary, town, login):
    """Issue 9, item 22: while the member is still the sender's, the name links to them."""
    member = members["a1"]
    transfer = transfer_in(
        TransferStatus.ISSUED, member=member, to=tree.b1, actor=secretary, approver=town
    )
    page = login(secretary).get(reverse("transfers:detail", args=[transfer.pk]))
    assert reverse("members:detail", args=[member.pk]) in page.content.decode()


def test_a_title_with_long_names_is_cut_to_fit(tree, members, secretary, town):
    """Issue 9, item 22: a title naming a member and two organizations with long full names
    is cut to the 200 characters a notice's title holds, never refused."""
    with translation.override("en"):
        transfer = transfer_in(
            TransferStatus.ISSUED,
            member=members["a1"],
            to="某" * 200,
            actor=secretary,
            issuer=town,
        )
    [title] = titles(tree.a1)
    assert len(title) == 200
    assert title.startswith("The letter for 王甲一 to 某某")
    assert title.endswith("…")
    assert transfer.status == TransferStatus.ISSUED
