"""The run log, the button and the home page's warning (issue 12, items 4 and 5): county
officers only; the button runs the checks, or says another run holds the lock; "last night" in
Asia/Shanghai; a worker killed mid-run leaves a run the rerun marks interrupted, with no
duplicate alert."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from members.dues.actions import StandardInput, do_set_standard
from members.dues.rules import seed_rates
from members.models import DuesCategory
from organizations.scope import user_scope
from oversight import rules as registry
from oversight.engine import LOCK_KEY, apply_rule, run_rules, start_run
from oversight.models import Alert, NightlyRun, RunStatus, RunTrigger
from oversight.runs.panels import home_runs
from oversight.runs.queries import last_night
from oversight.tasks import nightly
from tests.permissions import LOGIN, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

UTC = dt.UTC
#: 2026-11-30 as a Chinese input method types it (full-width digits).
FULL_WIDTH_DAY = "2026-11-30".translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})


def owe(member, actor, since=dt.date(2026, 1, 1)) -> None:
    """`member` owes dues from `since` on (a standard and no payment). The rates first: a
    transactional test run before this module flushed them."""
    seed_rates()
    do_set_standard(
        member=member,
        effective_from=since,
        data=StandardInput(category=DuesCategory.SALARIED, base_income=Decimal("4000")),
        actor=actor,
    )


def at(monkeypatch, moment: dt.datetime) -> None:
    """Freeze Django's clock at `moment` (UTC): timezone.localdate() and the home page read it."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def lock_held_elsewhere():
    """Another session (another worker) holds the run lock."""
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        yield
    finally:
        other.close()


# --- Who may ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("secretary", 403),
        ("committee", 403),
        ("town", 403),
        ("secretary2", 403),
        ("station", 403),
        ("inspector", 403),
        ("county", 200),
        ("superuser", 200),
    ],
)
def test_the_run_log_is_for_county_officers(persona, expected, request, login) -> None:
    """The run log is county-wide (every rule over every organization): a township officer is
    refused too."""
    run = run_rules(timezone.localdate(), only=["dues_overdue"])
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = login(user)
    assert_access(client, reverse("oversight:runs"), expected, who=persona)
    assert_access(client, reverse("oversight:run", args=[run.pk]), expected, who=persona)
    button = 302 if expected == 200 else expected
    assert_access(client, reverse("oversight:run_now"), button, method="post", who=persona)


def test_an_unknown_run_is_404(county, login) -> None:
    assert login(county).get(reverse("oversight:run", args=[987654321])).status_code == 404


def test_the_button_is_a_post(county, login) -> None:
    assert login(county).get(reverse("oversight:run_now")).status_code == 405


# --- The run log --------------------------------------------------------------------------


def test_the_run_log_shows_each_run_and_its_rules(
    members, secretary, county, login, django_assert_num_queries
) -> None:
    owe(members["a1"], secretary)
    first = run_rules(dt.date(2026, 11, 29), only=["dues_overdue"])
    second = run_rules(
        dt.date(2026, 11, 30), trigger=RunTrigger.BUTTON, requested_by=county, only=["dues_overdue"]
    )
    client = login(county)
    # session, user, roles (scope), count, page.
    with django_assert_num_queries(5):
        page = client.get(reverse("oversight:runs"))
    rows = list(page.context["page"].object_list)
    assert rows == [second, first]
    html = page.content.decode()
    assert "2026-11-30" in html
    assert "2026-11-29" in html
    assert (county.full_name or county.username) in html  # who pressed the button
    assert first.opened == 1
    assert second.still_open == 1

    detail = client.get(reverse("oversight:run", args=[first.pk]))
    [(result, rule)] = detail.context["rows"]
    assert (result.rule, result.opened, result.closed) == ("dues_overdue", 1, 0)
    assert rule is registry.RULES["dues_overdue"]
    assert str(rule.title) in detail.content.decode()


def test_the_run_log_query_count_does_not_grow_with_runs(
    members, county, login, django_assert_num_queries
) -> None:
    for day in range(1, 8):
        run_rules(dt.date(2026, 11, day), trigger=RunTrigger.BUTTON, requested_by=county, only=[])
    client = login(county)
    with django_assert_num_queries(5):
        client.get(reverse("oversight:runs"))


# --- The button ---------------------------------------------------------------------------


def test_the_button_runs_the_checks_as_of_today_and_is_audited(
    members, secretary, county, login, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    at(monkeypatch, dt.datetime(2026, 11, 30, 0, 30, tzinfo=UTC))  # 08:30 in Shanghai
    owe(members["a1"], secretary)
    client = login(county)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("oversight:run_now"), {"as_of": ""}, follow=True)
    run = NightlyRun.objects.get()
    assert (run.as_of, run.trigger, run.requested_by, run.status) == (
        dt.date(2026, 11, 30),
        RunTrigger.BUTTON,
        county,
        RunStatus.SUCCEEDED,
    )
    assert Alert.objects.filter(rule="dues_overdue", member=members["a1"]).exists()
    assert "2026-11-30" in response.content.decode()
    event = AuditEntry.objects.get(event="oversight.run_requested")
    assert event.actor == county
    assert event.changes == {"as_of": "2026-11-30"}


