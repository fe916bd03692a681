"""The demo county the morning after a nightly run (issue 12, "Done when"): alerts open in
several branches, last night's report ready for `secretary`, a run log for `county`, and the
secretary's branch already working on its alerts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from members.models import Member
from organizations.models import Role, RoleKind
from oversight.models import (
    Alert,
    AlertStatus,
    Exemption,
    Handling,
    HandlingKind,
    NightlyReport,
    NightlyRun,
    RunStatus,
    WorkAssignment,
)


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """`seed_demo --scale small`, rolled back at the module's end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", "--scale", "small", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def secretary_branch():
    return Role.objects.get(user__username="secretary", kind=RoleKind.SECRETARY).organization


@pytest.mark.django_db
def test_two_nights_ran_and_the_run_log_shows_them(small_demo) -> None:
    today = timezone.localdate()
    runs = list(NightlyRun.objects.order_by("as_of"))
    assert [r.as_of for r in runs] == [today - dt.timedelta(days=1), today]
    assert all(r.status == RunStatus.SUCCEEDED for r in runs), [r.error for r in runs]
    # As if beat had started them at 02:00 Asia/Shanghai.
    assert all(timezone.localtime(r.started_at).time() == dt.time(2, 0) for r in runs)
    # The day between them changed something: the second night closed alerts.
    assert runs[1].closed > 0


@pytest.mark.django_db
def test_alerts_are_open_in_several_branches_but_for_few_members(small_demo) -> None:
    live = Alert.objects.live()
    assert live.values("organization").distinct().count() >= 3
    members = Member.objects.active().count()
    flagged = live.exclude(member=None).values("member").distinct().count()
    # A real county: most members are fine.
    assert 0 < flagged < members * 0.4, (flagged, members)
    # Every kind of state people leave an alert in is there.
    statuses = set(Alert.objects.values_list("status", flat=True))
    assert {AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED} <= statuses
    assert AlertStatus.DISMISSED in statuses


@pytest.mark.django_db
def test_the_secretary_has_last_nights_report_and_has_started_on_the_alerts(small_demo) -> None:
    branch = secretary_branch()
    report = NightlyReport.objects.get(organization=branch, as_of=timezone.localdate())
    assert report.figures
    talk = Handling.objects.get(organization=branch, kind=HandlingKind.TALK)
    assert talk.alert is not None
    assert talk.alert.status == AlertStatus.ACKNOWLEDGED
    dismissed = Alert.objects.get(organization=branch, status=AlertStatus.DISMISSED)
    assert dismissed.close_reason


@pytest.mark.django_db
def test_proper_reasons_and_assigned_work_are_on_file(small_demo) -> None:
    assert Exemption.objects.filter(revoked_at=None).exists()
    assert WorkAssignment.objects.filter(done_on__isnull=False).exists()
    assert WorkAssignment.objects.filter(done_on=None, voided_at=None).exists()
    # A member with a proper reason has no live six-month alert.
    exempt = Exemption.objects.values("member")
    assert not Alert.objects.live().filter(rule="life_six_months", member__in=exempt).exists()
