"""The report files of these tests go to the test's own folder, and notices to a recorder."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import QuerySet

from members.models import Member
from oversight import rules as registry
from tests import channels


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def recording(settings):
    settings.NOTIFICATION_CHANNELS = ["tests.channels.RecordingChannel"]
    channels.SENT.clear()
    yield channels.SENT
    channels.SENT.clear()


#: Rules of the groups the report's sheets are made of, for alerts made by hand (the real
#: rules' codes may differ; these never collide with them).
FAKE_RULES = {
    "test_life": "six_months",
    "test_lost": "standing",
    "test_nominal": "mobility",
    "test_coverage": "coverage",
}


def no_breach(as_of: dt.date) -> QuerySet[Any]:
    return Member.objects.none()


@pytest.fixture
def fake_rules():
    added = []
    for code, group in FAKE_RULES.items():
        if code not in registry.RULES:
            registry.RULES[code] = registry.Rule(code, code, "", group, no_breach)
            added.append(code)
    yield
    for code in added:
        del registry.RULES[code]
