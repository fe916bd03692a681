"""The yearly standard review (年度核定): a branch lists every member in good standing with their
current standard and confirms the new year's in one go (the 2008 rules, 《关于中国共产党党费收缴、
使用和管理的规定》: the monthly amount is fixed at the start of the year from the previous
year's income).

GET for whoever sees the branch (read-only without change scope); POST for the home side only,
through `do_confirm_review`, all or nothing, each refusal on its member's row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from core.forms import parse_id, query_id
from core.scoping import Action
from core.types import AuthedRequest
from members.dues.actions import StandardInput, do_confirm_review, due_from
from members.dues.review.forms import ReviewEntryForm
from members.models import DuesCategory, DuesRelief, DuesStandard, Member
from members.models.choices import DUES_CATEGORY_OF, GOOD_STANDINGS, INCOME_CATEGORIES
from organizations.models import Organization, relationship_kinds
from organizations.scope import user_scope


def default_year(today: dt.date | None = None) -> int:
    """The year reviewed by default: next year in December (the review is held before the year
    starts), otherwise this year."""
    today = today or timezone.localdate()
    return today.year + 1 if today.month == 12 else today.year


def review_years(today: dt.date | None = None) -> list[int]:
    """The years a review may be for: last year, this year and next year (the action's rule)."""
    year = (today or timezone.localdate()).year
    return [year - 1, year, year + 1]


def year_of(text: str | None) -> int:
    """The year asked for in the query string; anything else (not a number, out of range) is
    the default year."""
    year = parse_id(text)
    return year if year in review_years() else default_year()


def branch_for(request: AuthedRequest) -> Organization | None:
    """The branch asked for (?org=), seen by the user (404 otherwise); or, by default, the
    user's first branch they may change, else the first they see; None if they see none."""
    kinds = relationship_kinds()
    visible = Organization.objects.visible_to(request.user).filter(kind__in=kinds)
    if "org" in request.GET:
        org_id = query_id(request, "org")
        org: Organization | None = visible.filter(pk=org_id).first() if org_id is not None else None
        if org is None:
            raise Http404("No such branch")
        return org
    changeable = Organization.objects.visible_to(request.user, Action.CHANGE)
    first: Organization | None = changeable.filter(kind__in=kinds).order_by("path").first()
    if first is None:
        first = visible.order_by("path").first()
    return first


def review_month(member: Member, year: int) -> dt.date:
    """The month the review sets `member`'s standard from: January, or the month they became
    due if later (do_confirm_review's rule)."""
    return max(dt.date(year, 1, 1), due_from(member))


def _carried_relief(latest: DuesStandard | None, month: dt.date) -> dict[str, Any]:
    """A reduction or exemption of the latest standard still running in `month`: the review
    keeps it (it was approved for a period, not for a year)."""
    if latest is None or latest.relief == DuesRelief.NONE:
        return {}
    if latest.relief_until is not None and latest.relief_until < month:
        return {}
    return {
        "relief": latest.relief,
        "relief_amount": latest.relief_amount,
        "relief_until": latest.relief_until,
        "relief_reason": latest.relief_reason,
        "relief_approved_by": latest.relief_approved_by,
        "relief_approved_on": latest.relief_approved_on,
    }


def review_rows(org: Organization, year: int, data: Any = None) -> list[dict[str, Any]]:
    """One row per member in good standing of `org`: the latest standard, whether the year is
    reviewed already, and the form prefilled from the latest standard (or the category the
    member's personnel category suggests). Two queries, however many members."""
    members = list(
        Member.objects.active()
        .filter(home_org=org, standing__in=GOOD_STANDINGS)
        .order_by("name_pinyin", "id")
    )
    latest_of = DuesStandard.objects.current_for([m.pk for m in members], dt.date.max)
    rows: list[dict[str, Any]] = []
    for member in members:
        latest = latest_of.get(member.pk)
        month = review_month(member, year)
        if latest is not None:
            initial = {
                "category": latest.category,
                "base_income": latest.base_income,
                "amount": None if latest.category in INCOME_CATEGORIES else latest.amount,
            }
        else:
            initial = {
                "category": DUES_CATEGORY_OF.get(member.personnel_category, DuesCategory.SALARIED)
            }
        locked = latest is not None and latest.effective_from > month
        rows.append(
            {
                "member": member,
                "latest": latest,
                "month": month,
                "reviewed": latest is not None and latest.effective_from == month,
                "locked": locked,
                "relief": _carried_relief(latest, month),
                "form": ReviewEntryForm(
                    None if locked else data, prefix=str(member.pk), initial=initial
                ),
                "errors": [],
            }
        )
    return rows


def _review_url(org: Organization, year: int) -> str:
    return f"{reverse('members:dues_review')}?org={org.pk}&year={year}"


def _confirm(
    request: AuthedRequest, org: Organization, year: int, rows: list[dict[str, Any]]
) -> list[str]:
    """Confirm the posted rows; the errors that are not a row's (nothing saved if any)."""
    open_rows = [row for row in rows if not row["locked"]]
    if not open_rows:
        return [_("No member's standard can be set for this year here.")]
    if not all(row["form"].is_valid() for row in open_rows):
        return [_("Correct the rows marked below: nothing was saved.")]
    entries = [
        (
            row["member"],
            StandardInput(
                category=row["form"].cleaned_data["category"],
                base_income=row["form"].cleaned_data["base_income"],
                amount=row["form"].cleaned_data["amount"],
                **row["relief"],
            ),
        )
        for row in open_rows
    ]
    try:
        saved = do_confirm_review(org=org, year=year, entries=entries, actor=request.user)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            return list(exc.messages)
        by_id = {str(row["member"].pk): row for row in open_rows}
        others = []
        for key, errors in exc.error_dict.items():
            messages_ = [m for error in errors for m in error.messages]
            if key in by_id:
                by_id[key]["errors"] = messages_
            else:
                others.extend(messages_)
        return [_("Correct the rows marked below: nothing was saved."), *others]
    messages.success(
        request,
        ngettext(
            "The %(year)d standard of %(count)d member is confirmed.",
            "The %(year)d standards of %(count)d members are confirmed.",
            len(saved),
        )
        % {"year": year, "count": len(saved)},
    )
    return []


@never_cache
@login_required
def review(request: AuthedRequest) -> HttpResponseBase:
    """The review of one branch for one year (?org=&year=)."""
    org = branch_for(request)
    year = year_of(request.GET.get("year"))
    if org is None:
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "members/dues/review/review.html", {"org": None, "year": year})
    can_change = user_scope(request.user).covers(org.path, Action.CHANGE)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    posting = request.method == "POST"
    rows = review_rows(org, year, request.POST if posting else None)
    errors: list[str] = []
    if posting:
        errors = _confirm(request, org, year, rows)
        if not errors:
            return redirect(_review_url(org, year))
    for row in rows:
        if not row["errors"] and row["form"].is_bound:
            row["errors"] = [
                e for field_errors in row["form"].errors.values() for e in field_errors
            ]
    reviewed = sum(1 for row in rows if row["reviewed"])
    return render(
        request,
        "members/dues/review/review.html",
        {
            "org": org,
            "year": year,
            "years": review_years(),
            "rows": rows,
            "errors": errors,
            "can_change": can_change,
            "reviewed": reviewed,
            "total": len(rows),
        },
    )
