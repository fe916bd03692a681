"""Logging in, and the lockout after repeated failures (django-axes: username + IP)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_logs_in(client, secretary):
    response = _login(client, "secretary", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _logged_in(client)


def test_a_wrong_password_shows_the_form_again(client, secretary):
    response = _login(client, "secretary", "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not _logged_in(client)


def test_five_failures_lock_the_account_even_against_the_right_password(client, secretary):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        assert _login(client, "secretary", "wrong").status_code == 200
    locked = _login(client, "secretary", "wrong")
    assert locked.status_code == 429
    response = _login(client, "secretary", PASSWORD)
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert not _logged_in(client)


def test_the_lockout_is_per_username(client, secretary, committee):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "secretary", "wrong")
    assert _login(client, "committee", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_a_success_before_the_limit_resets_the_count(client, secretary):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "secretary", "wrong")
    assert _login(client, "secretary", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "secretary", "wrong")
    assert _login(client, "secretary", PASSWORD).status_code == 302


def test_an_inactive_account_cannot_log_in(client, secretary):
    secretary.is_active = False
    secretary.save()
    assert _login(client, "secretary", PASSWORD).status_code == 200
    assert not _logged_in(client)


def test_logout_is_a_post_and_ends_the_session(client, secretary):
    client.force_login(secretary)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not _logged_in(client)
