"""The one access check every scoped view is tested with.

The rule: anonymous → the login page; out of scope → 404 (the record's existence is not
confirmed); in scope but not allowed to change → 403; allowed → the page (200) or, for a POST
that acts, a redirect to somewhere other than the login page (302).
"""

from __future__ import annotations

from typing import Final

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

LOGIN: Final = "login"


def assert_access(
    client: Client,
    url: str,
    expected: int | str,
    *,
    method: str = "get",
    data: dict[str, object] | None = None,
    who: str = "",
) -> HttpResponse:
    response: HttpResponse = getattr(client, method)(url, data or {})
    where = f"{who or 'user'} {method.upper()} {url}"
    location = response.get("Location", "")
    login_url = reverse("login")
    if expected == LOGIN:
        assert response.status_code == 302, f"{where}: {response.status_code}, not the login page"
        assert location.startswith(login_url), f"{where}: redirected to {location}, not login"
    else:
        assert response.status_code == expected, (
            f"{where}: expected {expected}, got {response.status_code}"
        )
        if expected == 302:
            assert not location.startswith(login_url), f"{where}: sent to the login page"
    return response
