"""Check that every share of a member is justified, and repair drift on request.

A member is shared with an organization's group exactly while something justifies it (see
members/sharing.py): an absence checked in there, or a transfer letter issued to it. A grant
without a reason is extra (the organization sees a member it should not); a reason without the
grant is missing (the inflow side cannot record the member's life). Run nightly or after a
restore:

    manage.py verify_grants            # report; exit status 1 if anything drifted
    manage.py verify_grants --repair   # revoke the extra, grant the missing (audited)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from members.models import Member
from members.sharing import do_change_shares, drift
from organizations.models import Organization


class Command(BaseCommand):
    help = "Report (and with --repair, fix) member shares that nothing justifies, or missing ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="revoke extra, grant missing")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            missing, extra = drift()
            keys = [*missing, *extra]
            members = Member.objects.in_bulk([m for m, _o in keys])
            orgs = Organization.objects.select_related("group").in_bulk([o for _m, o in keys])
            # Extra grants are revoked, missing ones granted.
            for label, shares, change in (
                ("extra:  ", extra, "revoke"),
                ("missing:", missing, "grant"),
            ):
                for (member_id, org_id), codenames in sorted(shares.items()):
                    member, org = members[member_id], orgs[org_id]
                    held = ", ".join(sorted(codenames))
                    self.stdout.write(f"{label} {member} → {org} ({held})")
                    if options["repair"]:
                        do_change_shares(
                            actor=None, member=member, organization=org, **{change: codenames}
                        )
        count = len(keys)
        if not count:
            self.stdout.write("every share is justified by a check-in or an issued letter")
        elif options["repair"]:
            self.stdout.write(f"repaired {count}")
        else:
            raise CommandError(f"{count} shares drifted; run with --repair to fix them")
