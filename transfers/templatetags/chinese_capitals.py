"""Chinese capital numerals (大写数字) as the official letter writes them.

The introduction letter writes the validity in days and the month the dues are paid up to in
capitals, so that they cannot be altered by hand: 30 → 叁拾, 2026-11 → 贰零贰陆年拾壹月.
"""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()

DIGITS = "零壹贰叁肆伍陆柒捌玖"
#: Units of the four places of a group: ones, tens, hundreds, thousands.
UNITS = ("", "拾", "佰", "仟")


def capital_number(value: int) -> str:
    """0 ≤ value ≤ 9999 in capitals, read aloud: 30 → 叁拾, 11 → 拾壹, 105 → 壹佰零伍.

    A leading one in the tens is dropped (拾壹, not 壹拾壹), as months and days are written;
    a zero inside the number is read once (壹仟零伍), trailing zeros not at all.
    """
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
        if not (digit == 1 and place == 1 and index == 0):
            parts.append(DIGITS[digit])
        parts.append(UNITS[place])
    return "".join(parts)


def capital_digits(value: int) -> str:
    """Digit by digit, as a year is read: 2026 → 贰零贰陆."""
    return "".join(DIGITS[int(d)] for d in str(value))


def capital_year_month(day: dt.date) -> str:
    """2026-11-01 → 贰零贰陆年拾壹月."""
    return f"{capital_digits(day.year)}年{capital_number(day.month)}月"


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
