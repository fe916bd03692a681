from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from core.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Profile", {"fields": ("full_name", "phone", "must_change_password")}),
    )
    list_display = ["username", "full_name", "phone", "is_active", "is_superuser"]
