"""The nightly letter expiry: scheduled, and run by a real Celery worker over Redis."""

from __future__ import annotations

import datetime as dt
import socket
import time
import uuid
from collections.abc import Iterator

import pytest
from celery import Celery
from celery.backends.redis import RedisBackend
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult
from celery.schedules import crontab
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from config.celery import app as celery_app
from core.models import AuditEntry
from transfers.builders import transfer_in
from transfers.models import Transfer, TransferEvent, TransferStatus
from transfers.tasks import expire_letters

TODAY = timezone.localdate()
#: A database of its own on the local Redis, so a test never sees another run's messages.
REDIS = "redis://127.0.0.1:6379/13"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def issue(tree, member, town, valid_days: int = 30) -> Transfer:
    """A letter to b1, issued today by the township (which covers the branches and issues)."""
    return transfer_in(
        TransferStatus.ISSUED,
        member=member,
        to=tree.b1,
        actor=town,
        reason="在外地就业",
        valid_days=valid_days,
    )


def test_the_expiry_runs_nightly_at_half_past_one_shanghai_time():
    entry = settings.CELERY_BEAT_SCHEDULE["transfers-expire-letters"]
    assert entry["task"] == expire_letters.name == "transfers.expire_letters"
    assert entry["schedule"] == crontab(hour=1, minute=30)
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    # The worker finds the task by autodiscovery of the apps' tasks modules.
    celery_app.loader.import_default_modules()
    assert "transfers.expire_letters" in celery_app.tasks


@pytest.fixture
def redis_app() -> Iterator[Celery]:
    """The project's Celery app pointed at the local Redis for one test, then put back."""
    if not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379")
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(broker_url=REDIS, result_backend=REDIS, task_always_eager=False)
    try:
        yield celery_app
    finally:
        celery_app.conf.update(saved)


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_a_real_worker_expires_the_letters_past_their_validity(redis_app, tree, members, town):
    short = issue(tree, members["a1"], town, valid_days=10)
    long = issue(tree, members["a2"], town, valid_days=60)
    queue = f"test-expire-{uuid.uuid4().hex}"
    started = time.monotonic()
    with start_worker(redis_app, queues=[queue], perform_ping_check=False, shutdown_timeout=5):
        # A connection of its own: the app's producer pool may predate the broker URL.
        with redis_app.connection_for_write() as connection:
            sent = expire_letters.apply_async(  # type: ignore[call-arg]  # stubs lack it
                args=((TODAY + dt.timedelta(days=11)).isoformat(),),
                queue=queue,
                connection=connection,
            )
        backend = RedisBackend(app=redis_app, url=REDIS)
        result: AsyncResult[int] = AsyncResult(sent.id, app=redis_app, backend=backend)
        assert result.get(timeout=10) == 1
    assert time.monotonic() - started < 10

    short.refresh_from_db()
    long.refresh_from_db()
    assert short.status == TransferStatus.EXPIRED
    assert long.status == TransferStatus.ISSUED
    # The system did it: the timeline step and the audit entry name no actor.
    step = TransferEvent.objects.get(transfer=short, to_status=TransferStatus.EXPIRED)
    assert step.actor is None
    audit = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Transfer),
        object_pk=str(short.pk),
        changes__icontains="expired",
    )
    assert audit.count() == 1
    assert audit.get().actor is None


@pytest.mark.django_db
def test_the_command_expires_as_of_a_day(tree, members, town, capsys):
    transfer = issue(tree, members["a1"], town, valid_days=10)
    call_command("expire_letters", "--date", (TODAY + dt.timedelta(days=10)).isoformat())
    assert capsys.readouterr().out.strip() == "0 letter(s) expired"
    call_command("expire_letters", "--date", (TODAY + dt.timedelta(days=11)).isoformat())
    assert capsys.readouterr().out.strip() == "1 letter(s) expired"
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.EXPIRED
