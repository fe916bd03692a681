"""The health check: 200 when every configured backing service answers, 503 naming the one that
does not. (tests/conftest.py clears REDIS_URL for every test; these set it.)"""

from __future__ import annotations

import os
import socket

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

LIVE_REDIS = "redis://127.0.0.1:6379/0"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_database_only(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_a_dead_redis_is_503_naming_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error: ")


def test_the_broker_url_is_checked_when_redis_url_is_unset(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert client.get(reverse("healthz")).status_code == 503


@pytest.fixture
def live_redis() -> str:
    """The machine's Redis; skipped loudly without one, a failure under CI=true."""
    if not _redis_answers():
        message = "no Redis on 127.0.0.1:6379: install and start redis-server"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {message}")
        pytest.skip(f"REDIS TESTS SKIPPED: {message}")
    return LIVE_REDIS


def test_the_filesystem_broker_of_make_run_is_not_pinged_as_redis(client, settings):
    """`make run` without Redis sends tasks through a folder (CELERY_BROKER_URL=filesystem://):
    the health check said 503 "redis: error: ValueError" for a demo that worked."""
    settings.CELERY_BROKER_URL = "filesystem://"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_a_live_redis_is_200(client, settings, live_redis):
    settings.REDIS_URL = live_redis
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_a_failing_database_is_503_naming_the_database(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: RuntimeError"


def test_only_get(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_a_user_who_must_change_password_still_gets_the_health_check(client, secretary):
    secretary.must_change_password = True
    secretary.save()
    client.force_login(secretary)
    assert client.get(reverse("healthz")).status_code == 200
