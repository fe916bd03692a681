"""Organization pages (tree, detail, create, edit), staff accounts, and the password change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypedDict, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.actions import run_action
from core.forms import query_text
from core.links import url_maker
from core.models import AuditEntry, User
from core.pagination import keyset_context
from core.types import AuthedRequest
from organizations import actions
from organizations.forms import GrantRoleForm, OrganizationForm, StaffUserForm
from organizations.lockouts import current_lockouts
from organizations.models import (
    ALLOWED_CHILDREN,
    ROLE_RANK,
    Notice,
    Organization,
    OrgKind,
    Role,
    TreeRow,
)
from organizations.notices import do_mark_notice_read
from organizations.scope import AUDIT, MANAGE, require_any, staff_users, user_scope


class Counted(Protocol):
    """What the tree nests: an organization (a `TreeRow`, or a model instance in tests) with
    its direct member count."""

    path: str
    direct_members: int


OrgT = TypeVar("OrgT", bound=Counted)


@dataclass(slots=True)
class TreeNode(Generic[OrgT]):
    org: OrgT
    direct_members: int
    total_members: int = 0
    children: list[TreeNode[OrgT]] = field(default_factory=list)


def build_tree(orgs: Sequence[OrgT]) -> list[TreeNode[OrgT]]:
    """Nest `orgs` (ordered by path, each with `direct_members`) and sum subtrees."""
    nodes: dict[str, TreeNode[OrgT]] = {}
    roots: list[TreeNode[OrgT]] = []
    step = Organization.steplen
    for org in orgs:
        node = nodes[org.path] = TreeNode(org=org, direct_members=org.direct_members)
        parent = nodes.get(org.path[:-step])
        (parent.children if parent else roots).append(node)
    # Children come after their parent in path order, so a reverse walk sums bottom-up.
    for node in reversed(nodes.values()):
        node.total_members = node.direct_members + sum(c.total_members for c in node.children)
    return roots


def counted_tree(user: User, under: Organization | None = None) -> list[TreeNode[TreeRow]]:
    """The user's organizations (under `under`) as a tree with member counts: two queries.

    The counts are one aggregate of the active-members index grouped by organization, as one
    would write it by hand: a province's million members are one index-only pass, not 5,000
    correlated counts nor a join of every member row to its organization (docs/benchmarks.md).
    """
    orgs = Organization.objects.visible_to(user)
    if under is not None:
        orgs = orgs.filter(path__startswith=under.path)
    rows = orgs.order_by("path").tree_rows()
    member_model = Organization._meta.get_field("members").related_model
    assert not isinstance(member_model, str)
    members = member_model._default_manager
    counts = dict(
        members.filter(archived_at__isnull=True, home_org_id__in=orgs.order_by().values("id"))
        .order_by()
        .values_list("home_org_id")
        .annotate(n=Count("*"))
    )
    for row in rows:
        row.direct_members = counts.get(row.pk, 0)
    return build_tree(rows)


class TreeLine(TypedDict, total=False):
    """One line of the rendered tree, with what its label shows worked out: the template loops
    over lines instead of including itself once per organization (a province shows over a
    thousand), and reads each value as a key (the engine tries keys before attributes)."""

    #: "open" (its children follow), "closed" (they load when opened), "leaf"; "" ends the
    #: children of the last open line.
    shape: str
    expanded: bool
    url: str
    children_url: str
    name: str
    kind: str
    kind_label: str
    is_active: bool
    #: "12 members", and "3 directly" for a node with children and members of its own.
    members: str
    directly: str


def tree_lines(
    nodes: list[TreeNode[TreeRow]], *, open_depth: int, render_depth: int
) -> list[TreeLine]:
    """The lines of `nodes` and their descendants down to `render_depth`; levels down to
    `open_depth` start expanded, deeper ones with children load them when opened."""
    detail, subtree = url_maker("organizations:detail"), url_maker("organizations:subtree")
    kinds = {kind: str(label) for kind, label in OrgKind.choices}
    lines: list[TreeLine] = []

    def add(node: TreeNode[TreeRow]) -> None:
        org = node.org
        shape = "open" if org.depth < render_depth else "closed"
        if not node.children:
            shape = "leaf"
        lines.append(
            TreeLine(
                shape=shape,
                expanded=org.depth <= open_depth,
                url=detail(org.pk),
                children_url=subtree(org.pk) if shape == "closed" else "",
                name=org.name,
                kind=org.kind,
                kind_label=kinds.get(org.kind, org.kind),
                is_active=org.is_active,
                members=ngettext("%(counter)s member", "%(counter)s members", node.total_members)
                % {"counter": node.total_members},
                directly=_("%(n)s directly") % {"n": node.direct_members}
                if node.children and node.direct_members
                else "",
            )
        )
        if shape == "open":
            for child in node.children:
                add(child)
            lines.append(TreeLine(shape=""))

    for node in nodes:
        add(node)
    return lines


@login_required
def organization_tree(request: AuthedRequest) -> HttpResponse:
    """The tree of the user's scope with member counts: three queries however large the tree.

    The counts need every organization, the page does not: levels below the open ones are
    rendered closed and load their children when opened (`organization_subtree`).
    """
    roots = counted_tree(request.user)
    # Open the user's own top level and the one below it, wherever in the tree that is.
    top = min((node.org.depth for node in roots), default=1)
    return render(
        request,
        "organizations/organization_tree.html",
        {
            "roots": roots,
            "org_count": sum(_size(node) for node in roots),
            "lines": tree_lines(roots, open_depth=top + 1, render_depth=top + 2),
        },
    )


def _size(node: TreeNode[Any]) -> int:
    return 1 + sum(_size(child) for child in node.children)


@login_required
def organization_subtree(request: AuthedRequest, pk: int) -> HttpResponse:
    """The children of one organization, for a tree node opened on the page (htmx)."""
    org = _get_org(request, pk)
    (node,) = counted_tree(request.user, under=org)
    return render(
        request,
        "organizations/_tree_lines.html",
        {
            "node": node,
            "lines": tree_lines(node.children, open_depth=0, render_depth=org.depth + 2),
        },
    )


def _get_org(request: AuthedRequest, pk: int) -> Organization:
    org: Organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    return org


@login_required
def organization_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    org = _get_org(request, pk)
    scope = user_scope(request.user)
    children = (
        Organization.objects.get_children(org)
        .annotate(direct_members=Count("members", filter=Q(members__archived_at__isnull=True)))
        .order_by("path")
    )
    subtree_total = Organization.objects.filter(path__startswith=org.path).aggregate(
        n=Count("members", filter=Q(members__archived_at__isnull=True))
    )["n"]
    can_manage = scope.covers(org.path, MANAGE)
    roles = (
        Role.objects.active().filter(organization=org).select_related("user").order_by("kind")
        if can_manage
        else Role.objects.none()
    )
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "org": org,
            "trades": list(org.trades.all()),
            "ancestors": [a for a in org.ancestors_and_self()[:-1] if scope.covers(a.path)],
            "children": children,
            "subtree_total": subtree_total,
            "can_manage": can_manage,
            "can_add_child": can_manage and bool(ALLOWED_CHILDREN.get(org.kind)),
            "roles": roles,
        },
    )


def _managed_org(request: AuthedRequest, pk: int) -> Organization:
    """An organization in the user's view scope (else 404) that they manage (else 403)."""
    org = _get_org(request, pk)
    if not user_scope(request.user).covers(org.path, MANAGE):
        raise PermissionDenied
    return org


