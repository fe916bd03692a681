"""Pinyin keys for sorting and searching Chinese names without ICU collations.

The embedded PostgreSQL has no ICU, so each name stores its full pinyin ("zhangsan") and initials
("zs"); both are indexed for prefix search and the pinyin key orders lists.

A name starts with its surname, and a surname is read as a surname: 曾 zeng (not ceng), 单 shan,
解 xie, 尉迟 yuchi (Issue 9, item 1). pypinyin (0.55, the version installed) has no surname mode:
its phrase dictionary reads some compound surnames right (尉迟, 万俟, 长孙, 单于) and no
polyphonic single-character surname, so the readings are kept here, in two small tables; the
rest of the name is read by pypinyin as before. A member whose name is read otherwise still can
have the reading typed on the member form (`Member.name_reading`): it must give each character
one of its readings, so the search's prefix ranges (`reading_prefix`) stay sound.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin, pinyin

#: Two-character surnames, read as surnames (checked before the single ones: 单于 is not 单).
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"),
    "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"),
    "乐正": ("yue", "zheng"),
    "令狐": ("ling", "hu"),
    "鲜于": ("xian", "yu"),
    "夏侯": ("xia", "hou"),
    "诸葛": ("zhu", "ge"),
    "亓官": ("qi", "guan"),
    "仲长": ("zhong", "chang"),
    "中行": ("zhong", "hang"),
}

#: Single-character surnames whose surname reading is not the one pypinyin gives by default.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "乐": "yue",
    "覃": "qin",
    "缪": "miao",
    "盖": "ge",
    "召": "shao",
    "秘": "bi",
    "种": "chong",
    "重": "chong",
    "翟": "zhai",
    "黑": "he",
    "折": "she",
    "句": "gou",
    "繁": "po",
    "员": "yun",
    "阚": "kan",
    "宓": "fu",
    "都": "du",
    "能": "nai",
    "佴": "nai",
    "洗": "xian",
    "乜": "nie",
    "藏": "zang",
    "隗": "wei",
    "薄": "bo",
    "贲": "ben",
    "祭": "zhai",
    "长": "chang",
    "柏": "bai",
    "褚": "chu",
}


def _surname(name: str) -> tuple[tuple[str, ...], str]:
    """The surname's syllables read as a surname (empty when pypinyin reads it right) and the
    rest of the name."""
    if name[:2] in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[name[:2]], name[2:]
    if name[:1] in SURNAME_READINGS:
        return (SURNAME_READINGS[name[:1]],), name[1:]
    return (), name


def syllables(name: str, reading: str = "") -> list[str]:
    """The name's syllables: the typed `reading` (see `normalize_reading`) when there is one,
    else the surname's reading followed by pypinyin's for the rest."""
    if reading.strip():
        return normalize_reading(reading).split()
    surname, rest = _surname(name)
    return [*surname, *lazy_pinyin(rest, style=Style.NORMAL, errors="ignore")]


def pinyin_key(name: str, reading: str = "") -> str:
    return "".join(syllables(name, reading)).lower()


def pinyin_initials(name: str, reading: str = "") -> str:
    return "".join(syllable[:1] for syllable in syllables(name, reading)).lower()


def normalize_reading(reading: str) -> str:
    """A typed reading as stored: lower case, ü as v, one space between syllables."""
    text = reading.lower().replace("ü", "v").replace("u:", "v")
    return " ".join(text.split())


def character_readings(text: str) -> list[set[str]]:
    """For each Chinese character of `text` (the beginning of a name), every reading it may
    have there: pypinyin's readings, plus the surname reading at the surname's place."""
    readings: list[set[str]] = []
    for char in text:
        options = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
        if options:
            readings.append({option.lower() for option in options[0]})
    surname, _rest = _surname(text)
    for place, syllable in enumerate(surname[: len(readings)]):
        readings[place].add(syllable)
    return readings


def reading_mismatch(name: str, reading: str) -> str | None:
    """Why a typed `reading` cannot be the reading of `name` ("count", "letters" or the first
    syllable that is no reading of its character), or None when it can."""
    typed = normalize_reading(reading).split()
    if not all(syllable.isascii() and syllable.isalpha() for syllable in typed):
        return "letters"
    expected = character_readings(name)
    if len(typed) != len(expected):
        return "count"
    for syllable, options in zip(typed, expected, strict=True):
        if syllable not in options:
            return syllable
    return None


def reading_prefix(text: str) -> str:
    """The pinyin every name starting with `text` must start with ("" if unknown).

    Characters with one reading contribute it whole; at the first character with several
    readings (曾: ceng/zeng) only their common beginning counts, and the prefix stops there.
    A typed reading gives each character one of its readings, so it keeps to the prefix too.
    """
    prefix = ""
    for options in character_readings(text):
        if len(options) == 1:
            prefix += next(iter(options))
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
