"""Pages are in Chinese by default; English is one click away."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_by_default(client, secretary):
    client.force_login(secretary)
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_login_page_is_chinese(client):
    response = client.get(reverse("login"))
    assert response["Content-Language"] == "zh-hans"
    assert "用户名" in response.content.decode()  # Django's own label, translated


def test_switching_to_english(client, secretary):
    client.force_login(secretary)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(reverse("home"))
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()
    assert "用户名" not in client.get(reverse("login")).content.decode()


def test_switching_back_to_chinese(client):
    client.post(reverse("set_language"), {"language": "en"})
    client.post(reverse("set_language"), {"language": "zh-hans"})
    assert client.get(reverse("login"))["Content-Language"] == "zh-hans"


def test_an_unknown_language_is_ignored(client):
    client.post(reverse("set_language"), {"language": "fr"})
    assert client.get(reverse("login"))["Content-Language"] == "zh-hans"


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, secretary):
    client.force_login(secretary)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")["Content-Language"] == "en"
