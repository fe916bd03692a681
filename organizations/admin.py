from django.contrib import admin
from treebeard.admin import TreeAdmin

from core.admin import ReadOnlyAdmin
from organizations.models import Organization, Role


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
