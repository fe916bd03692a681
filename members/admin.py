from django.contrib import admin

from core.admin import ReadOnlyAdmin
from members.models import Member


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    """Read-only: members are registered, edited, archived and shared through members' actions
    (scope, the register's invariants, derived shares, the audit trail)."""

    list_display = ["name", "home_org", "membership", "standing", "archived_at"]
    list_filter = ["membership", "standing"]
    search_fields = ["name", "name_pinyin", "id_number"]
