from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from members.models import Member


@admin.register(Member)
class MemberAdmin(GuardedModelAdmin):
    """Superusers only. Members are archived in the app, never deleted, here neither."""

    list_display = ["name", "home_org", "membership", "standing", "archived_at"]
    list_filter = ["membership", "standing"]
    search_fields = ["name", "name_pinyin", "id_number"]
    raw_id_fields = ["home_org"]
    readonly_fields = ["name_pinyin", "name_initials", "archived_at"]

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
