"""Check constraints validated together (core.constraints): the same errors as Django's own
validation, in fewer queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from members.models import MobilityEpisode
from transfers.models import Transfer

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

LEFT = dt.date(2026, 3, 1)


def errors(validate) -> dict[str, list[str]] | None:
    try:
        validate()
    except ValidationError as error:
        return error.message_dict
    return None


def episode(member, **fields) -> MobilityEpisode:
    values = {
        "member": member,
        "home_org": member.home_org,
        "out_date": LEFT,
        "destination_province": "浙江省",
        "destination_county": "北仑区",
        "occupation": "migrant",
        "reason": "务工",
        **fields,
    }
    return MobilityEpisode(**values)


@pytest.mark.parametrize(
    ("fields", "exclude"),
    [
        ({}, None),
        ({"checked_in_on": LEFT - dt.timedelta(days=1)}, None),
        # Two broken at once, and one of them about a field the caller leaves out.
        ({"status": "lost", "ended_on": LEFT - dt.timedelta(days=3)}, None),
        ({"status": "lost", "ended_on": LEFT - dt.timedelta(days=3)}, {"ended_on"}),
        ({"expected_return": LEFT - dt.timedelta(days=2)}, {"out_date"}),
    ],
)
def test_the_errors_are_djangos_own(members, fields, exclude):
    record = episode(members["a1"], **fields)
    ours = errors(lambda: record.validate_constraints(exclude=exclude))
    djangos = errors(lambda: models.Model.validate_constraints(record, exclude=exclude))
    assert ours == djangos


def test_a_broken_transfer_names_the_constraint(members, tree):
    transfer = Transfer(member=members["a1"], from_org=tree.a1, to_org=tree.a1, valid_days=0)
    with translation.override("en"):
        ours = errors(transfer.validate_constraints)
        assert ours == errors(lambda: models.Model.validate_constraints(transfer))
    assert ours is not None
    assert "A member cannot be transferred to their own branch." in ours["__all__"]


def test_the_checks_cost_one_query(members):
    record = episode(members["a1"])
    with CaptureQueriesContext(connection) as ours:
        record.validate_constraints()
    with CaptureQueriesContext(connection) as djangos:
        models.Model.validate_constraints(record)
    # Each check is a query in a savepoint: the seven checks together (issue 9, item 11 added
    # one designated contact at most), and the unique constraint of one current absence per
    # member, instead of eight.
    assert (len(ours), len(djangos)) == (2 * 3, 8 * 3)
