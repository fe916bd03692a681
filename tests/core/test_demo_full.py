"""The full demo county, built once in the suite (about half a minute): what `make run` loads."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from education.life import without_life
from members.models import Certificate, FoundArrival, Member, MobilityEpisode
from members.sharing import drift
from organizations.models import Notice, Organization
from tests import channels
from tests.core.test_demo import (
    assert_a_year_of_organizational_life,
    assert_away_members_mostly_checked_in,
)
from tests.members.dues.test_demo import assert_dues_look_real
from transfers.models import Transfer, TransferStatus


@pytest.mark.django_db
def test_the_whole_demo_county_builds_with_every_state(
    settings, django_capture_on_commit_callbacks
):
    """`make run`'s demo, built once as a newcomer would get it: every feature has rows to
    show, and every share it made is justified."""
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
    # Issue 9, item 5: mostly checked in, many outside the system, a minority not checked in,
    # and a few percent of the mobile members out of touch, not a fifth of them.
    assert_away_members_mostly_checked_in()
    mobile = Member.objects.active().filter(is_mobile=True)
    assert mobile.filter(lost_contact=True).count() < mobile.count() / 10
    # Issue 10: a year of meetings and attendance.
    inflow_only = assert_a_year_of_organizational_life()
    # Some of them stopped coming to the inflow organization over six months ago (article 38).
    assert without_life(inflow_only, as_of=timezone.localdate()).exists()
    # Issue 11: two years of dues as in a real county: 10 to 20 % of the members owe a month or
    # more, 1 to 3 % six months or more (the party constitution art. 9).
    assert_dues_look_real(0.10, 0.20, 0.01, 0.03)
    # The demo refuses to run twice.
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
