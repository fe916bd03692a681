"""The demo county, small: built once for the module (rolled back at its end), it holds every
state, the demo logins, and refuses to be built twice. The full county is tests/core/
test_demo_full.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.test import TestCase, override_settings
from django.utils import timezone

from core.demo import DEMO_ACCOUNTS
from education.evaluation.actions import evaluation_members, excellent_cap
from education.life import without_life
from education.models import (
    Attendance,
    Evaluation,
    Grade,
    HandlingNote,
    InflowOpinion,
    Meeting,
    MeetingKind,
)
from members.demo.mobility import split_destination
from members.demo.people import DESTINATIONS
from members.lists.queries import (
    Reach,
    Thresholds,
    episode_counts,
    strike_off_due,
    suspension_due,
)
from members.models import (
    GOOD_STANDINGS,
    Certificate,
    CertificateCheck,
    CertificateKind,
    CertificateStatus,
    CheckResult,
    DecisionStatus,
    EpisodeStatus,
    EpisodeUpdate,
    EpisodeUpdateKind,
    FindingAttempt,
    FoundArrival,
    Member,
    MobilityEpisode,
    Standing,
    StandingDecision,
)
from members.sharing import drift
from organizations.models import Notice, Organization
from tests import channels
from transfers.models import Transfer, TransferStatus


@pytest.mark.parametrize(
    ("place", "parts"),
    [
        ("广东省深圳市宝安区", ("广东省", "深圳市", "宝安区")),
        ("上海市闵行区", ("上海市", "", "闵行区")),
        ("广东省东莞市", ("广东省", "东莞市", "东莞市")),
        ("新疆维吾尔自治区乌鲁木齐市天山区", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区")),
    ],
)
def test_destinations_split_into_province_city_county(place, parts):
    assert split_destination(place) == parts


def test_every_demo_destination_has_a_province_and_a_county():
    for place, _street, _city in DESTINATIONS:
        province, _city_part, county = split_destination(place)
        assert province
        assert county
        assert place.startswith(province)


@dataclass
class Built:
    output: str
    #: What left through the notification channels while it was built and committed.
    sent: list[object]


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker) -> Iterator[Built]:
    """`seed_demo --scale small`, its commit callbacks run (as a real commit would), through a
    recording channel."""
    out = StringIO()
    channels.SENT.clear()
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(NOTIFICATION_CHANNELS=["tests.channels.RecordingChannel"]),
    ):
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", "--scale", "small", stdout=out)
        yield Built(output=out.getvalue(), sent=list(channels.SENT))
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_small_county_has_every_state(small_demo):
    assert 10 <= Organization.objects.count() <= 20
    assert 50 <= Member.objects.count() <= 200
    assert set(MobilityEpisode.objects.values_list("status", flat=True)) == set(
        EpisodeStatus.values
    )
    assert MobilityEpisode.objects.filter(origin="found").exists()
    assert FoundArrival.objects.exists()
    assert set(Certificate.objects.values_list("status", flat=True)) == set(
        CertificateStatus.values
    )
    assert set(Certificate.objects.values_list("kind", flat=True)) == set(CertificateKind.values)
    # Issue 9, item 7: a failed yearly check with its handling (an expired letter is above).
    assert CertificateCheck.objects.filter(result=CheckResult.FAILED).exclude(handling="").exists()
    assert set(Transfer.objects.values_list("status", flat=True)) == set(TransferStatus.values)
    assert Transfer.objects.filter(to_org=None).exists()  # out of the system
    lost = Member.objects.filter(lost_contact=True)
    assert FindingAttempt.objects.filter(member__in=lost).exists()
    # Issue 9, item 2: standings changed by approved decisions, and one awaiting approval.
    suspended = Member.objects.filter(standing=Standing.SUSPENDED)
    assert suspended.exists()
    assert not suspended.exclude(standing_decisions__status=DecisionStatus.APPROVED).exists()
    assert StandingDecision.objects.filter(status=DecisionStatus.PROPOSED).exists()
    assert Member.objects.filter(standing=Standing.DECEASED, archived_at__isnull=False).exists()
    # Issue 9, item 3: both clocks of lost members have members on their lists.
    reach, t = Reach.everywhere(), Thresholds()
    assert suspension_due(reach, t).exists()
    assert strike_off_due(reach, t).exists()


def assert_away_members_mostly_checked_in() -> dict[str, int]:
    """Issue 9, item 5: as in a real county, the members away are mostly checked in (many
    outside the system, some inside it) and a minority not checked in (the 2019 regulations: a
    member going out reports to the organization where they go)."""
    counts = episode_counts(Reach.everywhere(), Thresholds())
    waiting = MobilityEpisode.objects.filter(
        status=EpisodeStatus.REGISTERED,
        outside_check_in__isnull=True,
        member__archived_at__isnull=True,
    ).count()
    assert waiting < counts["away"] / 4, counts
    assert counts["not_checked_in"] <= waiting
    assert counts["checked_in_outside"] > counts["away"] / 3, counts
    assert MobilityEpisode.objects.filter(status=EpisodeStatus.CHECKED_IN).exists()
    return counts


@pytest.mark.django_db
def test_the_small_county_away_members_are_mostly_checked_in(small_demo):
    """Issue 9, item 5: the demo's away members are mostly checked in, inside and outside the
    system, with a minority not checked in; the outside check-ins share with nobody."""
    assert_away_members_mostly_checked_in()
    assert drift() == ({}, {})


@pytest.mark.django_db
def test_the_small_county_has_trades_and_pairing_partners(small_demo):
    """Issue 9, item 11: some organizations serve trades (sector-based, 归口管理), some absences
    name the member's trade, and some a party member of the home branch as the contact."""
    serving = Organization.objects.filter(trades__isnull=False).distinct()
    assert serving.filter(management_mode="sector_based").exists()
    assert MobilityEpisode.objects.filter(trade__isnull=False).exists()
    assert MobilityEpisode.objects.filter(trade__isnull=True).exists()
    paired = MobilityEpisode.objects.filter(contact_member__isnull=False)
    assert paired.exists()
    assert not paired.exclude(contact_member__home_org=F("home_org")).exists()
    assert not paired.filter(contact_member=F("member")).exists()


