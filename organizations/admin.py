from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from treebeard.admin import TreeAdmin

from core.admin import ReadOnlyAdmin
from organizations.models import Organization, Role, Trade


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin, TreeAdmin):
    """Read-only: organizations are created, edited and moved on the app's pages, through
    organizations.actions (each with its staff group, in the tree, audited)."""

    list_display = ["name", "kind", "sector", "management_mode", "is_active"]
    list_filter = ["kind", "sector", "is_active"]
    search_fields = ["name"]


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    """Read-only: roles are granted and revoked on the staff pages (do_grant_role checks that
    nobody grants a role above their own)."""

    list_display = ["user", "organization", "kind", "granted_at", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "organization__name"]


@admin.register(Trade)
class TradeAdmin(admin.ModelAdmin[Trade]):
    """The trades of sector-based management (归口管理) are reference data, not a member's or an
    organization's record: superusers keep the list here (issue 9, item 11). A trade an
    absence or an organization names is retired (not active), not deleted."""

    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
