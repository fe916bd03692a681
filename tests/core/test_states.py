"""Every state machine moves only through `core.models.transition`, as its table allows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.models import StateMachine, transition
from members.models import Certificate, FoundArrival, MobilityEpisode
from transfers.models import Transfer

MACHINES = [MobilityEpisode, Transfer, Certificate, FoundArrival]


@pytest.mark.parametrize("model", MACHINES)
def test_every_status_has_its_transitions_written_down(model: type[StateMachine]):
    statuses = {value for value, _label in model._meta.get_field("status").choices}  # type: ignore[attr-defined]
    assert set(model.TRANSITIONS) == statuses
    for targets in model.TRANSITIONS.values():
        assert targets <= statuses


def test_a_move_the_table_allows_is_taken_and_answers_the_status_left():
    episode = MobilityEpisode(status="registered")
    assert transition(episode, "checked_in") == "registered"
    assert episode.status == "checked_in"


def test_a_refused_move_says_why_and_changes_nothing():
    episode = MobilityEpisode(status="returned")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        transition(episode, "checked_in")
    assert refused.value.messages == [
        "This mobility episode is Returned: it cannot become Checked in."
    ]
    assert episode.status == "returned"


def test_an_ended_certificate_stays_ended():
    certificate = Certificate(status="revoked")
    for status in ("valid", "returned", "replaced"):
        assert not certificate.can_become(status)
