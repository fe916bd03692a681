"""Recompute every member's pinyin keys with the surname readings (Issue 9, item 1): 曾志伟 was
"cengzhiwei" (sorted under C, not found by "zzw"), 单志刚 "danzhigang".

The keys come from `core.pinyin`, the same functions `Member.clean` uses (a migration normally
freezes its logic; here the point is to agree with the code that computes keys from now on, and
running it again is harmless). Only rows whose keys change are written, in batches.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from core.pinyin import pinyin_initials, pinyin_key

BATCH = 2000


def recompute(apps: Any, schema_editor: Any) -> None:
    member_model = apps.get_model("members", "Member")
    rows = member_model.objects.using(schema_editor.connection.alias).only(
        "pk", "name", "name_reading", "name_pinyin", "name_initials"
    )
    changed = []
    for member in rows.order_by("pk").iterator(chunk_size=BATCH):
        key = pinyin_key(member.name, member.name_reading)
        initials = pinyin_initials(member.name, member.name_reading)
        if (key, initials) != (member.name_pinyin, member.name_initials):
            member.name_pinyin, member.name_initials = key, initials
            changed.append(member)
        if len(changed) >= BATCH:
            member_model.objects.using(schema_editor.connection.alias).bulk_update(changed, ["name_pinyin", "name_initials"])
            changed = []
    member_model.objects.using(schema_editor.connection.alias).bulk_update(changed, ["name_pinyin", "name_initials"])


class Migration(migrations.Migration):
    dependencies = [("members", "0003_name_reading")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
