"""Pages of classified and online education: the column (流动党员之家) and its items, publishing,
editing and withdrawing an item (its organization's changers), "read by" (recording members'
online reading as study), recording a member's study, a member's branch post, and the yearly
study hours against the requirement with the list of who is short."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Model, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from core.actions import run_action
from core.forms import query_id
from core.pagination import keyset_context
from core.scoping import Action
from core.types import AuthedRequest
from core.views import ScopedActionFormView, ScopedMixin
from education.models import Audience, BranchPost, ColumnItem, StudyKind, StudyRecord
from education.study import actions as acts
from education.study.forms import (
    BranchPostForm,
    ColumnFilter,
    ColumnItemForm,
    EndPostForm,
    HoursFilter,
    OrgFilter,
    ReadersForm,
    StudyRecordForm,
    WithdrawForm,
)
from education.study.queries import applicable_members, readers, with_study_hours
from members.models import GOOD_STANDINGS, Member
from members.pages import MemberActionView
from organizations.scope import require_any, user_scope

#: Items on a page of the column; members on a page of the hours list.
COLUMN_PAGE_SIZE = 20
HOURS_PAGE_SIZE = 50
#: Most members the "read by" page offers at once (narrow by organization for more).
READERS_SHOWN = 200

COLUMN_KEYS = ("-published_on", "-id")
HOURS_KEYS = ("name_pinyin", "id")


@login_required
def column(request: AuthedRequest) -> HttpResponse:
    """The column: the current items the user sees, newest first, filtered by audience and
    kind."""
    items = ColumnItem.objects.visible_to(request.user).current().select_related("organization")
    filters = ColumnFilter(request.GET or None)
    if filters.is_bound and filters.is_valid():
        for name in ("audience", "kind"):
            if value := filters.cleaned_data.get(name):
                items = items.filter(**{name: value})
    context = {
        "filter": filters,
        "can_publish": user_scope(request.user).can(Action.CHANGE),
        **keyset_context(request, items, keys=COLUMN_KEYS, size=COLUMN_PAGE_SIZE),
    }
    return render(request, "education/study/column.html", context)


class ItemMixin(ScopedMixin):
    model = ColumnItem
    context_object_name: str | None = "item"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("organization", "created_by")


class ColumnItemView(ItemMixin, DetailView[Any]):
    """One item: its text (escaped: plain text), its link, its hours, its audience; the
    publisher's edit and withdraw buttons; "read by" for those who record study."""

    template_name = "education/study/item.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item: ColumnItem = self.object
        can_change = self.scoped(Action.CHANGE).filter(pk=item.pk).exists()
        chosen = item.audience == Audience.CHOSEN
        context.update(
            can_change=can_change and not item.is_withdrawn,
            can_record=(
                user_scope(self.actor).can(Action.CHANGE)
                and not item.is_withdrawn
                and item.study_hours > 0
            ),
            chosen=list(item.organizations.order_by("path")) if chosen else [],
            # How many of the members the user sees read it (never who elsewhere).
            read_count=StudyRecord.objects.visible_to(self.actor).filter(column_item=item).count(),
        )
        return context


@login_required
def publish(request: AuthedRequest) -> HttpResponse:
    """Publish a notice or study material: the changers of a committee or branch."""
    require_any(request.user, Action.CHANGE)
    form = ColumnItemForm(request.POST or None, user=request.user, publish=True)
    item = run_action(
        form,
        lambda: acts.do_publish_column_item(actor=request.user, **form.action_fields()),
    )
    if item is not None:
        messages.success(request, _("Published in the column."))
        return redirect("education:column_item", item.pk)
    return render(request, "education/study/item_form.html", {"form": form, "publish": True})


class ItemFormView(ItemMixin, ScopedActionFormView):
    scope_action = Action.CHANGE

    def get_success_url(self) -> str:
        return reverse("education:column_item", args=[self.object.pk])


class EditItemView(ItemFormView):
    """Correct an item: the publishing organization's changers."""

    template_name = "education/study/item_form.html"
    success_message = gettext_lazy("Saved.")

    def get_form(self, data: Any = None) -> ColumnItemForm:
        return ColumnItemForm(data, instance=self.object, user=self.actor, publish=False)

    def perform(self, form: ColumnItemForm) -> None:
        acts.do_edit_column_item(actor=self.actor, item=self.object, **form.action_fields())


class WithdrawItemView(ItemFormView):
    """Take an item out of the column (kept, with the study recorded for it)."""

    template_name = "education/study/withdraw.html"
    success_message = gettext_lazy("Withdrawn from the column.")

    def get_form(self, data: Any = None) -> WithdrawForm:
        return WithdrawForm(data)

    def perform(self, form: WithdrawForm) -> None:
        acts.do_withdraw_column_item(actor=self.actor, item=self.object, **form.cleaned_data)


