"""Pinyin keys for sorting and searching Chinese names without ICU collations.

The embedded PostgreSQL has no ICU, so each name stores its full pinyin ("zhangsan") and initials
("zs"); both are indexed for prefix search and the pinyin key orders lists.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_key(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore")).lower()


def pinyin_initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
