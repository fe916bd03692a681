# Titles and bodies are Chinese demo text with full-width punctuation (RUF001 reads look-alikes).
"""The demo county's classified and online education: column items for each audience from the
county and the townships, branch secretaries and committee members (branch posts), and a year
of study — the winter training and an online course per branch, and the column's items read
online. Most members meet the year's requirement (meeting hours add to it); some do not.

Written through the bulk actions (a record per member, one audit event per batch), so the
whole part takes well under a second at full size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from core.demo import DemoContext
from education.models import (
    Audience,
    BranchPostKind,
    ColumnItem,
    ColumnItemKind,
    StudyKind,
    StudyRecord,
)
from education.study.actions import (
    do_record_branch_committee,
    do_record_group_study,
    do_record_readers,
)
from education.study.builders import publish
from education.study.queries import applicable_members
from members.models import GOOD_STANDINGS, Member
from organizations.demo import DemoCounty

#: (title, kind, audience, hours, body) published by the county.
COUNTY_ITEMS = (
    (
        "关于做好流动党员年度学习教育的通知",
        ColumnItemKind.NOTICE,
        Audience.EVERYONE,
        0,
        "各乡镇（街道）党委：请督促流动党员通过“流动党员之家”专栏参加学习，年度学习不少于32学时。",
    ),
    (
        "党章党规学习读本（流动党员版）",
        ColumnItemKind.MATERIAL,
        Audience.EVERYONE,
        2,
        "第一章 党员\n第二章 党的组织制度\n结合外出实际，对照检查。",
    ),
    (
        "诚信守法、文明经商——外出务工经商党员学习材料",
        ColumnItemKind.MATERIAL,
        Audience.MIGRANT,
        2,
        "依法经营、诚实守信，亮身份、树形象，在务工经商地做合格党员。",
    ),
    (
        "市场经济与实用技术——非公企业党员学习材料",
        ColumnItemKind.MATERIAL,
        Audience.NON_PUBLIC,
        2,
        "市场经济基本知识、安全生产与岗位技能，发挥党员先锋模范作用。",
    ),
)


#: The secretaries' and committee members' own training.
CADRE_COURSE: tuple[str, str, Decimal, bool] = (
    StudyKind.TRAINING,
    "基层党组织书记和支委培训班",
    Decimal(24),
    False,
)


def _year_start(ctx: DemoContext) -> dt.date:
    return dt.date(ctx.today.year, 1, 1)


def _publish_items(ctx: DemoContext, made: DemoCounty) -> list[ColumnItem]:
    start = _year_start(ctx)
    items = [
        publish(
            made.county,
            actor=ctx.admin,
            title=title,
            kind=kind,
            audience=audience,
            hours=hours,
            body=body,
            on=ctx.date_between(start, ctx.today),
        )
        for title, kind, audience, hours, body in COUNTY_ITEMS
    ]
    for township in made.townships:
        items.append(
            publish(
                township,
                actor=ctx.admin,
                title=f"{township.name}流动党员“云党课”",
                hours="1.5",
                body="观看云党课视频，撰写学习体会。",
                link="https://www.12371.cn/",
                on=ctx.date_between(start, ctx.today),
            )
        )
    first = made.townships[0]
    chosen = [b.org for b in made.branches if b.org.path.startswith(first.path)][:2]
    if chosen:
        items.append(
            publish(
                first,
                actor=ctx.admin,
                title="村级党组织书记专题学习",
                audience=Audience.CHOSEN,
                chosen=chosen,
                hours=3,
                on=ctx.date_between(start, ctx.today),
            )
        )
    return items


def create_study(ctx: DemoContext) -> tuple[int, int, int]:
    """(column items, branch posts, study records) made."""
    made = ctx.get("county", DemoCounty)
    rnd, admin, start = ctx.rnd, ctx.admin, _year_start(ctx)
    items = _publish_items(ctx, made)
    by_branch: dict[int, list[Member]] = defaultdict(list)
    for member in (
        Member.objects.active()
        .filter(standing__in=GOOD_STANDINGS)
        .select_related("home_org")
        .order_by("home_org_id", "pk")
    ):
        by_branch[member.home_org_id].append(member)
    posts = 0
    winter = min(start + dt.timedelta(days=45), ctx.today)
    takers: dict[tuple[str, str, Decimal, bool], list[Member]] = defaultdict(list)
    courses: tuple[tuple[str, str, Decimal, bool, float], ...] = (
        (StudyKind.TRAINING, "党员冬训", Decimal(20), False, 0.9),
        (StudyKind.COURSE, "网上党校专题课程", Decimal(12), True, 0.85),
    )
    for members in by_branch.values():
        # The secretary, and a committee member where the branch has a committee (seven
        # members or more), elected some years ago.
        cadres = members[:1] if len(members) < 7 else members[:2]
        posts += do_record_branch_committee(
            actor=admin,
            organization=members[0].home_org,
            posts={
                m: BranchPostKind.SECRETARY if i == 0 else BranchPostKind.COMMITTEE
                for i, m in enumerate(cadres)
            },
            started_on=ctx.years_before(ctx.today, rnd.randint(1, 5)),
        )
        # Most take the winter training and the online course; some miss one (and are short);
        # most cadres also take the secretaries' and committee members' training.
        for kind, title, hours, online, share in courses:
            takers[(kind, title, hours, online)] += [m for m in members if rnd.random() < share]
        cadre_course: tuple[str, str, Decimal, bool] = (
            StudyKind.TRAINING,
            "基层党组织书记和支委培训班",
            Decimal(24),
            False,
        )
        takers[cadre_course] += [m for m in cadres if rnd.random() < 0.8]
    for (kind, title, hours, online), who in takers.items():
        do_record_group_study(
            actor=admin,
            members=who,
            kind=kind,
            title=title,
            studied_on=ctx.date_between(start, ctx.today if online else winter),
            hours=hours,
            online=online,
        )
    for item in items:
        if item.study_hours <= 0:
            continue
        candidates = applicable_members(item).order_by("pk").values_list("pk", flat=True)
        readers = [pk for pk in candidates if rnd.random() < 0.7]
        if readers:
            do_record_readers(
                actor=admin,
                item=item,
                members=list(Member.objects.filter(pk__in=readers).only("pk")),
                read_on=ctx.today,
            )
    return len(items), posts, StudyRecord.objects.count()