def test_the_button_queues_the_task_for_the_worker_when_there_is_a_broker(
    members, county, login, django_capture_on_commit_callbacks, settings, monkeypatch
) -> None:
    """With a broker the web process only sends the message: the worker runs it."""
    sent = []
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(nightly, "delay", lambda *args, **kwargs: sent.append((args, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        response = login(county).post(
            reverse("oversight:run_now"), {"as_of": "2026-11-20"}, follow=True
        )
    assert sent == [(("2026-11-20",), {"trigger": "button", "requested_by": county.pk})]
    assert not NightlyRun.objects.exists()
    assert "2026-11-20" in response.content.decode()


def test_two_runs_at_once_the_button_says_so(
    members, county, login, lock_held_elsewhere, django_capture_on_commit_callbacks
) -> None:
    """Issue 12, bad input and faults: two runs at once for the same date, one runs, the other
    says so (in Chinese) and queues nothing."""
    dead = NightlyRun.objects.create(
        as_of=timezone.localdate(), trigger=RunTrigger.SCHEDULE, started_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = login(county).post(reverse("oversight:run_now"), {"as_of": ""})
    assert response.status_code == 200
    assert callbacks == []
    assert "正在进行" in response.content.decode()
    assert list(NightlyRun.objects.all()) == [dead]
    assert not AuditEntry.objects.filter(event="oversight.run_requested").exists()


@pytest.mark.parametrize(
    "hostile",
    ["2026-11-30\x00", "0001-01-01", "9999-12-31", "2026-02-30", "x" * 500],
)
def test_a_hostile_day_is_a_field_error(hostile, county, login) -> None:
    response = login(county).post(reverse("oversight:run_now"), {"as_of": hostile})
    assert response.status_code == 200
    assert response.context["form"].errors["as_of"]
    assert not NightlyRun.objects.exists()


def test_full_width_digits_are_read_or_refused_never_a_500(
    county, login, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = login(county).post(reverse("oversight:run_now"), {"as_of": FULL_WIDTH_DAY})
    assert response.status_code in {200, 302}


def test_only_recent_days_may_be_run_again(county, login, settings) -> None:
    old = timezone.localdate() - dt.timedelta(days=settings.OVERSIGHT_RUN_BACK_DAYS + 1)
    response = login(county).post(reverse("oversight:run_now"), {"as_of": old.isoformat()})
    assert response.context["form"].errors["as_of"]


# --- Asia/Shanghai dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # 08:30 in Shanghai: today's date, the night's run is due.
        (dt.datetime(2026, 11, 30, 0, 30, tzinfo=UTC), dt.date(2026, 11, 30)),
        # 00:30 the next day in Shanghai: before 02:00, last night is the day before.
        (dt.datetime(2026, 11, 30, 16, 30, tzinfo=UTC), dt.date(2026, 11, 30)),
        # 02:30 in Shanghai: tonight's run is last night's.
        (dt.datetime(2026, 11, 30, 18, 30, tzinfo=UTC), dt.date(2026, 12, 1)),
        # The year end: 01:00 on 1 January in Shanghai.
        (dt.datetime(2026, 12, 31, 17, 0, tzinfo=UTC), dt.date(2026, 12, 31)),
    ],
)
def test_last_night_is_in_asia_shanghai(utc, expected) -> None:
    assert last_night(utc) == expected


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (dt.datetime(2026, 11, 30, 0, 30, tzinfo=UTC), dt.date(2026, 11, 30)),
        (dt.datetime(2026, 11, 30, 16, 30, tzinfo=UTC), dt.date(2026, 12, 1)),
    ],
)
def test_the_task_runs_as_of_today_in_asia_shanghai(utc, expected, members, monkeypatch) -> None:
    at(monkeypatch, utc)
    monkeypatch.setattr(registry, "RULES", {"dues_overdue": registry.RULES["dues_overdue"]})
    answer: dict[str, Any] = nightly()
    run = NightlyRun.objects.get(pk=answer["run"])
    assert (run.as_of, run.trigger, answer["status"]) == (
        expected,
        RunTrigger.SCHEDULE,
        RunStatus.SUCCEEDED,
    )


# --- The home page ---------------------------------------------------------------------------


def home_panel(client):
    response = client.get(reverse("home"))
    shown = [p for p in response.context["panels"].get("sections", []) if p.name == "runs"]
    return response, (shown[0].context if shown else None)


def test_the_home_page_warns_when_last_nights_run_is_missing(
    members, county, login, monkeypatch
) -> None:
    at(monkeypatch, dt.datetime(2026, 11, 30, 16, 30, tzinfo=UTC))  # 00:30 on 1 December
    # Yesterday's run (as of 29 November) does not count for the night of the 30th.
    run_rules(dt.date(2026, 11, 29), only=[])
    response, panel = home_panel(login(county))
    assert panel["day"] == dt.date(2026, 11, 30)
    assert panel["run"] is None
    assert "alert-warning" in response.content.decode()
    assert reverse("oversight:runs") in response.content.decode()

    ran = run_rules(dt.date(2026, 11, 30), only=[])
    response, panel = home_panel(login(county))
    assert panel["run"] == ran
    assert not panel["trouble"]
    assert "alert-warning" not in response.content.decode()


@pytest.mark.parametrize("status", [RunStatus.FAILED, RunStatus.PARTIAL, RunStatus.INTERRUPTED])
def test_the_home_page_warns_when_last_nights_run_went_wrong(
    status, county, login, monkeypatch
) -> None:
    at(monkeypatch, dt.datetime(2026, 11, 30, 0, 30, tzinfo=UTC))  # 08:30 on 30 November
    run = NightlyRun.objects.create(
        as_of=dt.date(2026, 11, 30),
        trigger=RunTrigger.SCHEDULE,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        status=status,
    )
    response, panel = home_panel(login(county))
    assert (panel["run"], panel["trouble"]) == (run, True)
    assert reverse("oversight:run", args=[run.pk]) in response.content.decode()


@pytest.mark.parametrize("persona", ["secretary", "town", "inspector"])
def test_the_home_page_says_nothing_of_runs_to_others(persona, request, login) -> None:
    _, panel = home_panel(login(request.getfixturevalue(persona)))
    assert panel is None


def test_the_home_panel_costs_one_query(county, django_assert_num_queries) -> None:
    user_scope(county)  # the page's scope: read once per request, for every panel
    with django_assert_num_queries(1):
        assert home_runs(county) is not None


# --- A killed worker -------------------------------------------------------------------------


def test_a_worker_killed_mid_run_the_rerun_marks_it_interrupted_with_no_duplicate(
    members, secretary, secretary2
) -> None:
    """Issue 12, bad input and faults: a worker killed mid-run. What it leaves is a run still
    "running", with some rules applied and the others not; the message comes back (acks_late)
    and the rerun completes it with no duplicate alert."""
    day = dt.date(2026, 11, 30)
    owe(members["a1"], secretary)
    owe(members["b1"], secretary2)
    dead = start_run(day, trigger=RunTrigger.SCHEDULE)
    # Half the work: the dues rule applied, then the worker died before the rule run row, the
    # other rules and the totals.
    apply_rule(registry.RULES["dues_overdue"], day, dead)
    assert Alert.objects.filter(rule="dues_overdue").count() == 2

    answer: dict[str, Any] = nightly(day.isoformat())  # the redelivered message
    dead.refresh_from_db()
    assert dead.status == RunStatus.INTERRUPTED
    assert dead.finished_at is not None
    assert dead.error
    rerun = NightlyRun.objects.get(pk=answer["run"])
    assert rerun.status == RunStatus.SUCCEEDED, rerun.error
    dues = rerun.rule_runs.get(rule="dues_overdue")
    assert (dues.opened, dues.still_open, dues.closed) == (0, 2, 0)
    assert Alert.objects.filter(rule="dues_overdue").count() == 2
    assert rerun.rule_runs.count() == len(registry.RULES)


# --- The command ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile", ["2026-13-01", "20261130", "2026-W48-1", "0001-01-01", "9999-12-31", "\x00"]
)
def test_the_command_refuses_a_hostile_day(hostile) -> None:
    with pytest.raises(CommandError, match="--as-of"):
        call_command("run_nightly", "--as-of", hostile)
    assert not NightlyRun.objects.exists()


def test_the_command_reads_full_width_digits(members, capsys) -> None:
    call_command("run_nightly", "--as-of", FULL_WIDTH_DAY, "--rule", "dues_overdue")
    assert NightlyRun.objects.get().as_of == dt.date(2026, 11, 30)
    assert "as of 2026-11-30: succeeded" in capsys.readouterr().out


def test_the_run_log_says_how_long_a_run_took(county, login) -> None:
    started = timezone.now() - dt.timedelta(minutes=5)
    NightlyRun.objects.create(
        as_of=timezone.localdate(),
        trigger=RunTrigger.SCHEDULE,
        status=RunStatus.SUCCEEDED,
        started_at=started,
        finished_at=started + dt.timedelta(minutes=3, seconds=27, microseconds=400),
    )
    NightlyRun.objects.create(
        as_of=timezone.localdate(), trigger=RunTrigger.SCHEDULE, started_at=timezone.now()
    )
    html = login(county).get(reverse("oversight:runs")).content.decode()
    assert "0:03:27" in html
    assert "0:03:27." not in html
