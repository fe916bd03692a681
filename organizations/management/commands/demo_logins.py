# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""Print the demo logins that exist in this database, with their roles."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD, DEMO_USERNAMES
from core.models import User
from organizations.models import Role


def _width(text: str) -> int:
    # A Chinese character takes two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "List the demo logins created by seed_demo (username, password, role, organization)."

    def handle(self, *args: Any, **options: Any) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
        if not users:
            self.stdout.write("没有演示账号（未运行 seed_demo）。")
            return
        roles: dict[int, list[Role]] = {}
        for role in (
            Role.objects.active()
            .filter(user__in=users.values())
            .select_related("organization")
            .order_by("granted_at")
        ):
            roles.setdefault(role.user_id, []).append(role)
        # seed_demo gives every demo account the same hash, so this is one slow check, not seven.
        password_ok: dict[str, bool] = {}
        rows = [("用户名", "密码", "角色", "组织")]
        for username in DEMO_USERNAMES:
            user = users.get(username)
            if user is None:
                continue
            if user.password not in password_ok:
                password_ok[user.password] = check_password(DEMO_PASSWORD, user.password)
            password = DEMO_PASSWORD if password_ok[user.password] else "（已修改）"
            if not user.is_active:
                password += "（已停用）"
            if user.is_superuser:
                rows.append((username, password, "系统管理员（超级用户）", "全部"))
            for role in roles.get(user.pk, []):
                rows.append(
                    (username, password, str(role.get_kind_display()), role.organization.name)
                )
            if not user.is_superuser and not roles.get(user.pk):
                rows.append((username, password, "（无角色）", ""))
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("演示账号：")
        for n, row in enumerate(rows):
            self.stdout.write(
                "  "
                + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
