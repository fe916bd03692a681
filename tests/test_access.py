"""Who gets which answer from every page: the access table of the whole app.

One row per (view, target); one column per persona, in the order of `PERSONAS`:
anonymous, secretary (A1), committee (A1), town (A), county, secretary2 (B1), station (B-S),
inspector (county, read-only), superuser. See tests/conftest.py for the tree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from education.attendance.actions import do_add_group_member
from education.builders import hold_meeting
from education.evaluation.actions import default_year
from education.meetings.actions import do_attach_meeting_file
from education.models import GroupMembership
from education.study.builders import give_post, publish
from ledgers import exports
from ledgers.models import ExportJob, ExportMode, ExportStatus, ImportBatch, ImportStatus
from members.builders import (
    away,
    check_in,
    decide_standing,
    found_arrival,
    issue_certificate,
    pay_dues,
    set_dues_standard,
)
from members.models import MobilityEpisode
from organizations.models import OrgKind, Role
from organizations.notices import do_notify_organization
from oversight.builders import assign_work, exempt
from oversight.handling.actions import do_start_procedure
from oversight.models import NightlyRun, RunTrigger
from tests.conftest import PERSONAS
from tests.factories import OrganizationFactory, make_id_number
from tests.lockouts import lock_out
from tests.oversight.alerts.builders import make_alert
from tests.oversight.reports.helpers import alert, nightly, report_of
from tests.permissions import LOGIN, assert_access
from transfers.builders import transfer_in
from transfers.models import TransferStatus

pytestmark = pytest.mark.shared_world

L = LOGIN


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[Targets], str]
    expected: tuple[int | str, ...]
    method: str = "get"
    data: dict[str, object] | None = None


@dataclass
class Targets:
    """What a row's URL points at; built lazily, so each case pays only for what it uses."""

    request: pytest.FixtureRequest

    def __getattr__(self, fixture: str) -> Any:
        return self.request.getfixturevalue(fixture)


def member_url(view: str, member: str) -> Callable[[Targets], str]:
    return lambda w: reverse(view, args=[w.members[member].pk])


def org_url(view: str, org: str) -> Callable[[Targets], str]:
    return lambda w: reverse(view, args=[getattr(w.tree, org).pk])


def staff_url(view: str, persona: str) -> Callable[[Targets], str]:
    return lambda w: reverse(view, args=[getattr(w, persona).pk])


def notice_url(org: str) -> Callable[[Targets], str]:
    def url(w: Targets) -> str:
        notice = do_notify_organization(actor=None, organization=getattr(w.tree, org), title="通知")
        return reverse("notice_open", args=[notice.pk])

    return url


def role_url(persona: str) -> Callable[[Targets], str]:
    def url(w: Targets) -> str:
        user = getattr(w, persona)
        role = Role.objects.get(user=user, revoked_at__isnull=True)
        return reverse("staff:revoke_role", args=[user.pk, role.pk])

    return url


def lockout_url(persona: str) -> Callable[[Targets], str]:
    """Lifting the login lockout of `persona` (locked out just now)."""

    def url(w: Targets) -> str:
        user = getattr(w, persona)
        lock_out(user)
        return reverse("staff:lift_lockout", args=[user.pk])

    return url


def episode_url(view: str) -> Callable[[Targets], str]:
    def url(w: Targets) -> str:
        episode = w.checked_in_episode
        return reverse(view, args=[episode.member_id, episode.pk])

    return url


@pytest.fixture
def checked_in_episode(members, tree, superuser) -> MobilityEpisode:
    member = members["a1"]
    away(member, actor=superuser, out_date=dt.date(2026, 3, 1))
    return check_in(member, actor=superuser, at=tree.bs, on=dt.date(2026, 3, 5))


def away_episode_url(view: str) -> Callable[[Targets], str]:
    def url(w: Targets) -> str:
        episode = w.away_episode
        return reverse(view, args=[episode.member_id, episode.pk])

    return url


@pytest.fixture
def away_episode(members, superuser) -> MobilityEpisode:
    """a1 away, registered and not checked in anywhere in the system."""
    return away(members["a1"], actor=superuser, out_date=dt.date(2026, 3, 1))


def found_arrival_url(view: str) -> Callable[[Targets], str]:
    """A person found outside the system, recorded at station B-S."""

    def url(w: Targets) -> str:
        arrival = found_arrival(
            actor=w.superuser,
            at=w.tree.bs,
            id_number=make_id_number(dt.date(1988, 8, 8), sequence=7, gender="M", region="330102"),
            name="赵外来",
            on=dt.date(2026, 3, 5),
        )
        return reverse(view, args=[arrival.pk])

    return url


def certificate_url(view: str) -> Callable[[Targets], str]:
    """An activity certificate of a1's member, issued after the check-in at station B-S."""

    def url(w: Targets) -> str:
        episode = w.checked_in_episode
        certificate = issue_certificate(episode.member, actor=w.superuser, on=dt.date(2026, 3, 6))
        return reverse(view, args=[certificate.pk])

    return url


def decision_url(view: str) -> Callable[[Targets], str]:
    """A suspension of a1's member proposed by the A1 secretary, awaiting township A."""

    def url(w: Targets) -> str:
        decision = decide_standing(w.members["a1"], kind="suspend", proposer=w.secretary)
        return reverse(view, args=[decision.pk])

    return url


def transfer_url(view: str, state: str) -> Callable[[Targets], str]:
    """A transfer of a1's member to branch B1 (issued by township A), in `state`; "out" is one
    issued out of the system."""

    def url(w: Targets) -> str:
        out = state == "out"
        transfer = transfer_in(
            TransferStatus.ISSUED if out else state,
            member=w.members["a1"],
            to="外省某党委" if out else w.tree.b1,
            actor=w.superuser,
            reason="务工",
        )
        return reverse(view, args=[transfer.pk])

    return url


