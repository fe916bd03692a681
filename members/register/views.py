"""The member register's pages: the list, a member's page, create, edit, archive, restore, and
the audited reveal of the full ID-card number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Choices, Exists, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

from core.actions import run_action
from core.links import url_maker
from core.pagination import keyset_context
from core.scoping import Action
from core.types import AnyUser, AuthedRequest
from core.views import ScopedMixin
from members import access
from members.models import Gender, Member, MemberQuerySet, Membership, Standing
from members.pages import ListFlag, MemberActionView, MemberPage, list_flags, member_page
from members.register import actions
from members.register.filters import MemberFilter
from members.register.forms import ArchiveForm, MemberForm
from organizations.models import Organization
from organizations.scope import require_any, user_scope

LIST_KEYS = ("name_pinyin", "id")


LIST_COUNT_CAP = 100_000


#: What a line of the register shows, and its sort keys: the page reads these columns of a
#: member, not all thirty.
LIST_COLUMNS = (
    "name",
    "name_pinyin",
    "gender",
    "id_number",
    "membership",
    "phone",
    "standing",
    "is_mobile",
    "lost_contact",
    "archived_at",
    "home_org",
)


def register_queryset(user: AnyUser) -> MemberQuerySet:
    """The members `user` sees, as the register reads them: the columns a line shows, with its
    organization's name and the badges other apps add (`members.pages.list_flags`: transfers'
    "in transfer", a member stays in the register until received). PostgreSQL works out these
    for the rows of the page only, after its sort and limit, where a join would read every
    organization and a query per flag would cost a round trip."""
    org_name = Organization.objects.filter(pk=OuterRef("home_org_id")).order_by().values("name")
    flags = {f"flag_{name}": Exists(flag.records()) for name, flag in list_flags.items()}
    return (
        Member.objects.visible_to(user)
        .only(*LIST_COLUMNS)
        .annotate(org_name=Subquery(org_name), **flags)
    )


class RegisterLine(TypedDict):
    """A line of the register as the page shows it, worked out once per page (choice labels,
    the masked number, the link) so that the template only reads values. A dict: the template
    engine looks keys up first, before attributes."""

    pk: int
    url: str
    name: str
    gender: str
    id_number: str  # masked
    membership: str
    org: str
    phone: str
    standing: str
    normal: bool  # standing is normal (anything else is shown in red)
    is_mobile: bool
    lost_contact: bool
    #: The badges other apps add (members.pages.list_flags) that this line carries.
    flags: list[ListFlag]
    archived_at: dt.datetime | None
    #: Any of the flags templates/members/register/_flags.html shows.
    flagged: bool


def _labels(choices: type[Choices]) -> dict[Any, str]:
    return {value: str(label) for value, label in choices.choices}


def register_count(parts: Sequence[QuerySet[Member]]) -> int:
    """How many members the disjoint `parts` of the list hold, up to LIST_COUNT_CAP + 1: one
    query, each part counted from its own index (`Member.objects.visible_parts`). An exact
    count of a province's million members is a full scan; past the cap the page says "more
    than" instead (the home page and the ledgers give exact figures)."""
    # The organization's id is in the active-members index: no row needs to be read for it.
    capped = [part.order_by().values_list("home_org_id")[: LIST_COUNT_CAP + 1] for part in parts]
    return capped[0].union(*capped[1:], all=True).count() if len(capped) > 1 else capped[0].count()


def register_lines(members: list[Member]) -> list[RegisterLine]:
    """The page's lines (`members` from `register_queryset`)."""
    url = url_maker("members:detail")
    gender, membership, standing = _labels(Gender), _labels(Membership), _labels(Standing)
    lines = []
    for m in members:
        flags = [flag for name, flag in list_flags.items() if vars(m)[f"flag_{name}"]]
        lines.append(
            RegisterLine(
                pk=m.pk,
                url=url(m.pk),
                name=m.name,
                gender=gender.get(m.gender, m.gender),
                id_number=m.masked_id_number,
                membership=membership.get(m.membership, m.membership),
                org=vars(m)["org_name"],
                phone=m.phone,
                standing=standing.get(m.standing, m.standing),
                normal=m.standing == Standing.NORMAL,
                is_mobile=m.is_mobile,
                lost_contact=m.lost_contact,
                flags=flags,
                archived_at=m.archived_at,
                flagged=m.is_mobile or m.lost_contact or bool(flags) or bool(m.archived_at),
            )
        )
    return lines


@login_required
def member_list(request: AuthedRequest) -> HttpResponse:
    """Search and filter the members in scope, pinyin order, keyset pages."""
    base = register_queryset(request.user)
    filterset = MemberFilter(request.GET or None, queryset=base, user=request.user)
    filtered = filterset.is_bound and filterset.is_valid()
    queryset = filterset.qs if filtered else base.active()
    pages = keyset_context(request, queryset, keys=LIST_KEYS, size=settings.MEMBERS_PAGE_SIZE)
    total = register_count(
        [
            filterset.filter_queryset(part) if filtered else part.active()
            for part in Member.objects.visible_parts(request.user)
        ]
    )
    context = {
        **pages,
        "filter": filterset,
        "lines": register_lines(pages["page"].object_list),
        "total": min(total, LIST_COUNT_CAP),
        "total_capped": total > LIST_COUNT_CAP,
        "can_create": user_scope(request.user).can(Action.CHANGE),
    }
    template = "members/register/member_list.html"
    # htmx's history restore wants the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)


class MemberDetailView(ScopedMixin, DetailView[Any]):
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


# The answer holds the full ID-card number: never stored by a browser or proxy (issue 9,
# item 19).
@method_decorator(never_cache, name="dispatch")
class MemberRevealIdView(ScopedMixin, DetailView[Any]):
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


class MemberRestoreView(ScopedMixin, DetailView[Any]):
    model = Member
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        member = self.get_object()
        actions.do_restore_member(actor=self.actor, member=member)
        messages.success(request, _("Member restored to the register."))
        return redirect("members:detail", pk=member.pk)
