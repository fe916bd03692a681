"""The member register's pages: the list, a member's page, create, edit, archive, restore, and
the audited reveal of the full ID-card number."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from core.actions import run_action
from core.pagination import keyset_context
from core.scoping import Action
from core.types import AuthedRequest
from core.views import ScopedMixin
from members import access
from members.models import Member
from members.pages import MemberActionView, MemberPage, flag_rows, member_page
from members.register import actions
from members.register.filters import MemberFilter
from members.register.forms import ArchiveForm, MemberForm
from organizations.scope import require_any, user_scope

LIST_KEYS = ("name_pinyin", "id")


LIST_COUNT_CAP = 100_000


@login_required
def member_list(request: AuthedRequest) -> HttpResponse:
    """Search and filter the members in scope, pinyin order, keyset pages."""
    base = Member.objects.visible_to(request.user).for_list()
    filterset = MemberFilter(request.GET or None, queryset=base, user=request.user)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base.active()
    pages = keyset_context(request, queryset, keys=LIST_KEYS, size=settings.MEMBERS_PAGE_SIZE)
    page = pages["page"]
    # Badges other apps add to the rows (transfers: "in transfer"), one query each.
    flag_rows(page.object_list)
    # An exact count of a province's million members is a full scan; past the cap the page
    # says "more than" instead (the home page and the ledgers give exact figures).
    total = queryset.order_by()[: LIST_COUNT_CAP + 1].count()
    context = {
        **pages,
        "filter": filterset,
        "total": min(total, LIST_COUNT_CAP),
        "total_capped": total > LIST_COUNT_CAP,
        "can_create": user_scope(request.user).can(Action.CHANGE),
    }
    template = "members/register/member_list.html"
    # htmx's history restore wants the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)


class MemberDetailView(ScopedMixin, DetailView):
    model = Member
    template_name = "members/register/member_detail.html"
    context_object_name = "member"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("home_org")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        member: Member = self.object
        user = self.actor
        page = MemberPage(
            user=user,
            member=member,
            can_change=access.may_change(user, member),
            can_record=access.may_record(user, member),
        )
        # The home branch's path, linked only where the user's scope reaches (a member shared
        # with an inflow organization may live outside it).
        scope = user_scope(user)
        context.update(
            can_change=page.can_change,
            can_record=page.can_record,
            can_reveal=access.may_reveal_id_number(user, member),
            ancestors=[
                (org, scope.covers(org.path)) for org in member.home_org.ancestors_and_self()
            ],
            # Every feature's panel (members.pages.member_page): each runs its queries here.
            panels=member_page.build(page),
        )
        return context


class MemberRevealIdView(ScopedMixin, DetailView):
    """The full ID-card number, on request, each time audited (answers the htmx button)."""

    model = Member
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = self.get_object()
        if not access.may_reveal_id_number(self.actor, member):
            raise PermissionDenied
        number = actions.do_reveal_id_number(actor=self.actor, member=member)
        return render(
            request,
            "members/register/member_detail.html#id-number",
            {"member": member, "full_id": number},
        )


@login_required
def member_create(request: AuthedRequest) -> HttpResponse:
    require_any(request.user, Action.CHANGE)
    form = MemberForm(request.POST or None, actor=request.user)
    fields = form.Meta.fields
    member = run_action(
        form,
        lambda: actions.do_create_member(
            actor=request.user, **{name: form.cleaned_data[name] for name in fields}
        ),
    )
    if member is not None:
        messages.success(request, _("Member %(name)s registered.") % {"name": member.name})
        return redirect("members:detail", pk=member.pk)
    return render(request, "members/register/member_form.html", {"form": form})


class MemberEditView(MemberActionView):
    scope_action = Action.CHANGE
    template_name = "members/register/member_form.html"
    success_message = gettext_lazy("Saved.")

    def get_form(self, data: Any = None) -> MemberForm:
        return MemberForm(data, instance=self.object, actor=self.actor)

    def perform(self, form: MemberForm) -> None:
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        actions.do_update_member(actor=self.actor, member=self.object, **fields)


class MemberArchiveView(MemberActionView):
    scope_action = Action.CHANGE
    template_name = "members/register/member_archive.html"
    success_message = gettext_lazy("Member archived. The record is kept.")

    def get_form(self, data: Any = None) -> ArchiveForm:
        return ArchiveForm(data)

    def perform(self, form: ArchiveForm) -> None:
        reason = form.cleaned_data["reason"]
        actions.do_archive_member(actor=self.actor, member=self.object, reason=reason)


class MemberRestoreView(ScopedMixin, DetailView):
    model = Member
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        member = self.get_object()
        actions.do_restore_member(actor=self.actor, member=member)
        messages.success(request, _("Member restored to the register."))
        return redirect("members:detail", pk=member.pk)
