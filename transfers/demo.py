# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""The demo county's transfers in every state, built through the actions (a part of
`seed_demo`, after the members part)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from core.demo import DemoContext, DemoPart
from core.models import User
from members.demo import DISTINCTIVE_MEMBER_NAME
from members.models import Member, Standing
from organizations.demo import DemoCounty
from organizations.models import Organization, OrgKind
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
)
from transfers.models import Transfer

OUT_OF_SYSTEM = (
    ("中共江苏省苏州市工业园区娄葑街道工作委员会", "中共苏州工业园区工委组织部"),
    ("中共安徽省合肥市蜀山区笔架山街道工作委员会", "中共合肥市蜀山区委组织部"),
)


def build_demo_transfers(
    *,
    actor: User,
    senders: Sequence[Member],
    others: Sequence[Member],
    receiver: Organization,
    elsewhere: Organization,
    today: dt.date,
) -> int:
    """`senders` belong to the `secretary` login's branch, `others` to other branches of the
    same township; `receiver` is the `secretary2` login's branch. Answers the number made."""
    dues = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    mine: Iterator[Member] = iter(senders)
    theirs: Iterator[Member] = iter(others)

    def start(member: Member, to: Organization | None = None, **extra: object) -> Transfer:
        fields: dict[str, object] = {
            "reason": "工作调动，在新单位长期就业",
            "dues_paid_until": dues,
            **extra,
        }
        if to is not None:
            fields["to_org"] = to
        return do_start_transfer(actor=actor, member=member, **fields)  # type: ignore[arg-type]

    def days_ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    made = 0
    # Draft, awaiting approval, approved but not yet issued.
    start(next(mine), receiver)
    do_submit_transfer(actor=actor, transfer=start(next(mine), elsewhere))
    approved = start(next(mine), receiver)
    do_submit_transfer(actor=actor, transfer=approved)
    do_approve_transfer(actor=actor, transfer=approved)
    made += 3
    # Letters on their way: one fresh, one about to expire.
    for issued_days_ago in (3, 26):
        transfer = start(next(mine), receiver)
        do_submit_transfer(actor=actor, transfer=transfer)
        do_approve_transfer(actor=actor, transfer=transfer, issue_on=days_ago(issued_days_ago))
        made += 1
    # Sent back by the committee; refused by the receiving side; withdrawn by the sender.
    rejected = start(next(mine), receiver)
    do_submit_transfer(actor=actor, transfer=rejected)
    do_reject_transfer(
        actor=actor, transfer=rejected, reason="介绍信抬头有误，请核对接收党组织全称"
    )
    refused = start(next(mine), elsewhere)
    do_issue_letter(actor=actor, transfer=refused, issued_on=days_ago(5))
    do_reject_transfer(actor=actor, transfer=refused, reason="经核实，该同志未在我单位就业")
    withdrawn = start(next(mine), receiver)
    do_withdraw_transfer(actor=actor, transfer=withdrawn, reason="本人决定暂不转移")
    made += 3
    # Expired unreceived, and one of those reissued.
    for _ in range(2):
        transfer = start(next(mine), receiver)
        do_issue_letter(actor=actor, transfer=transfer, issued_on=days_ago(45))
        made += 1
    do_expire_letters(actor=None, today=today)
    expired = Transfer.objects.filter(status="expired", from_org=senders[0].home_org).first()
    if expired is not None:
        do_reissue_letter(actor=actor, transfer=expired, issued_on=days_ago(2))
        made += 1
    # Received within the system: one with the receipt overdue, two with it returned.
    overdue = start(next(theirs), receiver)
    do_issue_letter(actor=actor, transfer=overdue, issued_on=days_ago(50))
    do_receive_transfer(actor=actor, transfer=overdue, received_on=days_ago(40))
    for _ in range(2):
        transfer = start(next(theirs), receiver)
        do_issue_letter(actor=actor, transfer=transfer, issued_on=days_ago(20))
        do_receive_transfer(actor=actor, transfer=transfer, received_on=days_ago(15))
        do_return_receipt(actor=actor, transfer=transfer, returned_on=days_ago(10), handler="周敏")
    made += 3
    # Out of the system: one letter out, one whose receipt came back by post.
    for i, (name, addressee) in enumerate(OUT_OF_SYSTEM):
        transfer = start(next(mine), to_name=name, addressee=addressee, valid_days=60)
        do_issue_letter(actor=actor, transfer=transfer, issued_on=days_ago(20))
        if i:
            do_record_receipt(
                actor=actor, transfer=transfer, received_on=days_ago(6), handler="陈立"
            )
        made += 1
    # Graduates leaving together: one batch of drafts.
    batch = [next(mine) for _ in range(3)]
    do_start_transfers(
        actor=actor,
        members=batch,
        to_org=elsewhere,
        reason="毕业分配到新单位",
        dues_paid_until=dues,
    )
    made += len(batch)
    return made


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
    transfers = build_demo_transfers(
        actor=ctx.admin,
        senders=senders,
        others=others,
        receiver=made.secretary2_branch,
        elsewhere=elsewhere,
        today=ctx.today,
    )
    ctx.write(f"  组织关系转接 {transfers} 条已生成")
    ctx.put("transfers", transfers)


def count(ctx: DemoContext) -> dict[str, int]:
    return {"transfers": ctx.get("transfers", int)}


DEMO = DemoPart(build=build, count=count)
