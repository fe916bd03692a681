"""verify_grants: every share matches an open check-in; drift is reported and repaired."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from members.builders import away, check_in
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
