"""Pages of attendance: the sheet of a meeting (everyone present by default, the exceptions
marked, one POST for all), the sign-in code and the public page members sign in on, and the
members of party groups and temporary branches."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.actions import run_action
from core.forms import parse_id, query_text
from core.scoping import Action
from core.types import AuthedRequest
from core.validators import ascii_digits
from education.attendance import actions as acts
from education.attendance.forms import (
    AddGroupMemberForm,
    EndMembershipForm,
    OpenSignInForm,
    SignInForm,
)
from education.attendance.queries import (
    Sheet,
    attendance_sheet,
    group_candidates,
    life_group_list,
    life_groups,
    memberships_visible_to,
    parent_path,
)
from education.models import AttendanceStatus, GroupMembership, Meeting, MeetingKind
from organizations.models import LIFE_GROUP_KINDS, Organization, OrgKind
from organizations.scope import user_scope

#: A sheet this long offers a search by name (a township's lecture, a large branch).
SEARCH_FROM_ROWS = 100


def _meeting(request: AuthedRequest, pk: int) -> Meeting:
    """A meeting the user sees (404 otherwise) and records (403 otherwise)."""
    meeting: Meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("organization"), pk=pk
    )
    if not user_scope(request.user).covers(meeting.organization.path, Action.CHANGE):
        raise PermissionDenied
    return meeting


def _status_options() -> dict[str, SafeString]:
    """Each status's <option>s with that status selected, written once per page: a select per
    row, 200 rows, without a template or a form field per member."""
    choices = [(value, escape(str(label))) for value, label in AttendanceStatus.choices]
    return {
        status: mark_safe(  # noqa: S308  # labels escaped above, values are our own
            "".join(
                f'<option value="{value}"{" selected" if value == status else ""}>{label}</option>'
                for value, label in choices
            )
        )
        for status in AttendanceStatus.values
    }


def _posted_entries(data: QueryDict) -> dict[int, tuple[str, str]]:
    """(status, note) per member id as posted: a status field "s<id>" and its note "n<id>".
    A key that is not one (forged, or another field) is ignored."""
    entries: dict[int, tuple[str, str]] = {}
    for key in data:
        pk = parse_id(key[1:]) if key.startswith("s") else None
        if pk is not None:
            entries[pk] = (data.get(key, ""), data.get(f"n{pk}", ""))
    return entries


def _apply(sheet: Sheet, entries: dict[int, tuple[str, str]], *, check: bool) -> int:
    """Show `entries` on the sheet's rows (what was typed is kept); with `check`, each row's
    refusal beside it. Answers how many rows are refused."""
    refused = 0
    for row in sheet.rows:
        if row["pk"] not in entries:
            continue
        row["status"], row["note"] = entries[row["pk"]]
        if check and (error := acts.entry_refusal(row["status"], row["note"])):
            row["error"] = error
            refused += 1
    return refused


@never_cache
@login_required
def attendance(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The attendance of a meeting, for the whole meeting on one page: every member who may be
    recorded there, present unless marked otherwise; one POST saves all or nothing."""
    meeting = _meeting(request, pk)
    refusal = acts.attendance_refusal(meeting)
    q = query_text(request, "q")
    sheet = attendance_sheet(meeting, q)
    errors: list[str] = []
    if request.method == "POST" and not refusal:
        entries = _posted_entries(request.POST)
        refused = _apply(sheet, entries, check=True)
        if refused:
            errors.append(
                ngettext(
                    "%(count)d row needs correcting: nothing was saved.",
                    "%(count)d rows need correcting: nothing was saved.",
                    refused,
                )
                % {"count": refused}
            )
        elif not entries:
            errors.append(_("Nothing was posted: nothing was saved."))
        else:
            try:
                changed = acts.do_record_attendance(
                    actor=request.user, meeting=meeting, entries=entries
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Attendance saved: %(count)d row changed.",
                        "Attendance saved: %(count)d rows changed.",
                        changed,
                    )
                    % {"count": changed},
                )
                return redirect(request.get_full_path())
    elif request.GET.get("reset") == "present":
        present = str(AttendanceStatus.PRESENT)
        everyone = {int(row["pk"]): (present, "") for row in sheet.rows}
        _apply(sheet, everyone, check=False)
    options = _status_options()
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for row in sheet.rows:
        row["options"] = options.get(row["status"], options[AttendanceStatus.PRESENT])
        row["exception"] = row["status"] != AttendanceStatus.PRESENT
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    labels = dict(AttendanceStatus.choices)
    group = meeting.organization.kind in LIFE_GROUP_KINDS
    for row in sheet.former:
        row["label"] = labels.get(row["status"], row["status"])
    now = timezone.now()
    sign_in_open = bool(
        meeting.sign_in_code and meeting.sign_in_until and meeting.sign_in_until > now
    )
    return render(
        request,
        "education/attendance/attendance.html",
        {
            "meeting": meeting,
            "organization": meeting.organization,
            "refusal": refusal,
            "sheet": sheet,
            "sections": [
                (_("Members") if group else _("Members of this organization"), sheet.own),
                (_("Members") if group else _("Inflow members"), sheet.inflow),
            ],
            "errors": errors,
            "counts": [(labels[status], counts[status]) for status in AttendanceStatus.values],
            "total": len(sheet.rows),
            "is_group": group,
            "sign_in_open": sign_in_open,
            "sign_in_refusal": acts.sign_in_refusal(meeting, timezone.localdate(now)),
            "sign_in_url": request.build_absolute_uri(reverse("education:sign_in")),
            "q": q,
            "searchable": bool(q) or sheet.truncated or len(sheet.rows) > SEARCH_FROM_ROWS,
            "open_form": OpenSignInForm(),
            "show_kind": meeting.kind != MeetingKind.OTHER,
        },
    )


