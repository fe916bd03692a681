"""Chinese capital numerals (大写) as the introduction letter writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from transfers.templatetags.chinese_capitals import (
    capital_digits,
    capital_month,
    capital_number,
    capital_year_month,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "零"),
        (1, "壹"),
        (7, "柒"),
        (10, "拾"),
        (11, "拾壹"),
        (12, "拾贰"),
        (15, "拾伍"),
        (20, "贰拾"),
        (30, "叁拾"),
        (45, "肆拾伍"),
        (90, "玖拾"),
        (100, "壹佰"),
        (101, "壹佰零壹"),
        (110, "壹佰壹拾"),
        (1005, "壹仟零伍"),
        (1010, "壹仟零壹拾"),
        (2026, "贰仟零贰拾陆"),
        (9999, "玖仟玖佰玖拾玖"),
    ],
)
def test_capital_number(value, expected):
    """As read aloud: the setting CAPITALS_ANTI_ALTERATION off."""
    assert capital_number(value, guarded=False) == expected


@pytest.mark.parametrize("value", [-1, 10000])
def test_out_of_range_is_refused(value):
    with pytest.raises(ValueError, match="out of range"):
        capital_number(value)


def test_a_year_is_read_digit_by_digit():
    assert capital_digits(2026) == "贰零贰陆"
    assert capital_digits(2000) == "贰零零零"


def test_year_and_month():
    assert capital_year_month(dt.date(2026, 11, 1), guarded=False) == "贰零贰陆年拾壹月"
    assert capital_year_month(dt.date(2027, 1, 31), guarded=False) == "贰零贰柒年壹月"
    assert capital_year_month(dt.date(2030, 10, 5), guarded=False) == "贰零叁零年拾月"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10, "壹拾"), (15, "壹拾伍"), (30, "叁拾"), (45, "肆拾伍"), (110, "壹佰壹拾"), (7, "柒")],
)
def test_amounts_take_the_anti_alteration_form_by_default(value, expected):
    """Issue 9, item 12: amounts of days keep the leading 壹 of the tens (壹拾, 壹拾伍), a
    setting on by default."""
    assert capital_number(value) == expected


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (1, "零壹"),
        (2, "零贰"),
        (3, "叁"),
        (9, "玖"),
        (10, "零壹拾"),
        (11, "壹拾壹"),
        (12, "壹拾贰"),
    ],
)
def test_months_take_the_anti_alteration_form_by_default(month, expected):
    """Issue 9, item 12: months 1, 2 and 10 take a leading 零 (零壹月), 11 and 12 a leading 壹
    (the People's Bank rule for dates on bills)."""
    assert capital_month(month) == expected
    assert capital_year_month(dt.date(2026, month, 1)) == f"贰零贰陆年{expected}月"


def test_the_setting_turns_the_spoken_form_back_on(settings):
    """Issue 9, item 12: the anti-alteration form is a setting."""
    settings.CAPITALS_ANTI_ALTERATION = False
    assert capital_number(15) == "拾伍"
    assert capital_year_month(dt.date(2026, 1, 1)) == "贰零贰陆年壹月"


def test_the_filters_in_a_template():
    template = Template(
        "{% load chinese_capitals %}{{ days|capital }}|{{ month|capital_year_month }}|"
        "{{ junk|capital }}|{{ junk|capital_year_month }}"
    )
    rendered = template.render(Context({"days": 15, "month": dt.date(2026, 1, 1), "junk": "abc"}))
    assert rendered == "壹拾伍|贰零贰陆年零壹月||"
