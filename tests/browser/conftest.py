"""Browser harness: Playwright drives Debian's Chromium; axe-core checks every page.

The browser is never downloaded: ``CITYRIGHTS_CHROMIUM`` (default
``/usr/bin/chromium``) must point at an installed Chromium. Without one the
tests are skipped locally; in CI a skip fails the run (see tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API keeps an event loop in this thread; Django's ORM calls
# from the same thread are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CITYRIGHTS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
OFF_SITE = re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def demo_city(transactional_db, settings, tmp_path):
    """The demo city, its signing keys in this test's own folder. A test file that needs more
    of the demo defines its own ``demo_city``."""
    from cityrights.consent import keys
    from cityrights.core import demo

    settings.CITYRIGHTS_KEY_DIR = str(tmp_path / "keys")
    keys.forget_cached_keys()
    context = demo.load()
    yield context
    keys.forget_cached_keys()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"No Chromium at {CHROMIUM}: install Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB")
    # The suite never reaches the internet (the register's base map asks OpenStreetMap for tiles).
    context.route(OFF_SITE, lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login_as(page, user) -> None:
    """Open a session for ``user`` without typing: copy a Django session cookie."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    url = page.context._impl_obj._options.get("baseURL") if hasattr(page, "context") else None
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": url}]
    )


def assert_accessible(page, url: str) -> None:
    """Open ``url`` and fail with axe's report if any WCAG 2.x A/AA rule is violated."""
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(url)
    assert response is not None
    assert response.status < 500, f"{url} answered {response.status}"
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, f"{url}:\n{results.generate_report()}"
