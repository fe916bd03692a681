"""ID-card numbers (GB 11643) and mobile phone numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    id_birth_date,
    id_check_char,
    id_gender,
    mask_id_number,
    validate_id_number,
    validate_mobile_phone,
)

#: The standard's own worked example: 11010519491231002X, a woman born on 31 December 1949.
STANDARD_EXAMPLE = "11010519491231002X"
VALID = "110101196001010011"


def _error_code(validator, value: str) -> str:
    with pytest.raises(ValidationError) as info:
        validator(value)
    return str(info.value.code)


def test_the_standards_example_is_valid_and_ends_in_x():
    assert id_check_char(STANDARD_EXAMPLE[:17]) == "X"
    validate_id_number(STANDARD_EXAMPLE)


def test_a_valid_number_passes():
    validate_id_number(VALID)


def test_a_lowercase_x_is_accepted():
    validate_id_number(STANDARD_EXAMPLE.lower())


def test_birth_date_and_gender_come_from_the_number():
    assert id_birth_date(STANDARD_EXAMPLE) == dt.date(1949, 12, 31)
    assert id_gender(STANDARD_EXAMPLE) == "F"
    assert id_gender(VALID) == "M"


@pytest.mark.parametrize("wrong", [c for c in "0123456789X" if c != VALID[-1]])
def test_every_other_check_character_is_rejected(wrong):
    assert _error_code(validate_id_number, VALID[:17] + wrong) == "id_check_digit"


@pytest.mark.parametrize("value", ["", "11010119600101001", "1101011960010100111", "110101"])
def test_wrong_length_is_rejected(value):
    assert _error_code(validate_id_number, value) == "id_length"


@pytest.mark.parametrize(
    "value", ["11010119600101001A", "X10101196001010011", "1101011960-1010011"]
)
def test_letters_other_than_a_final_x_are_rejected(value):
    assert _error_code(validate_id_number, value) == "id_format"


@pytest.mark.parametrize(
    "birth",
    [
        "19600230",  # 30 February
        "19601301",  # month 13
        "19600100",  # day 0
        "18991231",  # before 1900: an old-style typo, not a living member
    ],
)
def test_an_impossible_birth_date_is_rejected(birth):
    first17 = f"110101{birth}001"
    assert _error_code(validate_id_number, first17 + id_check_char(first17)) == "id_birth"


def test_the_length_message_counts_the_characters():
    with pytest.raises(ValidationError) as info:
        validate_id_number("1234")
    assert info.value.params == {"n": 4}


def test_mask_shows_region_and_last_four_only():
    assert mask_id_number(STANDARD_EXAMPLE) == "110***********002X"
    assert len(mask_id_number(STANDARD_EXAMPLE)) == 18


def test_mask_hides_a_short_value_entirely():
    assert mask_id_number("1234567") == "*******"


@pytest.mark.parametrize("phone", ["13800138000", "19912345678", "16600000000"])
def test_valid_mobile_phones(phone):
    validate_mobile_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "1380013800",
        "138001380000",
        "12800138000",
        "23800138000",
        "1380013800a",
        "",
        "+8613800138000",
    ],
)
def test_invalid_mobile_phones(phone):
    assert _error_code(validate_mobile_phone, phone) == "phone"


def test_a_birth_date_in_the_future_is_rejected():
    future = dt.date.today() + dt.timedelta(days=400)
    first17 = f"110101{future:%Y%m%d}001"
    assert _error_code(validate_id_number, first17 + id_check_char(first17)) == "id_birth"
