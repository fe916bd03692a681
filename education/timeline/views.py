"""A member's whole organizational life, newest first, keyset-paged (issue 10, item 3):
visible to whoever sees the member (the home side and the committees above it, the inflow
organization the member is shared with and the committees above that one), with every row
wherever it was held: attendance at the inflow organization shows at home."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.pagination import keyset_context
from core.types import AuthedRequest
from education.life import TIMELINE_KEYS, LifeCounts, life_counts, timeline
from education.timeline.rows import summary, timeline_rows
from members.models import Member


@login_required
def member_life(request: AuthedRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        Member.objects.visible_to(request.user).select_related("home_org"), pk=pk
    )
    context = keyset_context(
        request, timeline(member), keys=TIMELINE_KEYS, size=settings.MEMBERS_PAGE_SIZE
    )
    counts = life_counts([member.pk]).get(member.pk, LifeCounts())
    context.update(
        member=member,
        rows=timeline_rows(context["page"].object_list, member),
        **summary(member, counts, timezone.localdate(), sorted(counts.by_year, reverse=True)),
    )
    return render(request, "education/timeline/member_life.html", context)
