"""Browser tests: the real app on a loopback port, driven by Playwright in Debian's Chromium.

Playwright never downloads a browser here: it launches /usr/bin/chromium. Without it
these tests skip, unless REQUIRE_BROWSER=1 (as in CI), where a missing browser fails.
Screenshots go to test-artifacts/ for people to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from voting.app import create_app
from voting.core.extensions import db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(directory: Path) -> Iterator[tuple[str, Flask]]:
    """The app with the demo organisations, served on 127.0.0.1 in a thread: its address
    and the app (to set up what a test needs in an app context)."""
    path = directory / "live.sqlite3"
    port = _free_port()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SOCKETIO_ASYNC_MODE": "threading",
            "SECRET_KEY": "e2e-secret",
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        from voting.demo import load_demo

        load_demo()
        db.session.remove()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Flask]]:
    """The served app and its address, to set up what a test needs in an app context.

    One app per session: the Socket.IO server is bound to the last app initialised."""
    with serving(tmp_path_factory.mktemp("live")) as served:
        yield served


@pytest.fixture(scope="session")
def live_server(live_app: tuple[str, Flask]) -> str:
    """The address of the app with the demo organisations."""
    return live_app[0]


# Every page of every browser test reports what the Content-Security-Policy refused: a
# test fails when its pages needed an inline script or style, eval, or another origin.
REPORT_REFUSALS = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  "CSP refused " + e.effectiveDirective + " " + (e.blockedURI || "inline") + " at " +
  e.sourceFile + ":" + e.lineNumber));
"""
REFUSED: list[str] = []


class WatchedBrowser:
    """The browser, with each new context watching for what the policy refused."""

    def __init__(self, browser: object) -> None:
        self._browser = browser

    def __getattr__(self, name: str) -> object:
        return getattr(self._browser, name)

    def new_context(self, **options: object):  # type: ignore[no-untyped-def]
        context = self._browser.new_context(**options)  # type: ignore[attr-defined]
        context.add_init_script(REPORT_REFUSALS)

        def watch(message) -> None:  # type: ignore[no-untyped-def]
            if "Content Security Policy" in message.text or "CSP refused" in message.text:
                REFUSED.append(f"{message.page.url if message.page else '?'}: {message.text}")

        context.on("console", watch)
        return context


@pytest.fixture(autouse=True)
def policy_refusals() -> Iterator[list[str]]:
    """What the policy refused on this test's pages: nothing, or the test fails."""
    REFUSED.clear()
    yield REFUSED
    assert REFUSED == [], "the Content-Security-Policy refused:\n" + "\n".join(REFUSED)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no chromium on the PATH")
        pytest.skip("no chromium: browser tests skipped (install Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield WatchedBrowser(browser)
        browser.close()


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    """A fresh 360-px-wide touch screen with its own cookies."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot as a test artefact and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_fits_phone(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing scrolls sideways on a 360-px-wide screen."""
    # A mobile browser widens its layout viewport to fit wide content, so compare with
    # the screen, not with window.innerWidth.
    overflow = page.evaluate("document.documentElement.scrollWidth - screen.width")
    assert overflow <= 0, f"page is {overflow}px wider than the phone screen"
