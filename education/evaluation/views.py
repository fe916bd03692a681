"""Pages of the democratic evaluation: a branch's sheet for a year, the home branch's grading
form, and the inflow organization's opinion."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.scoping import Action
from core.types import AuthedRequest
from education.evaluation import actions as acts
from education.evaluation.forms import GradeForm, InflowOpinionForm
from education.models import Evaluation, Grade, InflowOpinion
from members.models import Member
from members.pages import MemberActionView
from organizations.models import BRANCH_KINDS, Organization
from organizations.scope import user_scope


def year_of(text: str) -> int | None:
    """A year from a query string: ASCII digits within the years evaluated, else None (a
    hostile or mistyped value is ignored)."""
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return None
    year = int(text)
    return None if acts.year_refusal(year) else year


def _year_or_404(year: int) -> int:
    if acts.year_refusal(year):
        raise Http404("No such year")
    return year


def sheet_rows(branch: Organization, year: int) -> list[Member]:
    """Every member in `branch`'s evaluation for `year` (`evaluation_members`) with the year's
    grade (wherever given) and the latest inflow opinion: one query."""
    opinion = InflowOpinion.objects.filter(member=OuterRef("pk"), year=year).order_by(
        "-updated_at", "-id"
    )
    return list(
        acts.evaluation_members(branch, year)
        .annotate(
            year_evaluation=FilteredRelation("evaluations", condition=Q(evaluations__year=year)),
            grade=F("year_evaluation__grade"),
            graded_on=F("year_evaluation__graded_on"),
            graded_branch_id=F("year_evaluation__branch_id"),
            opinion_grade=Subquery(opinion.values("suggested_grade")[:1]),
            opinion_org=Subquery(opinion.values("organization__name")[:1]),
        )
        .only("id", "name", "name_pinyin", "home_org_id", "archived_at", "standing")
        .order_by("name_pinyin", "id")
    )


@login_required
def evaluations(request: AuthedRequest, pk: int) -> HttpResponse:
    """The branch's evaluation sheet for a year (?year=, the last one by default): every member
    in the evaluation, graded or not yet, the 优秀 count against the cap, the inflow opinions."""
    branch = get_object_or_404(
        Organization.objects.visible_to(request.user).filter(kind__in=BRANCH_KINDS), pk=pk
    )
    year = year_of(request.GET.get("year", "")) or acts.default_year()
    rows = sheet_rows(branch, year)
    labels = dict(Grade.choices)
    counts = dict.fromkeys(Grade.values, 0)
    for row in rows:
        grade: Any = getattr(row, "grade", None)
        if grade and getattr(row, "graded_branch_id", None) == branch.pk:
            counts[grade] += 1
        row.grade_label = labels.get(grade, "") if grade else ""  # type: ignore[attr-defined]
        row.opinion_label = labels.get(getattr(row, "opinion_grade", ""), "")  # type: ignore[attr-defined]
    cap = acts.excellent_cap(len(rows))
    return render(
        request,
        "education/evaluation/sheet.html",
        {
            "branch": branch,
            "year": year,
            "years": list(range(acts.default_year() + 1, acts.default_year() - 5, -1)),
            "rows": rows,
            "counts": [(labels[value], counts[value]) for value in Grade.values],
            "graded": sum(counts.values()),
            "excellent": counts[Grade.EXCELLENT],
            "cap": cap,
            "fraction": acts.cap_words(),
            "can_grade": user_scope(request.user).covers(branch.path, Action.CHANGE),
        },
    )


class EvaluateView(MemberActionView):
    """The home branch grades the member for the year in the URL (its changers only), seeing
    the inflow organization's opinion first."""

    scope_action = Action.CHANGE
    template_name = "education/evaluation/evaluate.html"
    success_message = gettext_lazy("%(name)s graded.")

    def check_object_action(self, obj: Any) -> None:
        super().check_object_action(obj)
        _year_or_404(self.kwargs["year"])

    def get_form(self, data: Any = None) -> GradeForm:
        return GradeForm(data, branch=self.object.home_org, year=self.kwargs["year"])

    def perform(self, form: GradeForm) -> None:
        acts.do_grade_member(
            actor=self.actor, member=self.object, year=self.kwargs["year"], **form.cleaned_data
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        member: Member = self.object
        year: int = self.kwargs["year"]
        branch = member.home_org
        base = acts.evaluation_members(branch, year).count()
        certificate = acts.certificate_for(member, year, timezone.localdate())
        return super().get_context_data(
            year=year,
            done=Evaluation.objects.filter(member=member, year=year)
            .select_related("branch", "graded_by", "handling")
            .first(),
            opinions=list(
                InflowOpinion.objects.filter(member=member, year=year)
                .select_related("organization", "recorded_by")
                .order_by("-updated_at")
            ),
            base=base,
            cap=acts.excellent_cap(base),
            fraction=acts.cap_words(),
            excellent=Evaluation.objects.filter(
                branch=branch, year=year, grade=Grade.EXCELLENT
            ).count(),
            certificate=certificate,
            **kwargs,
        )


class InflowOpinionView(MemberActionView):
    """The inflow organization the member is checked in with gives its opinion for the year
    (its changers only; whoever else sees the member gets 403)."""

    scope_action = Action.VIEW
    template_name = "education/evaluation/inflow_opinion.html"
    success_message = gettext_lazy("Opinion of %(name)s recorded: the home branch sees it.")

    def check_object_action(self, obj: Any) -> None:
        super().check_object_action(obj)
        _year_or_404(self.kwargs["year"])
        self.inflow_org = acts.inflow_org_for(self.actor, obj)
        if self.inflow_org is None:
            raise PermissionDenied

    def get_form(self, data: Any = None) -> InflowOpinionForm:
        current = InflowOpinion.objects.filter(
            member=self.object, year=self.kwargs["year"], organization=self.inflow_org
        ).first()
        initial = (
            {"opinion": current.opinion, "suggested_grade": current.suggested_grade}
            if current
            else {"suggested_grade": Grade.QUALIFIED}
        )
        return InflowOpinionForm(data, initial=initial)

    def perform(self, form: InflowOpinionForm) -> None:
        acts.do_record_inflow_opinion(
            actor=self.actor, member=self.object, year=self.kwargs["year"], **form.cleaned_data
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            year=self.kwargs["year"], inflow_org=self.inflow_org, **kwargs
        )
