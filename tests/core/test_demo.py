"""Pieces of the demo builder that can be checked without building the whole county."""

from __future__ import annotations

import pytest
from django.core.management import CommandError

from members.demo.mobility import split_destination
from members.demo.people import DESTINATIONS


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


@pytest.mark.django_db
def test_the_whole_demo_county_builds_with_every_state(
    settings, django_capture_on_commit_callbacks
):
    """`make run`'s demo, built once as a newcomer would get it (about a minute): every feature
    has rows to show, and every share it made is justified."""
    from io import StringIO

    from django.core.management import call_command

    from members.models import Certificate, FoundArrival, Member, MobilityEpisode
    from members.sharing import drift
    from organizations.models import Notice, Organization
    from tests import channels
    from transfers.models import Transfer, TransferStatus

    settings.NOTIFICATION_CHANNELS = ["tests.channels.RecordingChannel"]
    channels.SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    # The demo's notices are in the app; no SMS or e-mail left for its made-up people.
    assert channels.SENT == []
    assert Notice.objects.exists()
    assert Organization.objects.count() > 100
    assert Member.objects.count() > 3000
    assert set(MobilityEpisode.objects.values_list("status", flat=True)) >= {
        "registered",
        "checked_in",
        "returned",
        "lost",
    }
    assert MobilityEpisode.objects.filter(origin="found").exists()
    assert FoundArrival.objects.exists()
    assert set(Certificate.objects.values_list("status", flat=True)) >= {
        "valid",
        "revoked",
        "replaced",
    }
    assert set(Transfer.objects.values_list("status", flat=True)) == set(TransferStatus.values)
    assert drift() == ({}, {})
    # The demo refuses to run twice.
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