@login_required
@require_POST
def sign_in_open(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """Open (or renew) the meeting's sign-in code; back to the attendance page."""
    meeting = _meeting(request, pk)
    form = OpenSignInForm(request.POST)
    opened = run_action(
        form,
        lambda: acts.do_open_sign_in(
            actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"]
        ),
    )
    if opened is None:
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    else:
        messages.success(request, _("Sign-in is open: show the code to the members present."))
    return redirect("education:attendance", pk=meeting.pk)


@login_required
@require_POST
def sign_in_close(request: AuthedRequest, pk: int) -> HttpResponseBase:
    meeting = _meeting(request, pk)
    acts.do_close_sign_in(actor=request.user, meeting=meeting)
    messages.success(request, _("Sign-in is closed."))
    return redirect("education:attendance", pk=meeting.pk)


# --- Signing in: a public page, no login -----------------------------------------------------

#: Failed sign-ins allowed per address and per code in a window, then the page refuses.
SIGN_IN_TRIES = 10
SIGN_IN_WINDOW_SECONDS = 10 * 60


def _throttle_keys(request: HttpRequest, code: str) -> list[str]:
    address = get_client_ip_address(request) or "unknown"
    return [f"education:sign-in:ip:{address}", f"education:sign-in:code:{code}"]


def _throttled(keys: list[str]) -> bool:
    return any((cache.get(key) or 0) >= SIGN_IN_TRIES for key in keys)


def _count_failure(keys: list[str]) -> None:
    for key in keys:
        cache.add(key, 0, timeout=SIGN_IN_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: the window starts again
            cache.set(key, 1, timeout=SIGN_IN_WINDOW_SECONDS)


@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """A member signs in at the meeting with the code shown there, their name and the last six
    characters of their ID-card number. A wrong code, a closed sign-in and a person who is not
    on the meeting's list get the same answer, so the page tells no one whether a person
    exists; failures are limited per address and per code."""
    initial = {"code": query_text(request, "code")[:20]}
    form = SignInForm(request.POST or None, initial=initial)
    done = ""
    if request.method == "POST":
        # The code's key holds digits only, whatever was typed (a cache key is no place for
        # a visitor's text).
        typed = ascii_digits(request.POST.get("code", ""))
        keys = _throttle_keys(request, "".join(ch for ch in typed if ch in "0123456789")[:6])
        if _throttled(keys):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many failed attempts: wait %(minutes)d minutes and try again, or ask "
                    "the meeting's organizer to record your attendance."
                )
                % {"minutes": SIGN_IN_WINDOW_SECONDS // 60},
            )
        elif form.is_valid():
            row = acts.do_sign_in(actor=None, **form.cleaned_data)
            if row is None:
                _count_failure(keys)
                form.add_error(
                    None,
                    _(
                        "Not signed in: check the code, your name and the last six characters "
                        "of your ID-card number. The code works only while sign-in is open."
                    ),
                )
            else:
                done = _("Signed in: %(name)s, %(meeting)s on %(date)s.") % {
                    "name": row.member.name,
                    "meeting": row.meeting.topic,
                    "date": row.meeting.held_on.isoformat(),
                }
                form = SignInForm(initial={"code": form.cleaned_data["code"]})
        else:
            _count_failure(keys)
    return render(request, "education/attendance/sign_in.html", {"form": form, "done": done})


# --- Party groups and temporary branches -----------------------------------------------------

#: How many groups the list shows (a county holds some dozens to hundreds).
GROUPS_SHOWN = 500
#: How many candidates the "add a member" picker lists (narrowed by a search beyond that).
CANDIDATES_SHOWN = 300


@login_required
def groups(request: AuthedRequest) -> HttpResponse:
    """The party groups and temporary branches in the user's scope, with their current member
    counts; a temporary branch with fewer than three is flagged."""
    rows = life_group_list(request.user, GROUPS_SHOWN)
    for group in rows:
        group.too_few = _too_few(group, group.current)
    return render(
        request,
        "education/attendance/groups.html",
        {"groups": rows, "more": len(rows) == GROUPS_SHOWN},
    )


def _group(request: AuthedRequest, pk: int, *, change: bool = False) -> Organization:
    group: Organization = get_object_or_404(life_groups(request.user), pk=pk)
    if change and not user_scope(request.user).covers(group.path, Action.CHANGE):
        raise PermissionDenied
    return group


def _too_few(group: Organization, current: int) -> bool:
    return group.kind == OrgKind.TEMPORARY_BRANCH and current < acts.TEMPORARY_BRANCH_MIN_MEMBERS


@login_required
def group(request: AuthedRequest, pk: int) -> HttpResponse:
    """A party group's or temporary branch's members, current and past."""
    org = _group(request, pk)
    memberships = list(
        GroupMembership.objects.filter(organization=org)
        .select_related("member__home_org")
        .order_by("-left_on", "member__name_pinyin", "pk")
    )
    current = [m for m in memberships if m.left_on is None]
    parent = Organization.objects.filter(path=parent_path(org)).first()
    return render(
        request,
        "education/attendance/group.html",
        {
            "group": org,
            "parent": parent,
            "current": current,
            "past": [m for m in memberships if m.left_on is not None],
            "too_few": _too_few(org, len(current)),
            "min_members": acts.TEMPORARY_BRANCH_MIN_MEMBERS,
            "can_change": user_scope(request.user).covers(org.path, Action.CHANGE),
        },
    )


@login_required
def group_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a member to the group: its branch's members (a party group) or mobile members the
    user records for (a temporary branch), narrowed by a search."""
    org = _group(request, pk, change=True)
    q = query_text(request, "q")
    candidates = group_candidates(request.user, org)
    listed = candidates.search(q) if q else candidates
    shown = [
        (member.pk, f"{member.name} · {member.home_org.name}")
        for member in listed.select_related("home_org")[: CANDIDATES_SHOWN + 1]
    ]
    form = AddGroupMemberForm(
        request.POST or None, candidates=candidates, shown=shown[:CANDIDATES_SHOWN]
    )
    added = run_action(
        form,
        lambda: acts.do_add_group_member(
            actor=request.user,
            group=org,
            member=form.cleaned_data["member"],
            joined_on=form.cleaned_data["joined_on"],
        ),
    )
    if added is not None:
        messages.success(
            request,
            _("%(name)s joined %(org)s.") % {"name": added.member.name, "org": org.name},
        )
        return redirect("education:group", pk=org.pk)
    return render(
        request,
        "education/attendance/group_add.html",
        {
            "group": org,
            "form": form,
            "q": q,
            "more": len(shown) > CANDIDATES_SHOWN,
            "none": not shown,
        },
    )


@login_required
def group_end(request: AuthedRequest, pk: int) -> HttpResponse:
    """End a membership (the member left the group): the record stays."""
    membership: GroupMembership = get_object_or_404(
        memberships_visible_to(request.user).select_related("organization", "member"), pk=pk
    )
    if not user_scope(request.user).covers(membership.organization.path, Action.CHANGE):
        raise PermissionDenied
    form = EndMembershipForm(request.POST or None)
    ended = run_action(
        form,
        lambda: acts.do_end_group_membership(
            actor=request.user, membership=membership, left_on=form.cleaned_data["left_on"]
        ),
    )
    if ended is not None:
        messages.success(
            request,
            _("%(name)s left %(org)s.")
            % {"name": membership.member.name, "org": membership.organization.name},
        )
        return redirect("education:group", pk=membership.organization_id)
    context: dict[str, Any] = {"membership": membership, "form": form}
    return render(request, "education/attendance/group_end.html", context)
