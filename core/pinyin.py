"""Pinyin keys for sorting and searching Chinese names without ICU collations.

The embedded PostgreSQL has no ICU, so each name stores its full pinyin ("zhangsan") and initials
("zs"); both are indexed for prefix search and the pinyin key orders lists.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin, pinyin


def pinyin_key(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore")).lower()


def pinyin_initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


def reading_prefix(text: str) -> str:
    """The pinyin every name starting with `text` must start with ("" if unknown).

    Characters with one reading contribute it whole; at the first character with several
    readings (曾: ceng/zeng) only their common beginning counts, and the prefix stops there.
    """
    prefix = ""
    for readings in pinyin(text, style=Style.NORMAL, heteronym=True, errors="ignore"):
        options = {r.lower() for r in readings}
        if len(options) == 1:
            prefix += options.pop()
            continue
        first, last = min(options), max(options)
        shared = 0
        while shared < min(len(first), len(last)) and first[shared] == last[shared]:
            shared += 1
        prefix += first[:shared]
        break
    return prefix


def next_key(prefix: str) -> str | None:
    """The smallest lowercase key greater than every key starting with `prefix` (None: none).

    `key >= prefix AND key < next_key(prefix)` is a prefix test that any B-tree on the key can
    use as a range, whatever the database collation (keys are plain lowercase letters).
    """
    stripped = prefix.rstrip("z")
    if not stripped:
        return None
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)
