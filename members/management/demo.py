"""What the demo commands share: the demo logins and their one password.

Only `seed_demo` creates these accounts, and `demo_logins` lists only these names, so a real
deployment that never ran `seed_demo` shows nothing.
"""

from __future__ import annotations

DEMO_PASSWORD = "demo12345"  # noqa: S105 - public by design: demo data only

#: Username, full name, phone. Order is the order `demo_logins` prints them in.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("admin", "系统管理员", "13957100000"),
    ("county", "周卫东", "13957100001"),
    ("inspector", "孙丽萍", "13957100002"),
    ("town", "李秀英", "13957100003"),
    ("secretary", "王建华", "13957100004"),
    ("secretary2", "刘晓燕", "13957100005"),
    ("station", "赵明辉", "13957100006"),
)
DEMO_USERNAMES = tuple(username for username, _, _ in DEMO_ACCOUNTS)

#: A member of `secretary`'s branch with a name no generated member has: browser tests look
#: for it (name search, pinyin "simaqinghe", initials "smqh").
DISTINCTIVE_MEMBER_NAME = "司马青禾"
