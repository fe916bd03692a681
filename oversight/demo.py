"""The demo county the morning after a nightly run (a part of `seed_demo`, the last one).

Proper reasons and assigned work are recorded first, then the nightly checks run as of
yesterday and as of today, the way beat runs them at 02:00, with a day's work in between: a
proper reason recorded for a silent member (its alert closes), a payment (its alert closes).
So the run log shows two nights, alerts are open in many branches, every organization has last
night's report with what changed since the one before, and the `secretary` login's branch has
started on its alerts: one acknowledged with a talk recorded, one dismissed with a reason."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.demo import DemoContext, DemoPart
from core.models import User
from members.models import GOOD_STANDINGS, Member
from organizations.demo import DemoCounty
from oversight.alerts.actions import do_dismiss_alert
from oversight.builders import assign_work, exempt
from oversight.conditions.actions import do_record_work_done
from oversight.engine import run_rules
from oversight.handling.builders import record_handling
from oversight.models import (
    Alert,
    AlertStatus,
    Condition,
    ExemptionReason,
    HandlingKind,
    NightlyReport,
    NightlyRun,
    RunTrigger,
)

#: The tasks a branch assigns its members (the third condition of the six-month rule).
TASKS = (
    "联系本组外出流动党员，每月报告一次情况",
    "负责村党员活动室的学习资料整理",
    "参与村里人居环境整治志愿服务",
    "担任党员先锋岗，带动周边群众参加防汛值守",
    "收集在外务工党员的意见建议",
)


def _members(ctx: DemoContext, organization_path: str, limit: int) -> list[Member]:
    return list(
        Member.objects.active()
        .filter(
            home_org__path__startswith=organization_path,
            standing__in=GOOD_STANDINGS,
            lost_contact=False,
        )
        .order_by("id")[:limit]
    )


def create_work(ctx: DemoContext, county: DemoCounty) -> int:
    """Work assigned in a few branches of each township: most of it done, a little of it left
    undone for months (two members of the secretary's branch among them)."""
    made = 0
    secretary = User.objects.get(username="secretary")
    for index, member in enumerate(_members(ctx, county.secretary_branch.path, 6)):
        assigned = ctx.days_ago(30 + 40 * index)
        work = assign_work(member, actor=secretary, assigned_on=assigned, task=TASKS[index % 5])
        made += 1
        if index in (1, 2):
            continue  # not done: one four months old (a reminder), one seven (serious)
        do_record_work_done(
            actor=secretary,
            work=work,
            done_on=min(assigned + dt.timedelta(days=20), ctx.today),
            outcome="已按要求完成",
        )
    for branch in county.branches[1 :: 7 if ctx.small else 3]:
        for member in _members(ctx, branch.org.path, 2):
            assign_work(
                member,
                actor=ctx.admin,
                assigned_on=ctx.days_ago(ctx.rnd.randint(20, 300)),
                task=ctx.rnd.choice(TASKS),
            )
            made += 1
    return made


def _morning(as_of: dt.date) -> dt.datetime:
    """02:00 Asia/Shanghai on `as_of`: when beat starts the nightly run."""
    return timezone.make_aware(dt.datetime.combine(as_of, dt.time(2, 0)))


def _night(ctx: DemoContext, as_of: dt.date) -> NightlyRun:
    run = run_rules(as_of, trigger=RunTrigger.SCHEDULE)
    # As if beat had run it at 02:00 that night (the run log reads its start and end).
    took = (run.finished_at or run.started_at) - run.started_at
    NightlyRun.objects.filter(pk=run.pk).update(
        started_at=_morning(as_of), finished_at=_morning(as_of) + took
    )
    return run


def build(ctx: DemoContext) -> None:
    county = ctx.get("county", DemoCounty)
    secretary = User.objects.get(username="secretary")
    work = create_work(ctx, county)
    yesterday = ctx.today - dt.timedelta(days=1)
    first = _night(ctx, yesterday)
    ctx.write(f"  分配的工作 {work} 项；{yesterday} 夜间检查：新发预警 {first.opened} 条")

    # The day between the two nights: proper reasons for two members found silent elsewhere
    # (an illness, an approved stay abroad), whose alerts the next night closes.
    silent = list(
        Alert.objects.filter(rule="life_six_months", status=AlertStatus.OPEN, severity=30)
        .exclude(organization=county.secretary_branch)
        .select_related("member")
        .order_by("id")[:2]
    )
    for alert, reason in zip(
        silent, (ExemptionReason.ILLNESS, ExemptionReason.ABROAD), strict=False
    ):
        assert alert.member is not None
        exempt(
            alert.member,
            Condition.ALL,
            actor=ctx.admin,
            starts_on=ctx.today - dt.timedelta(days=200),
            ends_on=ctx.today + dt.timedelta(days=150),
            reason=reason,
            note="因病长期住院治疗" if reason == ExemptionReason.ILLNESS else "经组织批准出国务工",
        )
    second = _night(ctx, ctx.today)
    ctx.write(
        f"  {ctx.today} 夜间检查：新发 {second.opened} 条，仍未处理 {second.still_open} 条，"
        f"已消除 {second.closed} 条；报告 {second.reports} 份"
    )

    # The secretary's branch has started on its alerts this morning.
    mine = list(
        Alert.objects.filter(organization=county.secretary_branch, status=AlertStatus.OPEN)
        .exclude(member=None)
        .select_related("member")
        .order_by("-severity", "id")
    )
    if mine:
        talked = mine[0]
        assert talked.member is not None
        record_handling(
            talked.member,
            HandlingKind.TALK,
            actor=secretary,
            on=ctx.today,
            note="电话谈心，说明按期参加组织生活、交纳党费的要求，本人表示下月回村参加主题党日。",
            alert=talked,
        )
    dues = [a for a in mine[1:] if a.rule == "dues_overdue"]
    if dues:
        do_dismiss_alert(
            alert=dues[0],
            reason="本人已在流入地党组织交纳，凭证待补录",
            actor=secretary,
        )


def count(ctx: DemoContext) -> dict[str, int]:
    return {
        "alerts open": Alert.objects.live().count(),
        "nightly reports": NightlyReport.objects.count(),
    }


DEMO = DemoPart(build=build, holds_data=NightlyRun.objects.exists, count=count)