@login_required
def organization_form(request: AuthedRequest, pk: int, *, creating: bool = False) -> HttpResponse:
    """Edit an organization the user manages, or (`creating`) add one under it: through the
    action, shown again with its refusal."""
    org = _managed_org(request, pk)
    if creating:
        form = OrganizationForm(request.POST or None, parent=org)
        done = _("Organization created.")
        context = {"form": form, "parent": org}
    else:
        form = OrganizationForm(request.POST or None, instance=org)
        done = _("Organization saved.")
        context = {"form": form, "org": org}

    def save() -> Organization:
        if creating:
            return actions.do_create_organization(
                actor=request.user, parent=org, **form.cleaned_data
            )
        return actions.do_update_organization(
            actor=request.user, organization=org, **form.cleaned_data
        )

    saved = run_action(form, save)
    if saved is not None:
        messages.success(request, done)
        return redirect("organizations:detail", pk=saved.pk)
    return render(request, "organizations/organization_form.html", context)


# --- Staff accounts -------------------------------------------------------------------------


def _require_any_manage(request: AuthedRequest) -> None:
    require_any(request.user, MANAGE)


def _staff_queryset(request: AuthedRequest) -> QuerySet[User]:
    return staff_users(request.user)


@login_required
def staff_list(request: AuthedRequest) -> HttpResponse:
    _require_any_manage(request)
    q = query_text(request, "q")
    users = _staff_queryset(request).prefetch_related(
        Prefetch(
            "roles",
            queryset=Role.objects.filter(revoked_at__isnull=True).select_related("organization"),
            to_attr="active_roles",
        )
    )
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return render(
        request,
        "organizations/staff_list.html",
        {"users": users.order_by("username")[:200], "q": q},
    )


@login_required
def staff_create(request: AuthedRequest) -> HttpResponse:
    _require_any_manage(request)
    form = StaffUserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_create_staff_user(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Account created. The user must choose a password at first login.")
            )
            return redirect("staff:detail", pk=user.pk)
    return render(request, "organizations/staff_form.html", {"form": form})


