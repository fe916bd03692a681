"""The demo county's organizational life: a year of meetings and attendance (most branches
comply, some do not; some members took part in nothing for six months, some only at an inflow
organization), evaluations and study records (a part of `seed_demo`, after transfers)."""

from __future__ import annotations

from core.demo import DemoContext, DemoPart
from education.demo.evaluation import create_evaluations
from education.demo.meetings import create_meetings
from education.demo.study import create_study
from education.models import Meeting


def build(ctx: DemoContext) -> None:
    meetings, rows = create_meetings(ctx)
    ctx.write(f"  会议活动 {meetings} 次、参加记录 {rows} 条已登记")
    evaluations, opinions = create_evaluations(ctx)
    ctx.write(f"  民主评议 {evaluations} 人次、流入地党组织意见 {opinions} 条已登记")
    items, posts, records = create_study(ctx)
    ctx.write(f"  流动党员之家 {items} 篇、支部职务 {posts} 条、学习记录 {records} 条已登记")


def count(ctx: DemoContext) -> dict[str, int]:
    return {"meetings": Meeting.objects.count()}


DEMO = DemoPart(build=build, holds_data=Meeting.objects.exists, count=count)
