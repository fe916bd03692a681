"""The audit plumbing: every action names its actor, explicit events carry the org path."""

from __future__ import annotations

import pytest

from core.actions import action
from core.models import AuditEntry, acting_as, current_actor, record_event
from members.models import Member
from members.register.actions import do_reveal_id_number
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def test_an_action_must_be_called_with_actor():
    @action
    def do_nothing(*, actor):
        return actor

    with pytest.raises(TypeError, match="actor="):
        do_nothing()  # type: ignore[call-arg]


def test_an_action_runs_in_one_transaction(tree, town):
    @action
    def do_two_things(*, actor):
        MemberFactory.create(name="半途", home_org=tree.a1, actor=actor)
        raise RuntimeError("second step failed")

    with pytest.raises(RuntimeError):
        do_two_things(actor=town)
    assert not Member.objects.filter(name="半途").exists()
    assert not AuditEntry.objects.filter(object_repr="半途").exists()


def test_acting_as_nests_and_restores(secretary, town):
    assert current_actor() is None
    with acting_as(town):
        with acting_as(secretary):
            assert current_actor() == secretary
        assert current_actor() == town
    assert current_actor() is None


def test_record_event_takes_the_org_path_from_the_record(members, town):
    entry = do_reveal_id_number(actor=town, member=members["a2"])
    assert entry == members["a2"].id_number
    logged = AuditEntry.objects.get(event="member.id_number_viewed")
    assert logged.org_path == members["a2"].home_org.path


def test_record_event_may_be_given_an_org_path(tree, members, town):
    entry = record_event(
        actor=town, instance=members["a1"], event="member.exported", org_path=tree.town_a.path
    )
    assert (entry.org_path, entry.actor, entry.event) == (tree.town_a.path, town, "member.exported")
    assert entry.action == AuditEntry.Action.ACCESS