def meeting_url(view: str, org: str) -> Callable[[Targets], str]:
    """A theme party day held by `org` (issue 10, item 1)."""

    def url(w: Targets) -> str:
        meeting = hold_meeting(
            getattr(w.tree, org), actor=w.superuser, held_on=dt.date(2026, 3, 10)
        )
        return reverse(view, args=[meeting.pk])

    return url


def column_item_url(view: str, org: str) -> Callable[[Targets], str]:
    """A study material for everyone, worth 2 hours, published by `org` (issue 10, item 6)."""

    def url(w: Targets) -> str:
        item = publish(getattr(w.tree, org), actor=w.superuser)
        return reverse(view, args=[item.pk])

    return url


def meeting_file_url(view: str) -> Callable[[Targets], str]:
    """A PDF attached to a meeting of branch A1, stored under the test's own folder."""

    def url(w: Targets) -> str:
        w.settings.PRIVATE_MEDIA_ROOT = w.tmp_path
        meeting = hold_meeting(w.tree.a1, actor=w.superuser, held_on=dt.date(2026, 3, 10))
        upload = SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 minutes")
        attachment = do_attach_meeting_file(actor=w.superuser, meeting=meeting, upload=upload)
        return reverse(view, args=[meeting.pk, attachment.pk])

    return url


def branch_post_url(view: str) -> Callable[[Targets], str]:
    """a1's member, secretary of branch A1 since 2025."""

    def url(w: Targets) -> str:
        post = give_post(w.members["a1"], actor=w.superuser, since=dt.date(2025, 1, 1))
        return reverse(view, args=[post.pk])

    return url


def evaluation_url(view: str, member: str) -> Callable[[Targets], str]:
    """A democratic evaluation page of `member` for the year evaluated by default."""
    return lambda w: reverse(view, args=[w.members[member].pk, default_year()])


def checked_in_evaluation_url(view: str) -> Callable[[Targets], str]:
    """The same, for a1's member checked in at station B-S."""
    return lambda w: reverse(view, args=[w.checked_in_episode.member_id, default_year()])


def dues_review_url(org: str) -> Callable[[Targets], str]:
    """The yearly dues review of `org` (issue 11)."""
    return lambda w: reverse("members:dues_review") + f"?org={getattr(w.tree, org).pk}"


def dues_rates_url(view: str, county: str) -> Callable[[Targets], str]:
    """A dues rates page of the tree's county, or of another county nobody here works for."""

    def url(w: Targets) -> str:
        if county == "other":
            other = OrganizationFactory.create(name="丙县委", kind=OrgKind.COUNTY_COMMITTEE)
            return reverse(view) + f"?county={other.pk}"
        return reverse(view) + f"?county={w.tree.county.pk}"

    return url


def dues_payment_url(view: str, at_station: bool = False) -> Callable[[Targets], str]:
    """A payment of a1's dues (its standard from January of last year): at home, or at station
    B-S while a1 is checked in there (issue 11)."""

    def url(w: Targets) -> str:
        member = w.checked_in_episode.member if at_station else w.members["a1"]
        set_dues_standard(member, actor=w.superuser)
        first = dt.date(timezone.localdate().year - 1, 1, 1)
        org = w.tree.bs if at_station else None
        payment = pay_dues(member, actor=w.superuser, first_month=first, org=org)
        return reverse(view, args=[payment.pk])

    return url


def checked_in_member_url(view: str) -> Callable[[Targets], str]:
    return lambda w: reverse(view, args=[w.checked_in_episode.member_id])


def fixed(name: str) -> Callable[[Targets], str]:
    return lambda w: reverse(name)


def import_batch_url(view: str) -> Callable[[Targets], str]:
    """A checked member import with problems, uploaded by `town` (issue 13)."""

    def url(w: Targets) -> str:
        batch = ImportBatch.objects.create(
            kind="members",
            title="党员信息",
            requested_by=w.town,
            file_name="党员.xlsx",
            file_size=10,
            sha256="",
            status=ImportStatus.INVALID,
            problems=[{"row": 2, "column": "姓名", "message": "必填"}],
        )
        return reverse(view, args=[batch.pk])

    return url


def export_job_url(view: str) -> Callable[[Targets], str]:
    """A finished background export of the roster, requested by `town` (issue 13)."""

    def url(w: Targets) -> str:
        job = ExportJob.objects.create(
            ledger="roster",
            title="党员花名册",
            requested_by=w.town,
            mode=ExportMode.TASK,
            status=ExportStatus.DONE,
            rows_total=3,
            rows_done=3,
            file_name="党员花名册.xlsx",
            expires_at=timezone.now() + dt.timedelta(hours=1),
        )
        job.file = exports.private_path(job)
        path = Path(settings.PRIVATE_MEDIA_ROOT) / job.file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK")
        job.save()
        return reverse(view, args=[job.pk])

    return url


def sheet_url(org: str) -> Callable[[Targets], str]:
    """The dues sheet of `org` for this month (issue 11)."""
    return lambda w: reverse("members:dues_sheet") + f"?org={getattr(w.tree, org).pk}"


def meeting_today_url(view: str, org: str) -> Callable[[Targets], str]:
    """A meeting of `org` held today, without attendance (issue 10)."""

    def url(w: Targets) -> str:
        meeting = hold_meeting(getattr(w.tree, org), actor=w.superuser)
        return reverse(view, args=[meeting.pk])

    return url


def a1_party_group(w: Targets) -> GroupMembership:
    """A party group of branch A1 holding a1's member (issue 10, item 2)."""
    group = OrganizationFactory.create(
        parent=w.tree.a1, name="甲一第一党小组", kind=OrgKind.PARTY_GROUP
    )
    return do_add_group_member(
        actor=w.superuser, group=group, member=w.members["a1"], joined_on=dt.date(2026, 3, 1)
    )


def group_url(view: str) -> Callable[[Targets], str]:
    return lambda w: reverse(view, args=[a1_party_group(w).organization_id])


