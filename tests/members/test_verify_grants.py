"""verify_grants: every share matches an open check-in; drift is reported and repaired."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from members.builders import away, check_in
from members.mobility.actions import do_check_in_member
from members.models import Member
from members.sharing import do_unshare_member

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def run(*args: str) -> str:
    out = StringIO()
    call_command("verify_grants", *args, stdout=out)
    return out.getvalue()


def test_drift_is_reported_then_repaired(tree, members, secretary, station):
    # The `shared` fixture member is shared with the station without any check-in: extra.
    member = members["a1"]
    away(member, actor=secretary, out_date=dt.date(2026, 3, 1))
    check_in(member, actor=station, at=tree.bs, on=dt.date(2026, 3, 2))
    # Someone removed the check-in's grant by hand: missing.
    do_unshare_member(actor=None, member=member, organization=tree.bs)
    with pytest.raises(CommandError, match="2 shares drifted"):
        run()
    report = run("--repair")
    assert f"extra:   {members['shared'].name}" in report
    assert f"missing: {member.name}" in report
    station._scope_cache = None
    visible = set(Member.objects.visible_to(station).values_list("pk", flat=True))
    assert member.pk in visible
    assert members["shared"].pk not in visible
    assert "every share is justified" in run()


def test_an_issued_letter_justifies_a_view_share(tree, members, secretary, town):
    from transfers.actions import do_issue_letter, do_start_transfer

    transfer = do_start_transfer(
        actor=secretary,
        member=members["a1"],
        to_org=tree.b1,
        reason="work",
        dues_paid_until=dt.date(2026, 1, 1),
    )
    do_issue_letter(actor=town, transfer=transfer, issued_on=dt.date.today())
    # Only the fixture's unjustified share drifts: the letter's grant is expected.
    with pytest.raises(CommandError, match="1 shares drifted"):
        run()
    run("--repair")
    assert "every share is justified" in run()


def test_no_drift_after_moving_check_ins(tree, members, secretary, station, secretary2):
    """Issue 9, item 4 (the inflow organization where the member lives and works manages them):
    a member who moves on from one inflow organization to another, and back, leaves exactly the
    share of the one they are checked in with; verify_grants finds nothing to repair."""
    member = members["a1"]
    away(member, actor=secretary, out_date=dt.date(2026, 3, 1))
    check_in(member, actor=station, at=tree.bs, on=dt.date(2026, 3, 2))
    for actor, org, day in (
        (secretary2, tree.b1, dt.date(2026, 5, 1)),
        (station, tree.bs, dt.date(2026, 7, 1)),
    ):
        do_check_in_member(
            actor=actor,
            inflow_org=org,
            id_number=member.id_number,
            name=member.name,
            checked_in_on=day,
            moving_on=True,
        )
    # Only the fixture's unjustified share of another member drifts.
    with pytest.raises(CommandError, match="1 shares drifted"):
        run()
    assert f"extra:   {members['shared'].name}" in run("--repair")
    assert "every share is justified" in run()
    station._scope_cache = secretary2._scope_cache = None
    assert Member.objects.visible_to(station).filter(pk=member.pk).exists()
    assert not Member.objects.visible_to(secretary2).filter(pk=member.pk).exists()
