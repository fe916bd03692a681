"""Pieces of the demo builder that can be checked without building the whole county."""

from __future__ import annotations

import pytest

from members.management.commands.seed_demo import DESTINATIONS, split_destination


@pytest.mark.parametrize(
    ("place", "parts"),
    [
        ("广东省深圳市宝安区", ("广东省", "深圳市", "宝安区")),
        ("上海市闵行区", ("上海市", "", "闵行区")),
        ("广东省东莞市", ("广东省", "东莞市", "东莞市")),
        ("新疆维吾尔自治区乌鲁木齐市天山区", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区")),
    ],
)
def test_destinations_split_into_province_city_county(place, parts):
    assert split_destination(place) == parts


def test_every_demo_destination_has_a_province_and_a_county():
    for place, _street, _city in DESTINATIONS:
        province, _city_part, county = split_destination(place)
        assert province
        assert county
        assert place.startswith(province)
