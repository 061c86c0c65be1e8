"""Real-browser journeys: Playwright's sync API driving Debian's Chromium against ``live_server``.

* Chromium is Debian's ``/usr/bin/chromium`` (never a browser downloaded by ``playwright
  install``). Without it the tests here are skipped, except under CI (``CI`` set), where a missing
  browser is an error: CI must run them. ``KSTU_CHROMIUM`` points elsewhere if needed.
* Every test in this folder gets the ``browser`` marker. ``page``/``phone_page`` bring the live
  Django test server (``live_server``, which implies ``transaction=True`` database access) and are
  based at its URL: ``page.goto("/login/")``. Like the rest of the suite this expects DEBUG=1
  (``make test`` sets it): plain-HTTP cookies and unhashed static files.
* On failure a screenshot of each open page goes to ``test-results/`` (gitignored).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread; without this, Django refuses
# ORM calls made in the test body (SynchronousOnlyOperation). The standard workaround.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("KSTU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# An English-language browser: the interface must still open in Kyrgyz (the browser's
# Accept-Language is deliberately not consulted; see kstu.middleware).
BROWSER_LOCALE = "en-US"
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
TIMEOUT_MS = 10_000

HERE = Path(__file__).resolve().parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium to run the browser journeys"
        if _in_ci():
            pytest.fail(message + " (CI is set: browser tests must run)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _screenshot_on_failure(request, page):
    report = getattr(request.node, "_report_call", None) or getattr(
        request.node, "_report_setup", None
    )
    if report is None or not report.failed or page.is_closed():
        return
    RESULTS_DIR.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
    try:
        page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
    except Exception as exc:  # a broken page must not hide the test's own failure
        print(f"could not take a failure screenshot: {exc}")


def _new_page(request, browser, live_server, viewport):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        locale=BROWSER_LOCALE,
        timezone_id="Asia/Bishkek",
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    _screenshot_on_failure(request, page)
    context.close()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context (no cookies) with a desktop viewport, based at the live server."""
    yield from _new_page(request, browser, live_server, DESKTOP)


@pytest.fixture
def phone_page(request, browser, live_server):
    """Like ``page`` with a phone-sized viewport (390x844)."""
    yield from _new_page(request, browser, live_server, PHONE)
