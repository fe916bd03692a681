"""Check that every share of a member matches an open check-in, and repair drift on request.

A member is shared with an organization's group exactly while they are checked in there
(`do_check_in` grants, `do_end_episode` revokes). A grant without such a check-in is extra (the
organization sees a member it should not); a check-in without the grant is missing (the inflow
side cannot record the member's life). Run nightly or after a restore:

    manage.py verify_grants            # report; exit status 1 if anything drifted
    manage.py verify_grants --repair   # revoke the extra, grant the missing (audited)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.actions import SHARE_PERMISSIONS, do_share_member, do_unshare_member
from members.models import EpisodeStatus, Member, MemberGroupObjectPermission, MobilityEpisode
from organizations.models import Organization


def expected_shares() -> set[tuple[int, int]]:
    """(member id, organization id) for every open check-in."""
    return set(
        MobilityEpisode.objects.filter(
            status=EpisodeStatus.CHECKED_IN, inflow_org__isnull=False
        ).values_list("member_id", "inflow_org_id")
    )


def actual_shares() -> dict[tuple[int, int], set[str]]:
    """(member id, organization id) → the share permissions its group holds on the member."""
    held: dict[tuple[int, int], set[str]] = {}
    rows = MemberGroupObjectPermission.objects.filter(
        permission__codename__in=SHARE_PERMISSIONS, group__organization__isnull=False
    ).values_list("content_object_id", "group__organization__id", "permission__codename")
    for member_id, org_id, codename in rows:
        held.setdefault((member_id, org_id), set()).add(codename)
    return held


class Command(BaseCommand):
    help = "Report (and with --repair, fix) member shares that do not match an open check-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="revoke extra, grant missing")

    def handle(self, *args: Any, **options: Any) -> None:
        expected = expected_shares()
        actual = actual_shares()
        extra = sorted(set(actual) - expected)
        missing = sorted(
            key for key in expected if actual.get(key, set()) != set(SHARE_PERMISSIONS)
        )
        members = Member.objects.in_bulk([m for m, _o in extra + missing])
        orgs = Organization.objects.in_bulk([o for _m, o in extra + missing])
        for member_id, org_id in extra:
            self.stdout.write(f"extra:   {members[member_id]} → {orgs[org_id]}")
            if options["repair"]:
                do_unshare_member(actor=None, member=members[member_id], organization=orgs[org_id])
        for member_id, org_id in missing:
            self.stdout.write(f"missing: {members[member_id]} → {orgs[org_id]}")
            if options["repair"]:
                do_share_member(actor=None, member=members[member_id], organization=orgs[org_id])
        drift = len(extra) + len(missing)
        if not drift:
            self.stdout.write("every share matches an open check-in")
        elif options["repair"]:
            self.stdout.write(f"repaired {drift}")
        else:
            raise CommandError(f"{drift} shares drifted; run with --repair to fix them")