class ReadersView(ItemFormView):
    """Record that members read the item online: among the members it applies to and whom the
    user records for, not yet recorded; narrowed to an organization with ?org=."""

    scope_action = Action.VIEW
    template_name = "education/study/readers.html"

    def check_object_action(self, obj: Model) -> None:
        # Recording life needs a changer's role somewhere (inspectors only read).
        require_any(self.actor, Action.CHANGE)

    def candidates(self) -> Any:
        item: ColumnItem = self.object
        members = (
            applicable_members(item)
            .filter(pk__in=Member.objects.visible_to(self.actor, Action.RECORD).values("pk"))
            .exclude(pk__in=readers(item))
        )
        self.filter = OrgFilter(self.request.GET or None, user=self.actor)
        self.organization = self.filter.chosen()
        if self.organization is not None:
            members = members.filter(home_org__path__startswith=self.organization.path)
        return members.select_related("home_org").order_by("name_pinyin", "id")

    def get_form(self, data: Any = None) -> ReadersForm:
        candidates = self.candidates()
        form = ReadersForm(data, candidates=candidates)
        shown = list(candidates[: READERS_SHOWN + 1])
        self.more = len(shown) > READERS_SHOWN
        field: Any = form.fields["members"]
        field.widget.choices = [(m.pk, field.label_from_instance(m)) for m in shown[:READERS_SHOWN]]
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            more=self.more,
            organization=self.organization,
            filter=self.filter,
            shown=READERS_SHOWN,
            **kwargs,
        )

    def perform(self, form: ReadersForm) -> None:
        recorded, skipped = acts.do_record_readers(
            actor=self.actor,
            item=self.object,
            members=list(form.cleaned_data["members"]),
            read_on=form.cleaned_data["read_on"],
        )
        self.said = acts.readers_message(recorded, skipped)

    def get_success_message(self) -> str:
        return self.said


class StudyRecordView(MemberActionView):
    """Record a piece of the member's study: whoever records the member's life (the home side,
    the inflow organization it is shared with). The column items offered are those that apply
    to the member and are not yet recorded as read (?item= preselects one)."""

    scope_action = Action.RECORD
    template_name = "education/study/record.html"
    success_message = gettext_lazy("Study recorded for %(name)s.")

    def get_form(self, data: Any = None) -> StudyRecordForm:
        member: Member = self.object
        items = (
            ColumnItem.objects.visible_to(self.actor)
            .for_member(member)
            .current()
            .filter(study_hours__gt=0)
            .exclude(
                pk__in=StudyRecord.objects.filter(member=member, column_item__isnull=False).values(
                    "column_item_id"
                )
            )
            .newest_first()
        )
        initial: dict[str, Any] = {}
        if (item_id := query_id(self.request, "item")) is not None:
            initial = {"kind": StudyKind.COLUMN, "column_item": item_id}
        return StudyRecordForm(data, items=items, initial=initial)

    def perform(self, form: StudyRecordForm) -> None:
        acts.do_record_study(actor=self.actor, member=self.object, **form.cleaned_data)


class BranchPostView(MemberActionView):
    """Record the member's post in their branch (secretary, deputy, committee member): the
    home side. It decides the member's yearly study requirement."""

    scope_action = Action.CHANGE
    template_name = "education/study/post.html"
    success_message = gettext_lazy("Post recorded for %(name)s.")

    def get_form(self, data: Any = None) -> BranchPostForm:
        return BranchPostForm(data)

    def perform(self, form: BranchPostForm) -> None:
        acts.do_record_branch_post(actor=self.actor, member=self.object, **form.cleaned_data)


class EndPostView(ScopedActionFormView):
    """The member left the post: the home side records the day."""

    model = BranchPost
    scope_action = Action.CHANGE
    context_object_name = "post"
    template_name = "education/study/end_post.html"
    success_message = gettext_lazy("Post ended.")

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("member__home_org", "organization")

    def get_form(self, data: Any = None) -> forms.Form:
        return EndPostForm(data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(member=self.object.member, **kwargs)

    def perform(self, form: EndPostForm) -> None:
        acts.do_end_branch_post(actor=self.actor, post=self.object, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("members:detail", args=[self.object.member_id])


@login_required
def study_hours(request: AuthedRequest) -> HttpResponse:
    """Every member in scope (or under an organization) with the year's study hours against
    the requirement; "only those short" lists who is short. The summary counts both in one
    aggregate; the page is one query, whatever the number of members."""
    today = timezone.localdate()
    form = HoursFilter(request.GET or None, user=request.user)
    org = form.chosen()
    year: int = form.value("year") or today.year
    members = Member.objects.visible_to(request.user).active().filter(standing__in=GOOD_STANDINGS)
    if org is not None:
        members = members.filter(home_org__path__startswith=org.path)
    rows = with_study_hours(members, year)
    summary = rows.aggregate(members=Count("pk"), short=Count("pk", filter=Q(is_short=True)))
    if form.value("short"):
        rows = rows.filter(is_short=True)
    context = {
        "form": form,
        "year": year,
        "summary": summary,
        **keyset_context(
            request, rows.select_related("home_org"), keys=HOURS_KEYS, size=HOURS_PAGE_SIZE
        ),
    }
    return render(request, "education/study/hours.html", context)