def nightly_report_url(view: str, org: str) -> Callable[[Targets], str]:
    """The nightly report of `org` (issue 12, item 6) as of a day when branches A1 and B1 had
    overdue dues (so their reports and those above have an Excel file, under the test's own
    folder)."""

    def url(w: Targets) -> str:
        w.settings.PRIVATE_MEDIA_ROOT = w.tmp_path
        alert(w.members["a1"])
        alert(w.members["b1"])
        nightly()
        return reverse(view, args=[report_of(getattr(w.tree, org)).pk])

    return url


def exemption_url(view: str) -> Callable[[Targets], str]:
    """A proper reason recorded for a1 (issue 12)."""

    def url(w: Targets) -> str:
        today = timezone.localdate()
        record = exempt(w.members["a1"], actor=w.superuser, starts_on=today, ends_on=today)
        return reverse(view, args=[record.pk])

    return url


def alert_url(view: str, which: str) -> Callable[[Targets], str]:
    """An open alert (issue 12, item 2): "a1", a1's overdue dues at branch A1; "shared", the
    inflow member's (held by A2) at station B-S, the organization that must act."""

    def url(w: Targets) -> str:
        member = w.members[which]
        org = w.tree.a1 if which == "a1" else w.tree.bs
        alert = make_alert(organization=org, member=member)
        return reverse(view, args=[alert.pk])

    return url


def work_url(view: str) -> Callable[[Targets], str]:
    """Work assigned to a1 (issue 12)."""

    def url(w: Targets) -> str:
        return reverse(view, args=[assign_work(w.members["a1"], actor=w.superuser).pk])

    return url


# fmt: off
def nightly_run_url(w: Targets) -> str:
    """A finished run of the nightly checks (the run log's detail page)."""
    run = NightlyRun.objects.create(
        as_of=timezone.localdate(), trigger=RunTrigger.COMMAND, started_at=timezone.now()
    )
    return reverse("oversight:run", args=[run.pk])


