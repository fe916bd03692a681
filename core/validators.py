"""Validators for Chinese identity data: ID-card numbers (GB 11643) and mobile phone numbers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# ASCII digits only: Python's \d also matches full-width and other scripts' digits.
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
#: Full-width forms (U+FF01-FF5E: letters, digits, signs; the ideographic space) to ASCII.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def ascii_digits(value: str) -> str:
    """`value` with full-width characters as ASCII and every Unicode decimal digit (Arabic-Indic,
    Devanagari...) as its ASCII digit: what an input method types is what the office meant.
    Superscripts and other digit-like signs ("²") are not decimal digits and stay as they are."""
    if value.isascii():
        return value
    value = value.translate(_FULL_WIDTH)
    return "".join(
        str(unicodedata.decimal(ch))
        if not ch.isascii() and unicodedata.decimal(ch, None) is not None
        else ch
        for ch in value
    )


def id_check_char(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize_id_number(value: str) -> str:
    """An ID-card number as stored: ASCII digits, a capital X, no spaces."""
    return "".join(ascii_digits(value).split()).upper()


def normalize_phone(value: str) -> str:
    """A phone number as stored: ASCII digits, no spaces."""
    return "".join(ascii_digits(value).split())


def id_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def id_gender(value: str) -> str:
    """'M' or 'F' from the sequence code: odd for men, even for women."""
    return "M" if int(value[16]) % 2 == 1 else "F"


def validate_id_number(value: str) -> None:
    value = normalize_id_number(value)
    if len(value) != 18:
        raise ValidationError(
            _("An ID-card number has 18 characters; this one has %(n)d."),
            code="id_length",
            params={"n": len(value)},
        )
    if not _ID_RE.match(value):
        raise ValidationError(
            _("An ID-card number is 17 digits followed by a digit or X."), code="id_format"
        )
    birth = id_birth_date(value)
    if birth is None or birth.year < 1900 or birth > timezone.localdate():
        raise ValidationError(
            _("The birth date in this ID-card number (characters 7-14) is not a real date."),
            code="id_birth",
        )
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check digit of this ID-card number is wrong: please check the number."),
            code="id_check_digit",
        )


def validate_mobile_phone(value: str) -> None:
    if not _PHONE_RE.match(value):
        raise ValidationError(
            _("A mobile phone number has 11 digits and starts with 13-19."), code="phone"
        )


def mask_id_number(value: str) -> str:
    """110***********1234: region digits and the last four, the rest hidden."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


#: No date in this system is earlier: members' births included.
EARLIEST_DATE = dt.date(1900, 1, 1)


def latest_date(today: dt.date | None = None) -> dt.date:
    """The latest date any field accepts: `DATE_MAX_YEARS_AHEAD` years from today."""
    today = today or timezone.localdate()
    year = min(today.year + settings.DATE_MAX_YEARS_AHEAD, dt.MAXYEAR)
    return today.replace(year=year, day=28) if today.day > 28 else today.replace(year=year)


@deconstructible
class DateBounds:
    """The one rule of every date field: not before 1900; not in the future unless the date is
    a plan (an expected return, a validity end, dues paid ahead), and even then not more than
    `DATE_MAX_YEARS_AHEAD` years ahead. A year 0001 or 9999 is a slip of the keyboard, never a
    date anybody meant, and a far-future date breaks every date computed from it."""

    def __init__(self, *, plan: bool = False) -> None:
        self.plan = plan

    def __call__(self, value: dt.date | None) -> None:
        if value is None:
            return
        day = value.date() if isinstance(value, dt.datetime) else value
        if day < EARLIEST_DATE:
            raise ValidationError(
                _("A date before %(earliest)s is not possible here."),
                code="date_too_early",
                params={"earliest": EARLIEST_DATE.isoformat()},
            )
        today = timezone.localdate()
        if not self.plan and day > today:
            raise ValidationError(
                _("This date is in the future: enter the day it happened."), code="date_future"
            )
        latest = latest_date(today)
        if day > latest:
            raise ValidationError(
                _("A date after %(latest)s (%(years)d years ahead) is not possible here."),
                code="date_too_far",
                params={"latest": latest.isoformat(), "years": settings.DATE_MAX_YEARS_AHEAD},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateBounds) and other.plan == self.plan

    def __hash__(self) -> int:
        return hash(self.plan)


#: A date something happened on: 1900 to today.
past_date = DateBounds()
#: A date planned: 1900 to `DATE_MAX_YEARS_AHEAD` years ahead.
plan_date = DateBounds(plan=True)