def _get_staff(request: AuthedRequest, pk: int) -> User:
    _require_any_manage(request)
    user: User = get_object_or_404(_staff_queryset(request), pk=pk)
    return user


@login_required
def staff_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    staff = _get_staff(request, pk)
    scope = user_scope(request.user)
    roles = (
        Role.objects.filter(user=staff)
        .select_related("organization", "granted_by", "revoked_by")
        .order_by("revoked_at", "-granted_at")
    )
    # Item 17 of issue 9: no button against a user who outranks the viewer anywhere (the
    # actions refuse them too, 403).
    outranked = actions.outranks(staff, request.user)
    form = GrantRoleForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_grant_role(actor=request.user, user=staff, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Role granted."))
            return redirect("staff:detail", pk=staff.pk)
    return render(
        request,
        "organizations/staff_detail.html",
        {
            "staff": staff,
            "roles": [
                (
                    role,
                    role.revoked_at is None
                    and not outranked
                    and scope.covers(role.organization.path, MANAGE)
                    and scope.rank_at(role.organization.path) >= _rank(role.kind),
                )
                for role in roles
            ],
            "form": form,
            "outranked": outranked,
        },
    )


def _rank(kind: str) -> int:
    return ROLE_RANK[kind]


@require_POST
@login_required
def staff_revoke_role(request: AuthedRequest, pk: int, role_pk: int) -> HttpResponseBase:
    staff = _get_staff(request, pk)
    role = get_object_or_404(Role.objects.visible_to(request.user), pk=role_pk, user=staff)
    try:
        actions.do_revoke_role(actor=request.user, role=role)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role revoked."))
    return redirect("staff:detail", pk=staff.pk)


@require_POST
@login_required
def staff_set_active(request: AuthedRequest, pk: int) -> HttpResponseBase:
    staff = _get_staff(request, pk)
    active = request.POST.get("active") == "1"
    try:
        actions.do_set_user_active(actor=request.user, user=staff, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Account reactivated.") if active else _("Account deactivated.")
        )
    return redirect("staff:detail", pk=staff.pk)


@login_required
def staff_lockouts(request: AuthedRequest) -> HttpResponse:
    """The login lockouts in force of the accounts the officer manages (issue 9, item 18)."""
    _require_any_manage(request)
    return render(
        request,
        "organizations/staff_lockouts.html",
        {"lockouts": current_lockouts(request.user), "cooloff": settings.AXES_COOLOFF_TIME},
    )


@require_POST
@login_required
def staff_lift_lockout(request: AuthedRequest, pk: int) -> HttpResponseBase:
    staff = _get_staff(request, pk)
    try:
        actions.do_lift_lockout(actor=request.user, user=staff)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The lockout was lifted; the user may log in again."))
    return redirect("staff:lockouts")


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")
    template_name = "registration/password_change_form.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        assert isinstance(user, User)
        actions.do_complete_password_change(actor=user)
        messages.success(self.request, _("Your password has been changed."))
        return response


# --- Audit trail ----------------------------------------------------------------------------


AUDIT_PAGE_SIZE = 50


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit trail of the county officer's subtree, newest first, filterable."""
    scope = user_scope(request.user)
    require_any(request.user, AUDIT)
    entries = AuditEntry.objects.select_related("actor", "content_type")
    if not scope.is_superuser:
        entries = entries.filter(scope.q("org_path", AUDIT))
    event = query_text(request, "event")
    actor = query_text(request, "actor")
    if event:
        entries = entries.filter(event=event)
    if actor:
        entries = entries.filter(actor__username=actor)
    pages = keyset_context(request, entries, keys=("-timestamp", "-id"), size=AUDIT_PAGE_SIZE)
    return render(
        request, "organizations/audit_list.html", {"event": event, "actor": actor, **pages}
    )


# --- Notices --------------------------------------------------------------------------------


@login_required
def notice_list(request: AuthedRequest) -> HttpResponse:
    """The notices addressed to the organizations where the user holds a role."""
    read = Notice.read_by.through.objects.filter(notice_id=OuterRef("pk"), user_id=request.user.pk)
    notices = (
        Notice.objects.for_user(request.user)
        .select_related("organization")
        .annotate(is_read=Exists(read))
        .order_by("-created_at")[:100]
    )
    return render(request, "organizations/notice_list.html", {"notices": notices})


@require_POST
@login_required
def notice_open(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """Mark a notice read and follow its link (only links inside this site)."""
    notice = get_object_or_404(Notice.objects.for_user(request.user), pk=pk)
    do_mark_notice_read(actor=request.user, notice=notice)
    if notice.url.startswith("/") and not notice.url.startswith("//"):
        return redirect(notice.url)
    return redirect("notices")
