"""What the democratic evaluation adds to members' pages (registered in `EducationConfig.ready`:
members does not import education): the member page's section with the latest years' grades
and the buttons to grade or give the inflow opinion, and the five cards' lines (the democratic
evaluation card's rows, the education and handling card's handling notes)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from core.panels import Panel, PanelContext
from education.evaluation.actions import default_year, inflow_org_for
from education.models import Evaluation, Grade, HandlingNote, InflowOpinion
from members.models import Member
from members.pages import MemberPage

#: The latest years the member's page shows.
PAGE_YEARS = 3

#: The latest years the democratic evaluation card shows (what fits its A4 sheet with every
#: text at its longest: tests/browser/test_print_five_cards.py).
CARD_YEARS = 4

#: Handling notes on the education and handling card, beside the standing decisions and the
#: failed yearly checks (a member has few): what fits the sheet with those at their longest
#: (tests/browser/test_print_evaluation_card.py).
CARD_HANDLING = 2


def _with_opinion(evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Each evaluation with the latest inflow opinion of its year, as subqueries of one query."""
    opinion = InflowOpinion.objects.filter(
        member=OuterRef("member_id"), year=OuterRef("year")
    ).order_by("-updated_at", "-id")
    return evaluations.annotate(
        opinion_org=Subquery(opinion.values("organization__name")[:1]),
        opinion_text=Subquery(opinion.values("opinion")[:1]),
        opinion_grade=Subquery(opinion.values("suggested_grade")[:1]),
    )


def member_section(page: MemberPage) -> PanelContext:
    """The latest years' grades (one query), and for an inflow organization's changer the
    opinion button (one more query, for them only)."""
    member = page.member
    rows = list(
        Evaluation.objects.filter(member=member)
        .select_related("handling")
        .order_by("-year")[:PAGE_YEARS]
    )
    year = default_year()
    inflow_org = None
    if page.can_record and not page.can_change and not member.is_archived:
        inflow_org = inflow_org_for(page.user, member)
    return {
        "evaluations": rows,
        "year": year,
        "can_grade": page.can_change
        and not member.is_archived
        and all(row.year != year for row in rows),
        "inflow_org": inflow_org,
    }


def evaluation_card(member: Member) -> PanelContext:
    """The democratic evaluation card's rows: the latest years, newest first."""
    rows = list(
        _with_opinion(Evaluation.objects.filter(member=member))
        .select_related("meeting")
        .order_by("-year")[: CARD_YEARS + 1]
    )
    if not rows:
        return None
    for row in rows:
        grade = getattr(row, "opinion_grade", None)
        row.opinion_grade_label = Grade(grade).label if grade else ""  # type: ignore[attr-defined]
    return {"evaluations": rows[:CARD_YEARS], "more": len(rows) > CARD_YEARS}


def handling_card(member: Member) -> PanelContext:
    """The handling of 不合格 grades on the education and handling card."""
    notes = list(
        HandlingNote.objects.filter(member=member)
        .select_related("evaluation", "decision")
        .order_by("-handled_on", "-id")[:CARD_HANDLING]
    )
    return {"notes": notes} if notes else None


MEMBER_PANEL: Panel[MemberPage] = Panel(
    "evaluation", member_section, {"sections": "education/evaluation/_member_section.html"}, 70
)
CARD_PANELS: tuple[Panel[Member], ...] = (
    Panel("evaluation", evaluation_card, {"evaluation": "education/evaluation/_card.html"}),
    Panel("handling", handling_card, {"handling": "education/evaluation/_card_handling.html"}),
)