ROWS = [
    #                                   anon sec  com  town cnty sec2 stn  insp su
    Row("members:list", fixed("members:list"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:create", fixed("members:create"),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("members:detail[a1]", member_url("members:detail", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("members:detail[shared]", member_url("members:detail", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 200, 200)),
    # The five cards print what the member's page shows: whoever sees the member, including the
    # inflow side it is shared with (station B-S) and the committees above it.
    Row("members:five_cards[a1]", member_url("members:five_cards", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("members:five_cards[shared]", member_url("members:five_cards", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 200, 200)),
    # A member's organizational life (issue 10, item 3): whoever sees the member, with every
    # row wherever it was recorded (the inflow side B-S sees its shared member's).
    Row("education:member_life[a1]", member_url("education:member_life", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("education:member_life[shared]", member_url("education:member_life", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 200, 200)),
    Row("members:edit[a1]", member_url("members:edit", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:edit[shared]", member_url("members:edit", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:archive[a1]", member_url("members:archive", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:archive[shared]", member_url("members:archive", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:restore[a1]", member_url("members:restore", "a1"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post"),
    Row("members:reveal_id[a1]", member_url("members:reveal_id", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200),
        method="post"),
    Row("members:reveal_id[shared]", member_url("members:reveal_id", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200),
        method="post"),
    Row("members:outflow[a1]", member_url("members:outflow", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:outflow[shared]", member_url("members:outflow", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    # a1's member away and checked in at station B-S: the station sees it but may not end it.
    Row("members:end_episode[a1 at bs]", episode_url("members:end_episode"),
                                        (L,  200, 200, 200, 200, 404, 403, 403, 200)),
    # Issue 9, item 4: changes while away are recorded by the home side and by the inflow side
    # the member is checked in with (station B-S, its own fields); the inspector only reads.
    Row("members:update_episode[a1 at bs]", episode_url("members:update_episode"),
                                        (L,  200, 200, 200, 200, 404, 200, 403, 200)),
    # Issue 9, item 5: a check-in outside the system is recorded by the home side only; an
    # inflow organization that sees the member (checked in at B-S) may not record it.
    Row("members:outside_check_in[a1 away]", away_episode_url("members:outside_check_in"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:outside_check_in[a1 at bs]", episode_url("members:outside_check_in"),
                                        (L,  200, 200, 200, 200, 404, 403, 403, 200)),
    Row("members:outside_check_in[a1 away, recorded]",
        away_episode_url("members:outside_check_in"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post",
        data={"organization_name": "中共东莞市长安镇委员会", "contact_name": "陈主任",
              "contact_phone": "0769-85330000", "checked_in_on": "2026-03-10",
              "confirmed_by": "phone"}),
    Row("members:check_in", fixed("members:check_in"),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    # The mobile members' lists: every role reads its own (scope is in the rows, tested in
    # tests/members/lists/test_lists.py); an organization outside scope in the filter is a 404.
    Row("members:mobile", fixed("members:mobile"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    *[Row(f"members:{slug}", fixed(f"members:{slug}"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200))
      for slug in ("away", "checked_in_here", "checked_in_outside", "not_checked_in",
                   "contact_overdue",
                   "report_overdue", "lost", "suspension_due", "strike_off_due")],
    Row("members:away[org=town_b]", lambda w: reverse("members:away") + f"?org={w.tree.town_b.pk}",
                                        (L,  404, 404, 404, 200, 404, 404, 200, 200)),
    # Certificates: issued by the home side; a1's certificate while checked in at station B-S is
    # seen by the station, which fills the inflow and departure parts but not the home side's.
    Row("members:certificate_issue[a1]", member_url("members:certificate_issue", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:certificate_issue[shared]", member_url("members:certificate_issue", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:certificates", fixed("members:certificates"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:certificates_unchecked", fixed("members:certificates_unchecked"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:certificate[a1 at bs]", certificate_url("members:certificate"),
                                        (L,  200, 200, 200, 200, 404, 200, 200, 200)),
    Row("members:certificate_print[a1 at bs]", certificate_url("members:certificate_print"),
                                        (L,  200, 200, 200, 200, 404, 200, 200, 200)),
    Row("members:certificate_inflow[a1 at bs]", certificate_url("members:certificate_inflow"),
                                        (L,  200, 200, 200, 200, 404, 200, 403, 200)),
    Row("members:certificate_departure[a1 at bs]",
        certificate_url("members:certificate_departure"),
                                        (L,  200, 200, 200, 200, 404, 200, 403, 200)),
    # The yearly check: the home side or the inflow organization the member is checked in with
    # (Issue 9, item 7).
    Row("members:certificate_check[a1 at bs]", certificate_url("members:certificate_check"),
                                        (L,  200, 200, 200, 200, 404, 200, 403, 200)),
    Row("members:certificate_revoke[a1 at bs]", certificate_url("members:certificate_revoke"),
                                        (L,  200, 200, 200, 200, 404, 403, 403, 200)),
    Row("members:certificate_replace[a1 at bs]", certificate_url("members:certificate_replace"),
                                        (L,  200, 200, 200, 200, 404, 403, 403, 200)),
    # Standing decisions: the home side proposes and withdraws, the committee above answers
    # (township A, the county); the inbox is everyone's, scoped within.
    # A member's dues (issue 11): the history for whoever sees the member; a payment by the home
    # side or the inflow organization the member is checked in with (station B-S for a1 checked
    # in there; not for `shared`, shared by a grant only); the standard by the home side; a
    # payment voided by the organization that received it or the home side.
    Row("members:member_dues[a1]", member_url("members:member_dues", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("members:member_dues[shared]", member_url("members:member_dues", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 200, 200)),
    Row("members:dues_pay[a1]", member_url("members:dues_pay", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:dues_pay[shared]", member_url("members:dues_pay", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:dues_pay[a1 at bs]", checked_in_member_url("members:dues_pay"),
                                        (L,  200, 200, 200, 200, 404, 200, 403, 200)),
    Row("members:dues_standard[a1]", member_url("members:dues_standard", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:dues_standard[shared]", member_url("members:dues_standard", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:dues_void[a1]", dues_payment_url("members:dues_void"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:dues_void[a1]", dues_payment_url("members:dues_void"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post", data={"reason": "重复录入"}),
    Row("members:dues_void[a1 at bs]", dues_payment_url("members:dues_void", at_station=True),
                                        (L,  200, 200, 200, 200, 404, 200, 403, 200)),
    Row("members:standing_propose[a1]", member_url("members:standing_propose", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:standing_propose[shared]", member_url("members:standing_propose", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:standing_pending", fixed("members:standing_pending"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:standing_decision[a1]", decision_url("members:standing_decision"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("members:standing_approve[a1]", decision_url("members:standing_approve"),
                                        (L,  403, 403, 200, 200, 404, 404, 403, 200)),
    Row("members:standing_reject[a1]", decision_url("members:standing_reject"),
                                        (L,  403, 403, 200, 200, 404, 404, 403, 200)),
    Row("members:standing_withdraw[a1]", decision_url("members:standing_withdraw"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    # The democratic evaluation (issue 10, item 5): a branch's sheet for whoever sees the branch;
    # the home side grades; the inflow organization the member is checked in with (station B-S)
    # gives its opinion, nobody else.
    Row("education:evaluations[a1]", org_url("education:evaluations", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("education:evaluations[b1]", org_url("education:evaluations", "b1"),
                                        (L,  404, 404, 404, 200, 200, 404, 200, 200)),
    Row("education:evaluations[town_a]", org_url("education:evaluations", "town_a"),
                                        (L,  404, 404, 404, 404, 404, 404, 404, 404)),
    Row("education:evaluate[a1]", evaluation_url("education:evaluate", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("education:evaluate[shared]", evaluation_url("education:evaluate", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("education:inflow_opinion[a1 at bs]",
        checked_in_evaluation_url("education:inflow_opinion"),
                                        (L,  403, 403, 403, 200, 404, 200, 403, 200)),
    Row("education:inflow_opinion[shared]", evaluation_url("education:inflow_opinion", "shared"),
                                        (L,  404, 404, 403, 403, 404, 403, 403, 403)),
    # Found members: whoever checks members in; the list for everyone (scoped within).
    Row("members:found_member", fixed("members:found_member"),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("members:found_new", fixed("members:found_new"),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("members:found_list", fixed("members:found_list"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    # Recorded at station B-S: the station and the county act; township A and B1 do not see it.
    Row("members:found_close[bs]", found_arrival_url("members:found_close"),
                                        (L,  404, 404, 404, 200, 404, 200, 403, 200)),
    Row("members:found_match[bs]", found_arrival_url("members:found_match"),
                                        (L,  404, 404, 404, 200, 404, 200, 403, 200)),
    Row("members:mark_lost[a1]", member_url("members:mark_lost", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:mark_lost[shared]", member_url("members:mark_lost", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:finding_new[a1]", member_url("members:finding_new", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:finding_new[shared]", member_url("members:finding_new", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 403, 200)),
    Row("members:report_new[a1]", member_url("members:report_new", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:report_new[shared]", member_url("members:report_new", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:contact_new[a1]", member_url("members:contact_new", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    # Shared with station B-S (view and record): the station records, A1's staff cannot see.
    Row("members:contact_new[shared]", member_url("members:contact_new", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 403, 200)),
    # The dues sheet (issue 11): whoever sees the organization sees its sheet (the default: the
    # user's own branch); whoever may change there records, the inspector gets 403.
    Row("members:dues_sheet", fixed("members:dues_sheet"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:dues_sheet[org=a1]", sheet_url("a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("members:dues_sheet[org=bs]", sheet_url("bs"),
                                        (L,  404, 404, 404, 200, 404, 200, 200, 200)),
    Row("members:dues_sheet[org=a1, post]", sheet_url("a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200),
        method="post", data={"received_by": "李会计"}),
    Row("organizations:tree", fixed("organizations:tree"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("organizations:detail[a1]", org_url("organizations:detail", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("organizations:detail[town_a]", org_url("organizations:detail", "town_a"),
                                        (L,  404, 404, 200, 200, 404, 404, 200, 200)),
    Row("organizations:detail[town_b]", org_url("organizations:detail", "town_b"),
                                        (L,  404, 404, 404, 200, 404, 404, 200, 200)),
    Row("organizations:subtree[town_a]", org_url("organizations:subtree", "town_a"),
                                        (L,  404, 404, 200, 200, 404, 404, 200, 200)),
    Row("organizations:edit[a1]", org_url("organizations:edit", "a1"),
                                        (L,  403, 403, 200, 200, 404, 404, 403, 200)),
    Row("organizations:create[town_a]", org_url("organizations:create", "town_a"),
                                        (L,  404, 404, 200, 200, 404, 404, 403, 200)),
    Row("staff:list", fixed("staff:list"),
                                        (L,  403, 403, 200, 200, 403, 403, 403, 200)),
    Row("staff:create", fixed("staff:create"),
                                        (L,  403, 403, 200, 200, 403, 403, 403, 200)),
    Row("staff:detail[secretary]", staff_url("staff:detail", "secretary"),
                                        (L,  403, 403, 200, 200, 403, 403, 403, 200)),
    Row("staff:detail[secretary2]", staff_url("staff:detail", "secretary2"),
                                        (L,  403, 403, 404, 200, 403, 403, 403, 200)),
    Row("staff:revoke_role[secretary]", role_url("secretary"),
                                        (L,  403, 403, 302, 302, 403, 403, 403, 302),
        method="post"),
    Row("staff:revoke_role[secretary2]", role_url("secretary2"),
                                        (L,  403, 403, 404, 302, 403, 403, 403, 302),
        method="post"),
    Row("staff:set_active[secretary]", staff_url("staff:set_active", "secretary"),
                                        (L,  403, 403, 302, 302, 403, 403, 403, 302),
        method="post", data={"active": "1"}),
    Row("staff:set_active[secretary2]", staff_url("staff:set_active", "secretary2"),
                                        (L,  403, 403, 404, 302, 403, 403, 403, 302),
        method="post", data={"active": "1"}),
    # Login lockouts (issue 9, item 18): seen and lifted by the officers who manage the
    # account (township and county officers over their subtree), like the staff pages.
    Row("staff:lockouts", fixed("staff:lockouts"),
                                        (L,  403, 403, 200, 200, 403, 403, 403, 200)),
    Row("staff:lift_lockout[secretary]", lockout_url("secretary"),
                                        (L,  403, 403, 302, 302, 403, 403, 403, 302),
        method="post"),
    Row("staff:lift_lockout[secretary2]", lockout_url("secretary2"),
                                        (L,  403, 403, 404, 302, 403, 403, 403, 302),
        method="post"),
    Row("audit", fixed("audit"),
                                        (L,  403, 403, 403, 200, 403, 403, 403, 200)),
    Row("notices", fixed("notices"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    # A notice to branch A1 is opened by A1's staff only (notices go to the organization).
    Row("notice_open[a1]", notice_url("a1"),
                                        (L,  302, 302, 404, 404, 404, 404, 404, 404),
        method="post"),
    Row("home", fixed("home"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    # Meeting compliance (issue 10, item 4): the table of one's scope for everyone with a
    # role; an organization's page for those whose scope covers it.
    Row("education:compliance", fixed("education:compliance"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("education:compliance_org[a1]", org_url("education:compliance_org", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("education:compliance_org[b1]", org_url("education:compliance_org", "b1"),
                                        (L,  404, 404, 404, 200, 200, 404, 200, 200)),
    # Dues arrears and anomalies (issue 11): one's own scope for every persona with a role; an
    # organization's for those whose scope covers it (out of scope → 404).
    Row("members:dues_arrears", fixed("members:dues_arrears"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:dues_arrears[a1]",
        lambda w: reverse("members:dues_arrears") + f"?org={w.tree.a1.pk}",
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("members:dues_anomalies", fixed("members:dues_anomalies"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:dues_anomalies[b1]",
        lambda w: reverse("members:dues_anomalies") + f"?org={w.tree.b1.pk}",
                                        (L,  404, 404, 404, 200, 200, 404, 200, 200)),
    # Transfers of a1's member to B1 (the letter issued by township A). The sending side and the
    # committees above it see it from the draft on, B1 once the letter is issued; each step is
    # for its side only (visible but not its step → 403). See transfers/actions.py.
    Row("transfers:queues", fixed("transfers:queues"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("transfers:history", fixed("transfers:history"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("transfers:suggestions", fixed("transfers:suggestions"),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("transfers:org_options", lambda w: reverse("transfers:org_options") + "?q=乙",
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("transfers:start[a1]", member_url("transfers:start", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("transfers:start[shared]", member_url("transfers:start", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("transfers:start_batch[a1]",
        lambda w: reverse("transfers:start_batch") + f"?org={w.tree.a1.pk}",
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("transfers:start_batch[b1]",
        lambda w: reverse("transfers:start_batch") + f"?org={w.tree.b1.pk}",
                                        (L,  404, 404, 404, 200, 200, 404, 403, 200)),
    Row("transfers:detail[draft]", transfer_url("transfers:detail", "draft"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("transfers:detail[issued]", transfer_url("transfers:detail", "issued"),
                                        (L,  200, 200, 200, 200, 200, 404, 200, 200)),
    Row("transfers:submit[draft]", transfer_url("transfers:submit", "draft"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("transfers:submit[draft]", transfer_url("transfers:submit", "draft"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post"),
    Row("transfers:approve[submitted]", transfer_url("transfers:approve", "submitted"),
                                        (L,  403, 403, 200, 200, 404, 404, 403, 200)),
    Row("transfers:reject[submitted]", transfer_url("transfers:reject", "submitted"),
                                        (L,  403, 403, 200, 200, 404, 404, 403, 200)),
    Row("transfers:reject[issued]", transfer_url("transfers:reject", "issued"),
                                        (L,  403, 403, 403, 200, 200, 404, 403, 200)),
    Row("transfers:issue[draft]", transfer_url("transfers:issue", "draft"),
                                        (L,  403, 403, 200, 200, 404, 404, 403, 200)),
    Row("transfers:issue[approved]", transfer_url("transfers:issue", "approved"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("transfers:withdraw[draft]", transfer_url("transfers:withdraw", "draft"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("transfers:receive[issued]", transfer_url("transfers:receive", "issued"),
                                        (L,  403, 403, 403, 200, 200, 404, 403, 200)),
    # The receipt is returned by the committee above the receiving branch (issue 9, item 6).
    Row("transfers:return_receipt[received]",
        transfer_url("transfers:return_receipt", "received"),
                                        (L,  403, 403, 403, 200, 403, 404, 403, 200)),
    Row("transfers:record_receipt[out]", transfer_url("transfers:record_receipt", "out"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("transfers:reissue[expired]", transfer_url("transfers:reissue", "expired"),
                                        (L,  403, 403, 200, 200, 403, 404, 403, 200)),
    # The letter carries the full ID-card number: printed by the sender and its committee only.
    Row("transfers:letter[issued]", transfer_url("transfers:letter", "issued"),
                                        (L,  200, 200, 200, 200, 403, 404, 403, 200)),
    # Issue 9, item 19: once the member is received and the receipt is back, the committees
    # keep the letter; the sending branch no longer opens it.
    Row("transfers:letter[receipt_returned]",
        transfer_url("transfers:letter", "receipt_returned"),
                                        (L,  403, 403, 200, 200, 403, 404, 403, 200)),
    Row("transfers:letter[draft]", transfer_url("transfers:letter", "draft"),
                                        (L,  404, 404, 404, 404, 404, 404, 404, 404)),
    # Organizational life (issue 10, item 1): meetings of branch A1 and of station B-S. Everyone
    # reads the list (scoped within); a meeting is seen by its organization's subtree's staff
    # and the committees above, changed by those who change that organization.
    Row("education:meetings", fixed("education:meetings"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("education:meeting_create", fixed("education:meeting_create"),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("education:meeting[a1]", meeting_url("education:meeting", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("education:meeting[bs]", meeting_url("education:meeting", "bs"),
                                        (L,  404, 404, 404, 200, 404, 200, 200, 200)),
    Row("education:meeting_edit[a1]", meeting_url("education:meeting_edit", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("education:meeting_edit[bs]", meeting_url("education:meeting_edit", "bs"),
                                        (L,  404, 404, 404, 200, 404, 200, 403, 200)),
    Row("education:meeting_void[a1]", meeting_url("education:meeting_void", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("education:meeting_void[a1]", meeting_url("education:meeting_void", "a1"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post", data={"reason": "重复录入"}),
    Row("education:meeting_attach[a1]", meeting_url("education:meeting_attach", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("education:meeting_attachment[a1]", meeting_file_url("education:meeting_attachment"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("education:meeting_attachment_remove[a1]",
        meeting_file_url("education:meeting_attachment_remove"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("education:meeting_attachment_remove[a1]",
        meeting_file_url("education:meeting_attachment_remove"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post"),
    # Issue 10, item 2: attendance is entered by the meeting's organization and the committees
    # above it (its change scope); the inspector sees the meeting but records nothing. Station
    # B-S records its own meeting (the members checked in with it).
    Row("education:attendance[a1]", meeting_today_url("education:attendance", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("education:attendance[bs]", meeting_today_url("education:attendance", "bs"),
                                        (L,  404, 404, 404, 200, 404, 200, 403, 200)),
    Row("education:sign_in_open[a1]", meeting_today_url("education:sign_in_open", "a1"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post", data={"minutes": "60"}),
    Row("education:sign_in_close[a1]", meeting_today_url("education:sign_in_close", "a1"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post"),
    # Members sign themselves in on their phones: public, and it tells no one who exists.
    Row("education:sign_in", fixed("education:sign_in"),
                                        (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("education:groups", fixed("education:groups"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("education:group[a1 party group]", group_url("education:group"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("education:group_add[a1 party group]", group_url("education:group_add"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("education:group_end[a1 party group]",
        lambda w: reverse("education:group_end", args=[a1_party_group(w).pk]),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    # The health check is for the load balancer: public, and it tells nothing about members.
    Row("healthz", fixed("healthz"),
                                        (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    # The column (流动党员之家, issue 10, item 6): an item is seen by those whose scope covers its
    # publisher and those working below it; changed by the publisher's changers; "read by" is
    # recorded by whoever records life (not the inspector). Study is recorded by whoever records
    # the member's life; a branch post by the home side.
    Row("education:column", fixed("education:column"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("education:column_publish", fixed("education:column_publish"),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("education:column_item[town_a]", column_item_url("education:column_item", "town_a"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("education:column_item[b1]", column_item_url("education:column_item", "b1"),
                                        (L,  404, 404, 404, 200, 200, 404, 200, 200)),
    Row("education:column_edit[town_a]", column_item_url("education:column_edit", "town_a"),
                                        (L,  403, 403, 200, 200, 404, 404, 403, 200)),
    Row("education:column_withdraw[town_a]",
        column_item_url("education:column_withdraw", "town_a"),
                                        (L,  403, 403, 200, 200, 404, 404, 403, 200)),
    Row("education:column_read[town_a]", column_item_url("education:column_read", "town_a"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("education:study_hours", fixed("education:study_hours"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("education:study_hours[org=town_b]",
        lambda w: reverse("education:study_hours") + f"?org={w.tree.town_b.pk}",
                                        (L,  404, 404, 404, 200, 404, 404, 200, 200)),
    Row("education:study_record[a1]", member_url("education:study_record", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("education:study_record[shared]", member_url("education:study_record", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 403, 200)),
    Row("education:branch_post[a1]", member_url("education:branch_post", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("education:branch_post[shared]", member_url("education:branch_post", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("education:branch_post_end[a1]", branch_post_url("education:branch_post_end"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    # The yearly dues review (issue 11): whoever sees the branch (read-only without change
    # scope); the home side confirms. Without ?org=, the user's first branch (the station's
    # staff have none: a page that says so).
    Row("members:dues_review", fixed("members:dues_review"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:dues_review[a1]", dues_review_url("a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("members:dues_review[b1]", dues_review_url("b1"),
                                        (L,  404, 404, 404, 200, 200, 404, 200, 200)),
    Row("members:dues_review[town_a]", dues_review_url("town_a"),
                                        (L,  404, 404, 404, 404, 404, 404, 404, 404)),
    Row("members:dues_review[a1 post]", dues_review_url("a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200),
        method="post"),
    # The dues rates: everyone sees their county's; county officers set new ones.
    Row("members:dues_rates", fixed("members:dues_rates"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:dues_rates[county]", dues_rates_url("members:dues_rates", "county"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:dues_rates[other county]", dues_rates_url("members:dues_rates", "other"),
                                        (L,  404, 404, 404, 404, 404, 404, 404, 200)),
    Row("members:dues_rates_new", fixed("members:dues_rates_new"),
                                        (L,  403, 403, 403, 200, 403, 403, 403, 200)),
    Row("members:dues_rates_new[county]", dues_rates_url("members:dues_rates_new", "county"),
                                        (L,  403, 403, 403, 200, 403, 403, 403, 200)),
    Row("members:dues_rates_new[county post]",
        dues_rates_url("members:dues_rates_new", "county"),
                                        (L,  403, 403, 403, 200, 403, 403, 403, 200),
        method="post"),
    Row("members:dues_rates_new[other county]",
        dues_rates_url("members:dues_rates_new", "other"),
                                        (L,  404, 404, 404, 404, 404, 404, 404, 200)),
    # The nightly reports (issue 12, item 6): a report is read, and its file downloaded, by
    # whoever sees its organization; the list shows each user the reports in their scope.
    Row("oversight:reports", fixed("oversight:reports"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("oversight:report[a1]", nightly_report_url("oversight:report", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("oversight:report[b1]", nightly_report_url("oversight:report", "b1"),
                                        (L,  404, 404, 404, 200, 200, 404, 200, 200)),
    Row("oversight:report[town_a]", nightly_report_url("oversight:report", "town_a"),
                                        (L,  404, 404, 200, 200, 404, 404, 200, 200)),
    Row("oversight:report_download[a1]", nightly_report_url("oversight:report_download", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("oversight:report_download[b1]", nightly_report_url("oversight:report_download", "b1"),
                                        (L,  404, 404, 404, 200, 200, 404, 200, 200)),
    # Ledger exports (issue 13): whoever sees a list exports it (its own rows); full ID-card
    # numbers need a role that changes members; a job and its file are its requester's alone.
    Row("ledgers:export[roster]", lambda w: reverse("ledgers:export", args=["roster"]),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("ledgers:export[roster,full]", lambda w: reverse("ledgers:export", args=["roster"]),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200),
        method="post", data={"full_ids": "on"}),
    Row("ledgers:export[mobile]", lambda w: reverse("ledgers:export", args=["mobile"]),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("ledgers:export[certificates]", lambda w: reverse("ledgers:export", args=["certificates"]),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("ledgers:export[transfers]", lambda w: reverse("ledgers:export", args=["transfers"]),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("ledgers:export[dues]", lambda w: reverse("ledgers:export", args=["dues"]),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("ledgers:export[meetings]", lambda w: reverse("ledgers:export", args=["meetings"]),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("ledgers:export[alerts]", lambda w: reverse("ledgers:export", args=["alerts"]),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("ledgers:export[standing]", lambda w: reverse("ledgers:export", args=["standing"]),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("ledgers:jobs", fixed("ledgers:jobs"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("ledgers:job[town]", export_job_url("ledgers:job"),
                                        (L,  404, 404, 200, 404, 404, 404, 404, 404)),
    Row("ledgers:download[town]", export_job_url("ledgers:download"),
                                        (L,  404, 404, 200, 404, 404, 404, 404, 404)),
    # Imports: whoever changes members somewhere imports into their own scope (the inspector
    # may not); a checked file is its uploader's alone.
    Row("ledgers:import[members]", lambda w: reverse("ledgers:import", args=["members"]),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("ledgers:import_template[members]",
        lambda w: reverse("ledgers:import_template", args=["members"]),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("ledgers:import[outflows]", lambda w: reverse("ledgers:import", args=["outflows"]),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("ledgers:import_template[outflows]",
        lambda w: reverse("ledgers:import_template", args=["outflows"]),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("ledgers:import[dues]", lambda w: reverse("ledgers:import", args=["dues"]),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("ledgers:import_template[dues]",
        lambda w: reverse("ledgers:import_template", args=["dues"]),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("ledgers:import[attendance]", lambda w: reverse("ledgers:import", args=["attendance"]),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("ledgers:import_template[attendance]",
        lambda w: reverse("ledgers:import_template", args=["attendance"]),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("ledgers:import_batch[town]", import_batch_url("ledgers:import_batch"),
                                        (L,  404, 404, 200, 404, 404, 404, 404, 404)),
    Row("ledgers:import_confirm[town]", import_batch_url("ledgers:import_confirm"),
                                        (L,  404, 404, 302, 404, 404, 404, 404, 404),
        method="post"),
]
# fmt: on


def procedure_url(view: str, member: str) -> Callable[[Targets], str]:
    """A six-month rule procedure started on `member` (issue 12, item 3), the facts checked."""

    def url(w: Targets) -> str:
        procedure = do_start_procedure(
            actor=w.superuser,
            member=w.members[member],
            handled_on=dt.date(2026, 3, 10),
            note="经调查核实，连续六个月未参加组织生活。",
        )
        return reverse(view, args=[procedure.pk])

    return url


# The education and handling card (issue 12, item 3): the home side records and runs the
# procedure; whoever sees the member sees the procedure; station B-S, with whom `shared` is
# shared, and the inspector are refused.
# fmt: off
ROWS += [
    Row("oversight:handling_new[a1]", member_url("oversight:handling_new", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("oversight:handling_new[shared]", member_url("oversight:handling_new", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("oversight:handling_new[a1 post]", member_url("oversight:handling_new", "a1"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post", data={"kind": "talk", "handled_on": "2026-03-10", "note": "谈心谈话。"}),
    Row("oversight:procedure_new[a1]", member_url("oversight:procedure_new", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("oversight:procedure_new[shared]", member_url("oversight:procedure_new", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("oversight:procedure[a1]", procedure_url("oversight:procedure", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("oversight:procedure[shared]", procedure_url("oversight:procedure", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 200, 200)),
    Row("oversight:procedure_informed[a1]", procedure_url("oversight:procedure_informed", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("oversight:procedure_informed[shared]",
        procedure_url("oversight:procedure_informed", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("oversight:procedure_decision[a1]", procedure_url("oversight:procedure_decision", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("oversight:procedure_decision[shared]",
        procedure_url("oversight:procedure_decision", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    # The run log of the nightly checks and its button (issue 12, item 5): county-wide, so for
    # county officers (and superusers) only; a township officer is refused.
    Row("oversight:runs", fixed("oversight:runs"),
                                        (L,  403, 403, 403, 200, 403, 403, 403, 200)),
    Row("oversight:run", nightly_run_url,
                                        (L,  403, 403, 403, 200, 403, 403, 403, 200)),
    Row("oversight:run_now", fixed("oversight:run_now"),
                                        (L,  403, 403, 403, 302, 403, 403, 403, 302),
        method="post", data={"as_of": ""}),
    # Alerts (issue 12, item 2): seen by the responsible organization's scope and by whoever
    # sees the member; acted on by its changers or the member's home side (the inspector
    # looks only).
    Row("oversight:alerts", fixed("oversight:alerts"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("oversight:alert[a1]", alert_url("oversight:alert", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("oversight:alert[shared]", alert_url("oversight:alert", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 200, 200)),
    Row("oversight:alert_acknowledge[a1]", alert_url("oversight:alert_acknowledge", "a1"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post"),
    Row("oversight:alert_resolve[shared]", alert_url("oversight:alert_resolve", "shared"),
                                        (L,  404, 404, 302, 302, 404, 302, 403, 302),
        method="post"),
    Row("oversight:alert_dismiss[a1]", alert_url("oversight:alert_dismiss", "a1"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post", data={"dismiss-reason": "已核实"}),
    # Proper reasons and assigned work (issue 12): recorded by the home side only.
    Row("oversight:exemption_new[a1]", member_url("oversight:exemption_new", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("oversight:exemption_new[shared]", member_url("oversight:exemption_new", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("oversight:exemption_revoke[a1]", exemption_url("oversight:exemption_revoke"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("oversight:work_new[a1]", member_url("oversight:work_new", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("oversight:work_new[shared]", member_url("oversight:work_new", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("oversight:work_done[a1]", work_url("oversight:work_done"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("oversight:work_void[a1]", work_url("oversight:work_void"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
]
# fmt: on


def _cases() -> list[Any]:
    cases = []
    for row in ROWS:
        assert len(row.expected) == len(PERSONAS), row.name
        for persona, expected in zip(PERSONAS, row.expected, strict=True):
            cases.append(pytest.param(row, persona, expected, id=f"{row.name}-{persona}"))
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "expected"), _cases())
def test_access(row: Row, persona: str, expected: int | str, request, login):
    targets = Targets(request)
    url = row.url(targets)
    user = None if persona == "anonymous" else getattr(targets, persona)
    assert_access(login(user), url, expected, method=row.method, data=row.data, who=persona)


def test_every_named_url_is_in_the_table():
    """A new page must be added to the access table (admin, auth and i18n pages aside)."""
    named = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLPattern) and pattern.name:
            named.add(pattern.name)
        elif isinstance(pattern, URLResolver) and pattern.namespace not in {None, "admin"}:
            named |= {
                f"{pattern.namespace}:{p.name}"
                for p in pattern.url_patterns
                if isinstance(p, URLPattern) and p.name
            }
    covered = {row.name.split("[")[0] for row in ROWS}
    assert named - {"login", "logout", "password_change"} == covered


#: Where each branch or station user checks arriving members in.
CHECK_IN_POINTS = {"secretary": "a1", "committee": "a1", "secretary2": "b1", "station": "bs"}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(CHECK_IN_POINTS))
def test_no_form_tells_whether_an_id_number_is_registered(persona, request, tree, members, login):
    """Issue 9, item 21: the found-person form told any branch or station user whether an
    ID-card number is registered ("该身份证号码已在系统中登记…"). Check-in and the found-person
    form both answer a registered number with a wrong name exactly as a number nobody holds."""
    client = login(request.getfixturevalue(persona))
    at = getattr(tree, CHECK_IN_POINTS[persona]).pk
    registered = members["county_branch"].id_number  # a member none of them may see
    unknown = make_id_number(dt.date(1979, 9, 9), sequence=321, gender="F", region="330102")
    answers = []
    for number in (registered, unknown):
        check_in = client.post(
            reverse("members:check_in"),
            {"id_number": number, "name": "冒名", "checked_in_on": "2026-03-05", "inflow_org": at},
        )
        found = client.post(
            reverse("members:found_new"),
            {
                "id_number": number,
                "name": "冒名",
                "claimed_home_org": "外省某村党支部",
                "arrived_on": "2026-03-05",
                "inflow_org": at,
                "step": "record",
            },
        )
        answers.append(
            (
                check_in.status_code,
                list(check_in.context["form"].non_field_errors()),
                dict(check_in.context["form"].errors),
                found.status_code,
                found.get("Location"),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][3] == 302
