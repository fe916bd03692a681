"""Pages of meetings (issue 10, item 1): the list, recording a meeting, the meeting's page,
correcting and voiding it, and its files (stored privately, served only here, through the
meeting's scope)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.actions import do_record_printout, run_action
from core.forms import form_for
from core.pagination import keyset_context
from core.scoping import Action
from core.types import AuthedRequest
from core.views import ScopedActionFormView
from education.meetings import actions as acts
from education.meetings.forms import (
    AttachFileForm,
    EditMeetingForm,
    MeetingFilterForm,
    RecordMeetingForm,
    VoidMeetingForm,
    recording_organizations,
)
from education.meetings.queries import (
    annotated_summary,
    attendees,
    meeting_rows,
    summary,
)
from education.models import AttendanceStatus, Meeting, MeetingAttachment
from organizations.scope import require_any, user_scope

#: Newest first; the id breaks ties between meetings of one day.
LIST_KEYS = ("-held_on", "-id")


def _meeting_url(meeting: Meeting) -> str:
    return reverse("education:meeting", args=[meeting.pk])


@login_required
def meeting_list(request: AuthedRequest) -> HttpResponse:
    """Meetings of the organizations in the user's scope, newest first, filtered by
    organization (its subtree), kind, year and month; each line with its attendance summary,
    counted in the list's one query."""
    form = MeetingFilterForm(request.GET or None, user=request.user)
    meetings = Meeting.objects.visible_to(request.user)
    if org := form.value("org"):
        form.offer(org)
        meetings = meetings.filter(organization__path__startswith=org.path)
    if kind := form.value("kind"):
        meetings = meetings.filter(kind=kind)
    if year := form.value("year"):
        meetings = meetings.filter(held_on__year=year)
    if month := form.value("month"):
        meetings = meetings.filter(held_on__month=month)
    # The page's meetings are chosen first (scope, filters, order, limit), then read with
    # their attendance counts in the same query: counting a county's whole list before the
    # limit took 470 ms for 27,000 meetings of 30 attendees, the page's 51 alone 16 ms.
    context = keyset_context(
        request, meetings, keys=LIST_KEYS, size=settings.MEMBERS_PAGE_SIZE, finish=meeting_rows
    )
    for meeting in context["page"].object_list:
        meeting.summary = annotated_summary(meeting)
    scope = user_scope(request.user)
    context["form"] = form
    context["can_record"] = (
        scope.can(Action.CHANGE) and recording_organizations(request.user).exists()
    )
    return render(request, "education/meetings/list.html", context)


@login_required
def meeting_create(request: AuthedRequest) -> HttpResponse:
    """Record a meeting of an organization the user changes (a forged organization: 404)."""
    require_any(request.user, Action.CHANGE)
    form = form_for(RecordMeetingForm, request, user=request.user)
    if not form.organizations:
        raise PermissionDenied
    meeting = run_action(
        form,
        lambda: acts.do_record_meeting(
            actor=request.user,
            organization=form.cleaned_data["organization"],
            **form.action_fields(),
        ),
    )
    if meeting is not None:
        messages.success(request, _("Meeting recorded."))
        return redirect(_meeting_url(meeting))
    return render(request, "education/meetings/record.html", {"form": form})


def _scoped_meetings(request: AuthedRequest) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(request.user).select_related("organization", "created_by")


