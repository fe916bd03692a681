from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from organizations.models import Organization, Role


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin):
    form = movenodeform_factory(Organization, exclude=["group"])
    list_display = ["name", "kind", "sector", "management_mode", "is_active"]
    list_filter = ["kind", "sector", "is_active"]
    search_fields = ["name"]

    def has_add_permission(self, request: object) -> bool:
        # New organizations need their staff group and a place in the tree: the app's
        # "add sub-organization" page does both through organizations.actions.
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "kind", "granted_at", "revoked_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "organization", "granted_by", "revoked_by"]
    search_fields = ["user__username", "organization__name"]
