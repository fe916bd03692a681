"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Without Chromium the tests are skipped with a notice naming what to install; with CI=true a
missing browser fails the run instead, so CI cannot go green without them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = "Debian's chromium and fonts-wqy-microhei (apt-get install chromium fonts-wqy-microhei)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and no Chromium: install {MISSING}")
        pytest.skip(f"BROWSER TESTS SKIPPED: no Chromium on this machine; install {MISSING}")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls
    # happen in another thread, but fixtures that touch the DB here need this permission.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def page_for(browser, live_server):
    """`page_for(username)` → (context, page): a phone-sized browser logged in as `username`,
    for journeys that pass from one person to the next. Close the context when done."""
    from tests.browser.test_member_journey import log_in

    def open_as(username: str):
        context = browser.new_context(viewport={"width": 375, "height": 800})
        context.set_default_timeout(15_000)
        page = context.new_page()
        log_in(page, live_server, username)
        return context, page

    return open_as
