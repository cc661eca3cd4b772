"""Browser tests: Playwright driving Debian's chromium, headless, against a live server."""

import os
import shutil

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM = os.environ.get("DANGVU_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


class OneRequestAtATime(WSGIServer):
    """The live server answers one request at a time (Django then closes each connection, so the browser
    opens a new one rather than waiting on a kept-alive one).

    The tests' in-memory SQLite database is one connection shared by the test and the server's threads.
    With the threaded server, two requests at once could deadlock the whole process: one thread runs a
    query whose Python SQL function (Django's date functions, our folding) waits for the GIL while it
    holds the connection's mutex, and another thread, holding the GIL, binds a parameter on the same
    connection and waits for that mutex. Nothing can time out then (pytest-timeout needs the GIL too):
    a full run hung on the unit page's charts panel that way."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in fixtures stay synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
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
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A fresh browser tab; the test fails if the page reported a Content-Security-Policy violation
    (every response carries the strict policy of django-csp: tests/csp.py)."""
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert violations == []
