# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""Last year's democratic evaluation in the demo county (issue 10, item 5): inflow
organizations' opinions of some mobile members, then every member of the evaluated branches
graded through the real action: most 合格, up to a third 优秀, a few 基本合格, and two 不合格 with
their handling (the member whose certificate failed last year's check, and one in the
`secretary` login's branch). The activity certificates' yearly checks are linked or recorded by
the grading itself.

The full county grades about 300 members (the `secretary` and `secretary2` logins' branches and
the first township's first branches: the action's locks and checks cost about a dozen queries
a member, and the whole county's 4,000 would add many seconds to `seed_demo`); the small one
grades every branch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.demo import DemoContext
from education.evaluation.actions import (
    do_grade_member,
    do_record_inflow_opinion,
    evaluation_members,
    excellent_cap,
)
from education.models import Evaluation, Grade, HandlingKind, InflowOpinion
from members.models import CertificateCheck, CheckResult, EpisodeStatus, Member, MobilityEpisode
from organizations.demo import DemoCounty
from organizations.models import Organization, relationship_kinds

SELF = (
    "认真学习党的创新理论，按时参加组织生活，按时足额交纳党费，在工作中发挥了党员作用。",
    "外出务工期间主动与支部保持联系，定期汇报思想和工作情况，参加流入地党组织活动。",
    "能够遵守党的纪律，完成支部安排的工作，但理论学习还不够系统，今后加强。",
    "积极参加志愿服务和“亮身份、树形象”活动，带动身边群众共同致富。",
)
MUTUAL = (
    "同志们认为该同志政治坚定，工作踏实，群众基础好。",
    "大家认为该同志能起到先锋模范作用，希望进一步加强学习。",
    "党员们肯定其外出期间主动联系支部，建议多参加线上学习。",
    "同志们指出其参加组织生活次数偏少，希望改进。",
)
OPINIONS = (
    "报到后按时参加我支部组织生活，交纳党费，积极参加社区志愿服务。",
    "在本单位工作认真负责，参加主题党日活动，表现良好。",
    "报到后参加组织生活较少，经提醒有所改进。",
)


#: About how many members the full county grades (the small one grades every branch).
FULL_BUDGET = 300


def _evaluated_branches(ctx: DemoContext, also: set[int]) -> list[Organization]:
    """Every branch of the small county; in the full one, the `secretary` and `secretary2`
    logins' branches, those of members in `also`, and the first township's in order up to
    about FULL_BUDGET members."""
    county = ctx.get("county", DemoCounty)
    kinds = relationship_kinds()
    branches = [b for b in county.branches if b.org.kind in kinds]
    if ctx.small:
        return [b.org for b in branches]
    wanted = {county.secretary_branch.pk, county.secretary2_branch.pk}
    wanted |= set(Member.objects.filter(pk__in=also).values_list("home_org_id", flat=True))
    chosen = [b for b in branches if b.org.pk in wanted]
    total = sum(b.size for b in chosen)
    first = county.townships[0].path
    for branch in branches:
        if total >= FULL_BUDGET:
            break
        if branch.org.path.startswith(first) and branch.org.pk not in wanted:
            chosen.append(branch)
            total += branch.size
    return [b.org for b in chosen]


def _votes(grade: str, voters: int) -> dict[str, int]:
    """The branch's vote for one member: most for the grade given, a few for the next."""
    names = {
        Grade.EXCELLENT: "votes_excellent",
        Grade.QUALIFIED: "votes_qualified",
        Grade.BASICALLY_QUALIFIED: "votes_basic",
        Grade.UNQUALIFIED: "votes_unqualified",
    }
    votes = dict.fromkeys(names.values(), 0)
    others = voters // 6
    votes[names[Grade(grade)]] = voters - others
    votes["votes_qualified" if grade != Grade.QUALIFIED else "votes_excellent"] += others
    return votes


def _opinions(ctx: DemoContext, branches: list[Organization], year: int) -> dict[int, str]:
    """Inflow opinions of some members checked in inside the system: member id → suggested
    grade."""
    episodes = (
        MobilityEpisode.objects.filter(
            status=EpisodeStatus.CHECKED_IN,
            home_org__in=branches,
            member__archived_at=None,
        )
        .select_related("member", "inflow_org")
        .order_by("id")[: 3 if ctx.small else 8]
    )
    suggested: dict[int, str] = {}
    for n, episode in enumerate(episodes):
        grade = Grade.EXCELLENT if n == 0 else Grade.QUALIFIED
        do_record_inflow_opinion(
            actor=ctx.admin,
            member=episode.member,
            year=year,
            opinion=OPINIONS[n % len(OPINIONS)],
            suggested_grade=grade,
        )
        suggested[episode.member_id] = grade
    return suggested


def create_evaluations(ctx: DemoContext) -> tuple[int, int]:
    """(evaluations, inflow opinions) made."""
    year = ctx.today.year - 1
    graded_on = dt.date(year, 12, 28)
    county = ctx.get("county", DemoCounty)
    # 不合格: whose certificate failed last year's check, and one of the secretary's branch.
    unqualified = set(
        CertificateCheck.objects.filter(year=year, result=CheckResult.FAILED).values_list(
            "certificate__member_id", flat=True
        )[:1]
    )
    branches = _evaluated_branches(ctx, unqualified)
    suggested = _opinions(ctx, branches, year)
    for branch in branches:
        members = list(evaluation_members(branch, year).order_by("id"))
        if branch.pk == county.secretary_branch.pk and members:
            unqualified.add(members[-1].pk)
        excellent = ctx.rnd.randint(excellent_cap(len(members)) // 2, excellent_cap(len(members)))
        for n, member in enumerate(members):
            grade = _grade_for(ctx, member, n, excellent, unqualified, suggested)
            _grade(ctx, member, year, grade, graded_on, voters=max(len(members) - 2, 1))
    return Evaluation.objects.count(), InflowOpinion.objects.count()


def _grade_for(
    ctx: DemoContext,
    member: Member,
    n: int,
    excellent: int,
    unqualified: set[int],
    suggested: dict[int, str],
) -> str:
    if member.pk in unqualified:
        return Grade.UNQUALIFIED
    if n < excellent:
        return Grade.EXCELLENT
    if member.pk in suggested:
        return Grade.QUALIFIED
    return Grade.BASICALLY_QUALIFIED if ctx.rnd.random() < 0.05 else Grade.QUALIFIED


def _grade(
    ctx: DemoContext, member: Member, year: int, grade: str, graded_on: dt.date, voters: int
) -> None:
    fields: dict[str, Any] = dict(_votes(grade, voters))
    if grade == Grade.UNQUALIFIED:
        correct = ctx.rnd.random() < 0.5
        fields |= {
            "handling_kind": HandlingKind.CORRECT if correct else HandlingKind.CRITICISM,
            "measures": "长期不参加组织生活，支部书记谈心谈话，提出批评，要求按时参加组织生活、"
            "定期汇报思想和工作情况",
            "correct_by": graded_on + dt.timedelta(days=90) if correct else None,
        }
    do_grade_member(
        actor=ctx.admin,
        member=member,
        year=year,
        grade=grade,
        graded_on=graded_on,
        self_assessment=ctx.rnd.choice(SELF),
        mutual_assessment=ctx.rnd.choice(MUTUAL),
        **fields,
    )
