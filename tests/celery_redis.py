"""A real Celery worker on the local Redis for the tests that need one (issue 12's nightly run,
issue 13's big exports): the `redis_app` fixture (tests/conftest.py makes it available
everywhere)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest
import redis
from celery import Celery

from config.celery import app as celery_app

#: The broker of these tests: a database of its own on the local Redis.
REDIS = "redis://127.0.0.1:6379/5"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def forget_pools() -> None:
    """The app's connection and producer pools are made once, for the broker of the time: an
    earlier test's (or none). Forgotten, they are made again for this test's broker."""
    # Private attributes, reset as Celery's own app.close() does not (it closes them for good).
    vars(celery_app)["_pool"] = None
    vars(celery_app.amqp)["_producer_pool"] = None


@pytest.fixture
def redis_app(settings) -> Iterator[Celery]:
    """The project's Celery app on the local Redis for one test (tests/conftest.py's `_no_redis`
    blanked the broker, and the test settings run tasks eagerly), then put back."""
    if not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379")
    # Saved before the settings change: the app's configuration is read lazily from Django's
    # settings, so read after it would "save" the test's own values (and leave a later test
    # sending tasks to Redis instead of running them eagerly).
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: celery_app.conf[key] for key in keys}
    settings.CELERY_BROKER_URL = REDIS
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # A default queue of the test's own: pytest-xdist runs two test processes on the one Redis,
    # and a worker started by one took the other's message (and ran it on its own database).
    queue = f"tests-{uuid.uuid4().hex}"
    celery_app.conf.update(broker_url=REDIS, task_always_eager=False, task_default_queue=queue)
    forget_pools()
    try:
        yield celery_app
    finally:
        celery_app.conf.update(saved)
        forget_pools()
        redis.Redis.from_url(REDIS).delete(queue)
