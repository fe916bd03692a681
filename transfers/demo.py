# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""The demo county's transfers in every state, built through the actions (a part of
`seed_demo`, after the members part)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from core.demo import DemoContext, DemoPart
from members.demo import DISTINCTIVE_MEMBER_NAME
from members.models import EpisodeStatus, Member, MobilityEpisode, Standing
from organizations.demo import DemoCounty
from organizations.models import Organization, OrgKind
from transfers.actions import do_start_transfers
from transfers.builders import transfer_in
from transfers.models import Transfer, TransferStatus

OUT_OF_SYSTEM = (
    ("中共江苏省苏州市工业园区娄葑街道工作委员会", "中共苏州工业园区工委组织部"),
    ("中共安徽省合肥市蜀山区笔架山街道工作委员会", "中共合肥市蜀山区委组织部"),
)


@dataclass(frozen=True)
class Senders:
    """Who the demo's transfers move: `mine` belong to the `secretary` login's branch, `theirs`
    to other branches of the same township, `settling` are away and checked in at the
    `station` login's station."""

    mine: Iterator[Member]
    theirs: Iterator[Member]
    settling: Iterator[Member]


def build_demo_transfers(
    ctx: DemoContext, senders: Senders, receiver: Organization, elsewhere: Organization
) -> int:
    """`receiver` is the `secretary2` login's branch, `elsewhere` another branch of its
    township. Answers the number made."""
    admin, mine, days_ago = ctx.admin, senders.mine, ctx.days_ago
    before = Transfer.objects.count()
    dues = (ctx.today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    make = partial(transfer_in, actor=admin, dues_paid_until=dues)

    # Draft, awaiting approval, approved but not yet issued.
    make(TransferStatus.DRAFT, member=next(mine), to=receiver)
    make(TransferStatus.SUBMITTED, member=next(mine), to=elsewhere)
    make(TransferStatus.APPROVED, member=next(mine), to=receiver)
    # Letters on their way, approved and issued in one step: one fresh, one about to expire.
    for issued_days_ago in (3, 26):
        make(
            TransferStatus.ISSUED,
            member=next(mine),
            to=receiver,
            approver=admin,
            issued_on=days_ago(issued_days_ago),
        )
    # Sent back by the committee; refused by the receiving side; withdrawn by the sender.
    make(
        TransferStatus.REJECTED,
        member=next(mine),
        to=receiver,
        note="介绍信抬头有误，请核对接收党组织全称",
    )
    make(
        TransferStatus.REJECTED,
        member=next(mine),
        to=elsewhere,
        refused=True,
        issued_on=days_ago(5),
    )
    make(TransferStatus.WITHDRAWN, member=next(mine), to=receiver)
    # Expired unreceived, one of those reissued.
    make(
        TransferStatus.REISSUED,
        member=next(mine),
        to=receiver,
        issued_on=days_ago(45),
        reissued_on=days_ago(2),
    )
    make(TransferStatus.EXPIRED, member=next(mine), to=receiver, issued_on=days_ago(45))
    # Received within the system: one with the receipt overdue, two with it returned; and one
    # away member settling where they checked in, whose absence ends as transferred.
    make(
        TransferStatus.RECEIVED,
        member=next(senders.theirs),
        to=receiver,
        issued_on=days_ago(50),
        received_on=days_ago(40),
    )
    for member in (next(senders.theirs), next(senders.theirs), next(senders.settling)):
        make(
            TransferStatus.RECEIPT_RETURNED,
            member=member,
            to=receiver,
            issued_on=days_ago(20),
            received_on=days_ago(15),
            returned_on=days_ago(10),
        )
    # Recorded after the letter's validity: presented in time, received a few days later; and
    # out of the system, a receipt that came back by post after the validity (issue 9, item 6).
    make(
        TransferStatus.RECEIVED,
        member=next(mine),
        to=receiver,
        valid_days=30,
        issued_on=days_ago(40),
        presented_on=days_ago(12),
        received_on=days_ago(8),
    )
    # Out of the system: one letter out, one whose receipt came back by post after the letter
    # ran out (within TRANSFER_RECEIPT_GRACE_DAYS).
    (out_name, out_addressee), (back_name, back_addressee) = OUT_OF_SYSTEM
    make(
        TransferStatus.ISSUED,
        member=next(mine),
        to=out_name,
        addressee=out_addressee,
        valid_days=60,
        issued_on=days_ago(20),
    )
    make(
        TransferStatus.RECEIPT_RETURNED,
        member=next(mine),
        to=back_name,
        addressee=back_addressee,
        valid_days=15,
        issued_on=days_ago(20),
        received_on=days_ago(6),
        returned_on=days_ago(1),
        handler="陈立",
    )
    # Graduates leaving together: one batch of drafts.
    batch = [next(mine) for _ in range(3)]
    do_start_transfers(
        actor=admin,
        members=batch,
        to_org=elsewhere,
        reason="毕业分配到新单位",
        dues_paid_until=dues,
    )
    return Transfer.objects.count() - before


def build(ctx: DemoContext) -> None:
    """Transfers in every state: from the `secretary` login's branch (its outgoing queue),
    to the `secretary2` login's branch (its incoming queue), awaiting the `town` login's
    approval, out of the system, and a batch of graduates."""
    made = ctx.get("county", DemoCounty)
    settled = (
        Member.objects.active()
        .filter(is_mobile=False, lost_contact=False, standing=Standing.NORMAL)
        .exclude(name=DISTINCTIVE_MEMBER_NAME)
        .select_related("home_org")
        .order_by("id")
    )
    first_township = made.townships[0]
    senders = list(settled.filter(home_org=made.secretary_branch)[:16])
    others = list(
        settled.filter(home_org__path__startswith=first_township.path)
        .exclude(home_org=made.secretary_branch)
        .order_by("home_org__path", "id")[::7][:3]
    )
    elsewhere = (
        Organization.objects.filter(
            path__startswith=made.townships[1].path, kind=OrgKind.BRANCH, is_active=True
        )
        .exclude(pk=made.secretary2_branch.pk)
        .order_by("path")
        .first()
    )
    assert elsewhere is not None
    settling = [
        episode.member
        for episode in MobilityEpisode.objects.filter(
            status=EpisodeStatus.CHECKED_IN, inflow_org=made.station
        )
        .select_related("member")
        .order_by("id")[:1]
    ]
    transfers = build_demo_transfers(
        ctx,
        Senders(iter(senders), iter(others), iter(settling)),
        receiver=made.secretary2_branch,
        elsewhere=elsewhere,
    )
    ctx.write(f"  组织关系转接 {transfers} 条已生成")
    ctx.put("transfers", transfers)


def count(ctx: DemoContext) -> dict[str, int]:
    return {"transfers": ctx.get("transfers", int)}


DEMO = DemoPart(build=build, count=count)
