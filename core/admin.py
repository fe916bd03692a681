from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from core.models import User


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """The administrator may look, not write: every write on the domain goes through an action
    (scope, rank rules, derived shares, the audit trail), which the app's own pages call."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Profile", {"fields": ("full_name", "phone", "must_change_password")}),
    )
    list_display = ["username", "full_name", "phone", "is_active", "is_superuser"]
