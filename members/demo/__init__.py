"""The demo county's members and their absences, certificates, lost and found (a part of
`seed_demo`, after the organizations part)."""

from __future__ import annotations

from dataclasses import dataclass

from core.demo import DemoContext, DemoPart
from members.demo.dues import create_dues
from members.demo.mobility import (
    create_certificates,
    create_contacts,
    create_episodes,
    create_lost_and_found,
)
from members.demo.people import DISTINCTIVE_MEMBER_NAME, People
from members.demo.standing import create_standing_decisions
from members.models import Member, Standing

__all__ = ["DEMO", "DISTINCTIVE_MEMBER_NAME"]


@dataclass(frozen=True)
class DemoMembers:
    """What the members part made (`ctx.get("members", DemoMembers)`)."""

    members: int
    episodes: int
    certificates: int
    lost_episodes: int
    found: int
    dues_standards: int
    dues_payments: int


def build(ctx: DemoContext) -> None:
    people = People(ctx)
    members = people.create()
    ctx.write(f"  党员 {len(members)} 名已登记")
    episodes = create_episodes(ctx, members)
    ctx.write(f"  外出流动记录 {episodes} 条已登记")
    certificates = create_certificates(ctx)
    ctx.write(f"  流动党员活动证、党员证明信 {certificates} 份已开具")
    lost, found = create_lost_and_found(ctx, people, members)
    ctx.write(f"  失联 {lost} 名、流入地发现 {found} 名已登记")
    contacts, reports = create_contacts(ctx)
    ctx.write(f"  联系记录 {contacts} 条、定期汇报 {reports} 条已登记")
    decisions = create_standing_decisions(ctx)
    ctx.write(f"  党籍处理决定 {decisions} 件已登记")
    dues = create_dues(ctx)
    ctx.write(f"  党费交纳标准 {dues.standards} 条、党费交纳记录 {dues.payments} 笔已登记")
    ctx.put(
        "members",
        DemoMembers(
            len(members), episodes, certificates, lost, found, dues.standards, dues.payments
        ),
    )


def count(ctx: DemoContext) -> dict[str, int]:
    made = ctx.get("members", DemoMembers)
    return {
        "members": made.members,
        # Counted afresh: the mobility, lost-contact and transfer actions changed members.
        "mobile": Member.objects.filter(is_mobile=True).count(),
        "lost_contact": Member.objects.filter(lost_contact=True).count(),
        "suspended": Member.objects.filter(standing=Standing.SUSPENDED).count(),
        "archived": Member.objects.filter(archived_at__isnull=False).count(),
        "episodes": made.episodes,
        "certificates": made.certificates,
        "lost_episodes": made.lost_episodes,
        "found": made.found,
        "dues_standards": made.dues_standards,
        "dues_payments": made.dues_payments,
    }


DEMO = DemoPart(build=build, holds_data=Member.objects.exists, count=count)
