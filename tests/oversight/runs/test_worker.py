"""A real Celery worker on Redis runs the nightly checks end to end (issue 12, "done when"): the
task sent as beat sends it, and the button pressed in the web process, whose task runs in the
worker."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal

import psycopg2
import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.conf import settings
from django.db import connection
from django.urls import reverse

from members.dues.actions import StandardInput, do_set_standard
from members.dues.rules import seed_rates
from members.models import DuesCategory
from oversight.engine import LOCK_KEY
from oversight.models import Alert, NightlyRun, RunStatus, RunTrigger
from oversight.tasks import nightly
from tests.celery_redis import REDIS

DAY = dt.date(2026, 11, 30)


def finished_runs(expected: int, timeout: float = 20) -> list[NightlyRun]:
    """The runs, once `expected` of them have finished (the worker commits as it goes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = list(NightlyRun.objects.exclude(status=RunStatus.RUNNING).order_by("id"))
        if len(runs) >= expected:
            return runs
        time.sleep(0.2)
    raise AssertionError(f"the worker finished {NightlyRun.objects.count()} run(s) in {timeout}s")


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_a_real_worker_runs_the_nightly_checks(redis_app, members, secretary, county, login):
    seed_rates()  # a transactional test starts from an empty database
    do_set_standard(
        member=members["a1"],
        effective_from=dt.date(2026, 5, 1),
        data=StandardInput(category=DuesCategory.SALARIED, base_income=Decimal("4000")),
        actor=secretary,
    )
    threads: list[int] = []

    def seen(**kwargs: object) -> None:
        threads.append(threading.get_ident())

    task_prerun.connect(seen, weak=False)
    started = time.monotonic()
    try:
        # The default queue, where beat and the button send (the fixture's own: see
        # tests/celery_redis.py): named, because a worker started earlier in this process on a
        # queue of its own left the app consuming only from that.
        queue = redis_app.conf.task_default_queue
        with start_worker(redis_app, queues=[queue], perform_ping_check=False, shutdown_timeout=10):
            # As beat sends it: the task's name and an as-of day, on the default queue.
            with redis_app.connection_for_write() as connection:
                nightly.apply_async(  # type: ignore[call-arg]  # stubs lack it
                    args=(DAY.isoformat(),), connection=connection
                )
            [scheduled] = finished_runs(1)
            # The button: the web process only sends the message.
            response = login(county).post(reverse("oversight:run_now"), {"as_of": ""})
            assert response.status_code == 302
            [_, pressed] = finished_runs(2)
    finally:
        task_prerun.disconnect(seen)
    assert time.monotonic() - started < 30

    assert scheduled.as_of == DAY
    assert scheduled.status == RunStatus.SUCCEEDED, scheduled.error
    dues = scheduled.rule_runs.get(rule="dues_overdue")
    assert dues.opened == 1
    alert = Alert.objects.get(rule="dues_overdue")
    assert alert.member == members["a1"]
    assert alert.first_run == scheduled

    assert (pressed.trigger, pressed.requested_by, pressed.status) == (
        RunTrigger.BUTTON,
        county,
        RunStatus.SUCCEEDED,
    )
    # Both ran in the worker's thread, not in the test's (the web process's) own.
    assert len(threads) == 2
    assert threading.get_ident() not in threads


def _worker(queue: str, log) -> subprocess.Popen[bytes]:
    """A worker process of its own (a session of its own, so that it can be killed whole) on
    the test database, with a visibility timeout of a second."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS,
        "CELERY_VISIBILITY_TIMEOUT": "1",
    }
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue),
            *("--concurrency=1", "--loglevel=INFO", "--without-mingle", "--without-gossip"),
            *("-n", f"{queue}@%h"),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def run_lock_free() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            # This database's lock only: pg_locks lists the whole server's, and another
            # database's nightly run (a benchmark, another test run) holds the same key there.
            "SELECT NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
            [LOCK_KEY],
        )
        return bool(cursor.fetchone()[0])


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_a_worker_killed_mid_run_the_message_comes_back(redis_app, members, secretary, tmp_path):
    """Issue 12, bad input and faults: a worker killed (kill -9) during a slow rule. The message
    was never acknowledged: Redis hands it to the next worker after the visibility timeout, and
    the rerun marks the dead run interrupted and completes with no duplicate alert."""
    if connection.settings_dict["HOST"] in ("", None) or "/" in str(
        connection.settings_dict["HOST"]
    ):
        pytest.skip("the worker process needs the test database over TCP")
    seed_rates()
    do_set_standard(
        member=members["a1"],
        effective_from=dt.date(2026, 5, 1),
        data=StandardInput(category=DuesCategory.SALARIED, base_income=Decimal("4000")),
        actor=secretary,
    )
    queue = f"test-nightly-kill-{uuid.uuid4().hex}"
    log = (tmp_path / "worker.log").open("wb")
    # The slow rule: the alerts' table is locked, so the first rule's upsert waits.
    blocker = psycopg2.connect(**connection.get_connection_params())
    blocker.autocommit = False
    with blocker.cursor() as cursor:
        cursor.execute("LOCK TABLE oversight_alert IN ACCESS EXCLUSIVE MODE")
    started = time.monotonic()
    first = _worker(queue, log)
    second = None
    try:
        with redis_app.connection_for_write() as broker:
            nightly.apply_async(  # type: ignore[call-arg]  # stubs lack it
                args=(DAY.isoformat(),), queue=queue, connection=broker
            )
        _wait(NightlyRun.objects.exists, 20, "the first worker started the run")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(5)
        # Our lock goes; the dead worker's session then fails to answer, rolls back and ends,
        # letting the run lock go (PostgreSQL notices a dead client when it writes to it).
        blocker.close()
        _wait(run_lock_free, 30, "the dead worker's session ended")
        second = _worker(queue, log)
        _wait(
            lambda: NightlyRun.objects.filter(status=RunStatus.SUCCEEDED).exists(),
            25,
            "the second worker ran the message again",
        )
    finally:
        if not blocker.closed:
            blocker.close()
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(10)
        log.close()
    elapsed = time.monotonic() - started
    dead, rerun = NightlyRun.objects.order_by("id")
    assert dead.status == RunStatus.INTERRUPTED
    assert rerun.status == RunStatus.SUCCEEDED, rerun.error
    assert rerun.rule_runs.get(rule="dues_overdue").opened == 1
    assert Alert.objects.filter(rule="dues_overdue").count() == 1
    assert elapsed < 75, (tmp_path / "worker.log").read_text()
