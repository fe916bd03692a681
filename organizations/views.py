"""Organization pages (tree, detail, create, edit), staff accounts, and the password change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import AuditEntry, User
from core.pagination import keyset_page
from core.types import AuthedRequest
from organizations import actions
from organizations.forms import GrantRoleForm, OrganizationForm, StaffUserForm
from organizations.models import ALLOWED_CHILDREN, ROLE_RANK, Notice, Organization, Role
from organizations.scope import AUDIT, MANAGE, user_scope


@dataclass
class TreeNode:
    org: Organization
    direct_members: int
    total_members: int = 0
    children: list[TreeNode] = field(default_factory=list)


def build_tree(orgs: list[Organization]) -> list[TreeNode]:
    """Nest `orgs` (ordered by path, each annotated with `direct_members`) and sum subtrees."""
    nodes = {o.path: TreeNode(org=o, direct_members=o.direct_members) for o in orgs}
    roots: list[TreeNode] = []
    step = Organization.steplen
    for org in orgs:
        node = nodes[org.path]
        parent = nodes.get(org.path[:-step])
        (parent.children if parent else roots).append(node)
    # Children come after their parent in path order, so a reverse walk sums bottom-up.
    for org in reversed(orgs):
        node = nodes[org.path]
        node.total_members = node.direct_members + sum(c.total_members for c in node.children)
    return roots


def _counted_tree(request: AuthedRequest, under: Organization | None = None) -> list[TreeNode]:
    orgs = Organization.objects.visible_to(request.user)
    if under is not None:
        orgs = orgs.filter(path__startswith=under.path)
    # One count per organization from the active-members index (a correlated subquery), not a
    # join of every member row: a province's tree is 5,000 index lookups instead of a
    # million-row join (docs/benchmarks.md).
    member_model = Organization._meta.get_field("members").related_model
    assert not isinstance(member_model, str)
    members = member_model._default_manager
    active = (
        members.filter(home_org=OuterRef("pk"), archived_at__isnull=True)
        .order_by()
        .values("home_org")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return build_tree(
        list(
            orgs.only("id", "path", "depth", "numchild", "name", "kind", "is_active")
            .annotate(direct_members=Coalesce(Subquery(active), 0))
            .order_by("path")
        )
    )


@login_required
def organization_tree(request: AuthedRequest) -> HttpResponse:
    """The tree of the user's scope with member counts: two queries however large the tree.

    The counts need every organization, the page does not: levels below the open ones are
    rendered closed and load their children when opened (`organization_subtree`).
    """
    roots = _counted_tree(request)
    # Open the user's own top level and the one below it, wherever in the tree that is.
    top = min((node.org.depth for node in roots), default=1)
    return render(
        request,
        "organizations/organization_tree.html",
        {
            "roots": roots,
            "org_count": sum(_size(node) for node in roots),
            "open_depth": top + 1,
            "render_depth": top + 2,
        },
    )


def _size(node: TreeNode) -> int:
    return 1 + sum(_size(child) for child in node.children)


@login_required
def organization_subtree(request: AuthedRequest, pk: int) -> HttpResponse:
    """The children of one organization, for a tree node opened on the page (htmx)."""
    org = _get_org(request, pk)
    (node,) = _counted_tree(request, under=org)
    return render(
        request,
        "organizations/_tree_children.html",
        {"node": node, "open_depth": 0, "render_depth": org.depth + 2},
    )


def _get_org(request: AuthedRequest, pk: int) -> Organization:
    return get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)


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
            "ancestors": [a for a in org.ancestors_and_self()[:-1] if scope.covers(a.path)],
            "children": children,
            "subtree_total": subtree_total,
            "can_manage": can_manage,
            "can_add_child": can_manage and bool(ALLOWED_CHILDREN.get(org.kind)),
            "roles": roles,
        },
    )


@login_required
def organization_create(request: AuthedRequest, parent_pk: int) -> HttpResponse:
    parent = _get_org(request, parent_pk)
    if not user_scope(request.user).covers(parent.path, MANAGE):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = actions.do_create_organization(
                actor=request.user, parent=parent, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organization created."))
            return redirect("organizations:detail", pk=org.pk)
    return render(request, "organizations/organization_form.html", {"form": form, "parent": parent})


@login_required
def organization_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    org = _get_org(request, pk)
    if not user_scope(request.user).covers(org.path, MANAGE):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_organization(
                actor=request.user, organization=org, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organization saved."))
            return redirect("organizations:detail", pk=org.pk)
    return render(request, "organizations/organization_form.html", {"form": form, "org": org})


# --- Staff accounts -------------------------------------------------------------------------


def _require_any_manage(request: AuthedRequest) -> None:
    if not user_scope(request.user).paths_for(MANAGE) and not request.user.is_superuser:
        raise PermissionDenied


def _staff_queryset(request: AuthedRequest) -> Any:
    scope = user_scope(request.user)
    users = User.objects.all()
    if not scope.is_superuser:
        in_scope = Role.objects.filter(scope.q("organization__path", MANAGE)).values("user_id")
        users = users.filter(pk__in=in_scope)
    return users


@login_required
def staff_list(request: AuthedRequest) -> HttpResponse:
    _require_any_manage(request)
    q = request.GET.get("q", "").strip()
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
                    and scope.covers(role.organization.path, MANAGE)
                    and scope.rank_at(role.organization.path) >= _rank(role.kind),
                )
                for role in roles
            ],
            "form": form,
        },
    )


def _rank(kind: str) -> int:
    return ROLE_RANK[kind]


@require_POST
@login_required
def staff_revoke_role(request: AuthedRequest, pk: int, role_pk: int) -> HttpResponseBase:
    staff = _get_staff(request, pk)
    role = get_object_or_404(Role.objects.visible_to(request.user), pk=role_pk, user=staff)
    actions.do_revoke_role(actor=request.user, role=role)
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


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit trail of the county officer's subtree, newest first, filterable."""
    scope = user_scope(request.user)
    if not scope.is_superuser and not scope.paths_for(AUDIT):
        raise PermissionDenied
    entries = AuditEntry.objects.select_related("actor", "content_type")
    if not scope.is_superuser:
        entries = entries.filter(scope.q("org_path", AUDIT))
    event = request.GET.get("event", "").strip()
    actor = request.GET.get("actor", "").strip()
    if event:
        entries = entries.filter(event=event)
    if actor:
        entries = entries.filter(actor__username=actor)
    page = keyset_page(
        entries,
        keys=("-timestamp", "-id"),
        size=50,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    return render(
        request,
        "organizations/audit_list.html",
        {"page": page, "event": event, "actor": actor},
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
    actions.do_mark_notice_read(actor=request.user, notice=notice)
    if notice.url.startswith("/") and not notice.url.startswith("//"):
        return redirect(notice.url)
    return redirect("notices")
