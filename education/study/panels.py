"""The study panel on the member's page (registered in `EducationConfig.ready`: members does not
import education): this year's study hours against the requirement with the member's current
branch post (one query), and the latest study records (one query)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.panels import Panel, PanelContext
from education.models import BranchPost, BranchPostKind, StudyRecord
from education.study.queries import with_study_hours
from members.models import Member
from members.pages import MemberPage

#: Study records the panel lists (the newest).
LATEST_RECORDS = 5


def study(page: MemberPage) -> PanelContext:
    member = page.member
    year = timezone.localdate().year
    post = BranchPost.objects.current().filter(member_id=OuterRef("pk")).order_by("-started_on")
    hours = (
        with_study_hours(Member.objects.filter(pk=member.pk), year)
        .annotate(
            post_id=Subquery(post.values("pk")[:1]),
            post_kind=Subquery(post.values("post")[:1]),
            post_since=Subquery(post.values("started_on")[:1]),
        )
        .values(
            "record_hours",
            "meeting_hours",
            "study_hours",
            "required_hours",
            "is_cadre",
            "is_short",
            "post_id",
            "post_kind",
            "post_since",
        )
        .get()
    )
    records = list(
        StudyRecord.objects.filter(member=member)
        .select_related("column_item")
        .order_by("-studied_on", "-id")[:LATEST_RECORDS]
    )
    active = not member.is_archived
    return {
        "year": year,
        "hours": hours,
        "records": records,
        "post": BranchPostKind(hours["post_kind"]).label if hours["post_kind"] else "",
        "can_record": page.can_record and active,
        "can_set_post": page.can_change and active,
    }


MEMBER_PANEL: Panel[MemberPage] = Panel(
    "study", study, {"sections": "education/study/_member_section.html"}, order=80
)
