"""Chinese capital numerals (大写数字) as the official letter writes them.

The introduction letter writes the validity in days and the month the dues are paid up to in
capitals, so that they cannot be altered by hand. With settings.CAPITALS_ANTI_ALTERATION (on by
default, Issue 9, item 12) they take the anti-alteration form of the People's Bank rules for
bills: an amount keeps the leading 壹 of its tens (壹拾, 壹拾伍: a bare 拾伍 takes a digit in
front), and months 1, 2 and 10 take a leading 零 (零壹月, 零贰月, 零壹拾月; 11 and 12 are 壹拾壹月,
壹拾贰月). Off, they are written as read aloud: 拾伍, 壹月, 拾壹月.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.conf import settings

register = template.Library()

DIGITS = "零壹贰叁肆伍陆柒捌玖"
#: Units of the four places of a group: ones, tens, hundreds, thousands.
UNITS = ("", "拾", "佰", "仟")


def anti_alteration() -> bool:
    return bool(settings.CAPITALS_ANTI_ALTERATION)


def capital_number(value: int, *, guarded: bool | None = None) -> str:
    """0 ≤ value ≤ 9999 in capitals: 30 → 叁拾, 15 → 壹拾伍, 105 → 壹佰零伍.

    `guarded` (default: the setting) keeps the leading one in the tens (壹拾伍); without it the
    number is written as read aloud (拾伍). A zero inside the number is read once (壹仟零伍),
    trailing zeros not at all.
    """
    if guarded is None:
        guarded = anti_alteration()
    if not 0 <= value <= 9999:
        raise ValueError(f"{value} is out of range for a capital numeral (0-9999)")
    if value == 0:
        return DIGITS[0]
    digits = [int(d) for d in str(value)]
    places = len(digits)
    parts: list[str] = []
    pending_zero = False
    for index, digit in enumerate(digits):
        place = places - 1 - index
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(DIGITS[0])
            pending_zero = False
        if guarded or not (digit == 1 and place == 1 and index == 0):
            parts.append(DIGITS[digit])
        parts.append(UNITS[place])
    return "".join(parts)


def capital_digits(value: int) -> str:
    """Digit by digit, as a year is read: 2026 → 贰零贰陆."""
    return "".join(DIGITS[int(d)] for d in str(value))


def capital_month(month: int, *, guarded: bool | None = None) -> str:
    """1 → 零壹 and 11 → 壹拾壹 (`guarded`, default the setting), or 壹 and 拾壹 as read."""
    if guarded is None:
        guarded = anti_alteration()
    written = capital_number(month, guarded=guarded)
    return DIGITS[0] + written if guarded and month in (1, 2, 10) else written


def capital_year_month(day: dt.date, *, guarded: bool | None = None) -> str:
    """2026-01-01 → 贰零贰陆年零壹月 (贰零贰陆年壹月 unguarded)."""
    return f"{capital_digits(day.year)}年{capital_month(day.month, guarded=guarded)}月"


@register.filter(name="capital")
def capital_filter(value: object) -> str:
    """`{{ 30|capital }}` → 叁拾; empty for anything that is not a whole number in range."""
    try:
        return capital_number(int(str(value)))
    except ValueError:
        return ""


@register.filter(name="capital_year_month")
def capital_year_month_filter(value: object) -> str:
    """`{{ date|capital_year_month }}` → 贰零贰陆年拾壹月; empty for anything but a date."""
    if isinstance(value, dt.date):
        return capital_year_month(value)
    return ""