@pytest.mark.django_db
def test_the_small_county_has_late_receipts(small_demo):
    """Issue 9, item 6: a letter presented in time and received after its validity, and a
    receipt from outside the system that came back by post after the validity."""
    assert Transfer.objects.filter(
        to_org__isnull=False, presented_on__lt=F("received_on"), received_on__gt=F("valid_until")
    ).exists()
    assert Transfer.objects.filter(
        to_org=None, status="receipt_returned", receipt_returned_on__gt=F("valid_until")
    ).exists()


@pytest.mark.django_db
def test_the_small_county_stations_serve_members_but_hold_none(small_demo):
    """Issue 9, item 10: stations receive arriving members and hold nobody's relationship."""
    assert not Member.objects.filter(home_org__kind="station").exists()
    assert not Transfer.objects.filter(to_org__kind="station").exists()
    assert MobilityEpisode.objects.filter(inflow_org__kind="station").exists()


@pytest.mark.django_db
def test_the_small_county_keeps_its_notices_in_the_app_and_justifies_its_shares(small_demo):
    assert small_demo.sent == []
    assert Notice.objects.exists()
    assert drift() == ({}, {})


@pytest.mark.django_db
def test_the_small_county_has_every_demo_login(small_demo):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    listed = out.getvalue()
    for username, _name, _phone in DEMO_ACCOUNTS:
        assert f"  {username} " in listed
    for org in ("中共青山县委", "青溪镇党委", "青溪镇溪口村党支部", "城南街道流动党员报到站"):
        assert org in listed
    assert "演示数据已生成：组织 15 个" in small_demo.output


@pytest.mark.django_db
def test_the_demo_runs_only_on_an_empty_database(small_demo):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "small", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "skipped" in out.getvalue()


@pytest.mark.django_db
def test_the_small_county_has_changes_and_moves_while_away(small_demo):
    """Issue 9, item 4: the demo shows a change reported while away and a member who moved on
    from the station to another inflow organization, whose share moved with them."""
    kinds = set(EpisodeUpdate.objects.values_list("kind", flat=True))
    assert kinds == set(EpisodeUpdateKind.values)
    moved = EpisodeUpdate.objects.filter(kind=EpisodeUpdateKind.MOVED).select_related("episode")
    assert all(u.episode.inflow_org_id is not None for u in moved)


def assert_a_year_of_organizational_life() -> QuerySet[Member]:
    """Issue 10: a year of meetings up to today in most branches, most holding a theme party day
    every month and some not; members who took part in nothing for six months or more (the
    party constitution, article 38); members whose only organizational life was at an inflow
    organization (it counts at home)."""
    today = timezone.localdate()
    held = Meeting.objects.held()
    months = {(d.year, d.month) for d in held.dates("held_on", "month")}
    assert len(months) == 12
    assert (today.year, today.month) in months
    assert not held.filter(held_on__gt=today).exists()
    theme_months = (
        held.filter(kind=MeetingKind.THEME_DAY)
        .values("organization")
        .annotate(months=Count("held_on__month", distinct=True))
    )
    complying = [row for row in theme_months if row["months"] == 12]
    assert len(complying) > len(theme_months) / 2
    assert len(complying) < len(theme_months)
    assert Attendance.objects.filter(status="leave").exclude(note="").exists()
    assert Attendance.objects.filter(status="online").exists()
    population = Member.objects.active().filter(standing__in=GOOD_STANDINGS)
    assert without_life(population, as_of=today).exists()
    took_part = Attendance.objects.taking_part().filter(member=OuterRef("pk"))
    inflow_only = population.filter(Exists(took_part)).exclude(
        Exists(took_part.filter(meeting__organization=F("member__home_org")))
    )
    assert inflow_only.exists()
    return inflow_only


@pytest.mark.django_db
def test_the_small_county_has_a_year_of_organizational_life(small_demo):
    assert_a_year_of_organizational_life()


@pytest.mark.django_db
def test_the_small_county_has_last_years_democratic_evaluation(small_demo):
    """Issue 10, item 5: last year's grades (mostly 合格, 优秀 within each branch's third, a
    不合格 with its handling), inflow opinions, certificates checked with the evaluation."""
    year = timezone.localdate().year - 1
    grades = dict(Evaluation.objects.filter(year=year).values_list("grade").annotate(n=Count("id")))
    assert grades[Grade.QUALIFIED] > sum(grades.values()) / 2
    assert grades[Grade.EXCELLENT] > 0
    assert grades[Grade.UNQUALIFIED] >= 1
    assert HandlingNote.objects.count() == grades[Grade.UNQUALIFIED]
    assert InflowOpinion.objects.exists()
    assert Evaluation.objects.exclude(certificate_check=None).exists()
    branches = Evaluation.objects.values("branch").annotate(
        excellent=Count("id", filter=Q(grade=Grade.EXCELLENT))
    )
    for row in branches:
        branch = Organization.objects.get(pk=row["branch"])
        assert row["excellent"] <= excellent_cap(evaluation_members(branch, year).count())