@login_required
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Everything recorded of one meeting: its fields, minutes and decisions, files, the
    attendance summary and the attendees by status. A fixed number of queries, whatever the
    number of attendees or files."""
    meeting = get_object_or_404(_scoped_meetings(request), pk=pk)
    grouped = attendees(meeting)
    files = list(
        meeting.attachments.filter(removed_at__isnull=True)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )
    can_change = acts.may_change(request.user, meeting)
    context = {
        "meeting": meeting,
        "summary": summary({status: len(rows) for status, rows in grouped.items()}),
        "groups": [
            (status, label, grouped[status])
            for status, label in AttendanceStatus.choices
            if grouped[status]
        ],
        "attendee_count": sum(len(rows) for rows in grouped.values()),
        "files": files,
        "can_change": can_change,
        "can_edit": can_change and acts.change_refusal(meeting) is None,
    }
    return render(request, "education/meetings/detail.html", context)


class MeetingFormView(ScopedActionFormView):
    """A form about one meeting by someone who may change its organization; a voided meeting
    takes no more changes (visible, not allowed: 403)."""

    model = Meeting
    scope_action = Action.CHANGE
    context_object_name = "meeting"

    def get_queryset(self) -> QuerySet[Meeting]:
        return super().get_queryset().select_related("organization", "created_by")

    def check_object_action(self, obj: Model) -> None:
        super().check_object_action(obj)
        assert isinstance(obj, Meeting)
        if acts.change_refusal(obj):
            raise PermissionDenied

    def get_success_url(self) -> str:
        return _meeting_url(self.object)


class EditMeetingView(MeetingFormView):
    template_name = "education/meetings/edit.html"
    success_message = gettext_lazy("Meeting updated.")

    def get_form(self, data: Any = None) -> EditMeetingForm:
        return EditMeetingForm(data, meeting=self.object)

    def perform(self, form: EditMeetingForm) -> None:
        acts.do_update_meeting(actor=self.actor, meeting=self.object, **form.action_fields())


class VoidMeetingView(MeetingFormView):
    template_name = "education/meetings/void.html"
    success_message = gettext_lazy("Meeting voided: it stays on record and counts for nothing.")

    def get_form(self, data: Any = None) -> VoidMeetingForm:
        return VoidMeetingForm(data)

    def perform(self, form: VoidMeetingForm) -> None:
        acts.do_void_meeting(
            actor=self.actor, meeting=self.object, reason=form.cleaned_data["reason"]
        )


class AttachFileView(MeetingFormView):
    template_name = "education/meetings/attach.html"
    success_message = gettext_lazy("File attached.")

    def get_form(self, data: Any = None) -> AttachFileForm:
        return AttachFileForm(data, self.request.FILES if data is not None else None)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(max_bytes=settings.ATTACHMENT_MAX_BYTES, **kwargs)

    def perform(self, form: AttachFileForm) -> None:
        acts.do_attach_meeting_file(
            actor=self.actor, meeting=self.object, upload=form.cleaned_data["file"]
        )


def _attachment(request: AuthedRequest, pk: int, file_pk: int) -> MeetingAttachment:
    """A file shown on a meeting in the user's scope (out of scope, removed: 404)."""
    meeting = get_object_or_404(_scoped_meetings(request), pk=pk)
    attachment = get_object_or_404(
        MeetingAttachment.objects.filter(removed_at__isnull=True), meeting=meeting, pk=file_pk
    )
    attachment.meeting = meeting
    return attachment


@never_cache
@require_GET
@login_required
def meeting_attachment(request: AuthedRequest, pk: int, file_pk: int) -> FileResponse:
    """Download a meeting's file: only through the meeting's scope, always as a download (never
    shown inline, never sniffed as another type), and recorded in the audit trail."""
    attachment = _attachment(request, pk, file_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage") from exc
    try:
        do_record_printout(
            actor=request.user,
            instance=attachment,
            event="meeting.attachment_downloaded",
            details={"meeting": attachment.meeting_id, "name": attachment.name},
        )
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def meeting_attachment_remove(request: AuthedRequest, pk: int, file_pk: int) -> HttpResponse:
    """Hide a file from the meeting (the file and its row stay): asked, then done on POST."""
    attachment = _attachment(request, pk, file_pk)
    if not acts.may_change(request.user, attachment.meeting):
        raise PermissionDenied
    form = forms.Form(request.POST if request.method == "POST" else None)
    removed = run_action(
        form,
        lambda: acts.do_remove_meeting_attachment(actor=request.user, attachment=attachment),
    )
    if removed is not None:
        messages.success(request, _("File removed from the meeting's record."))
        return redirect(_meeting_url(attachment.meeting))
    return render(
        request,
        "education/meetings/remove_file.html",
        {"meeting": attachment.meeting, "attachment": attachment, "form": form},
    )
