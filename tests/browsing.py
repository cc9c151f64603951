"""Driving Debian's Chromium over a built book: a loopback server, and pages opened behind a guard.

Shared by the readers' book tests, the edition switcher test and the injection test; the
`chromium` and `browser` fixtures (one browser for the whole session) are in conftest.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin

LOCAL = "127.0.0.1"
DESKTOP = {"width": 1280, "height": 900}


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on the loopback interface; yields its base URL (ending in /)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((LOCAL, 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Visit:
    """A page opened behind the offline guard, with what it asked for, logged and popped up."""

    page: object
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [f"requested {u}" for u in self.outside] + [f"console error: {e}" for e in self.errors]


def new_context(browser, **options):
    context = browser.new_context(accept_downloads=True, **options)
    context.set_default_timeout(10_000)
    return context


def open_visit(context, base_url: str, path: str, *, wait: str = "networkidle", viewport: dict = DESKTOP) -> Visit:
    """Open a page (path relative to base_url) in a context, behind the guard.

    The guard intercepts only what is not the local server (a regular expression Playwright
    matches itself), so the book's own files load at full speed and from the browser's cache.
    Every console message and every dialog (alert, confirm, prompt) is recorded; dialogs
    are dismissed.
    """
    page = context.new_page()
    page.set_viewport_size(viewport)
    seen = Visit(page)

    def refuse(route):
        seen.outside.append(route.request.url)
        route.abort()

    def console(message):
        seen.messages.append(f"{message.type}: {message.text}")
        if message.type == "error":
            seen.errors.append(message.text)
        elif message.type == "warning":
            seen.warnings.append(message.text)

    def dialog(d):
        seen.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.route(re.compile("^(?!" + re.escape(base_url) + "|data:)"), refuse)
    page.on("console", console)
    page.on("dialog", dialog)
    page.on("pageerror", lambda exc: seen.errors.append(f"uncaught: {exc}"))
    page.goto(urljoin(base_url, path), wait_until=wait)
    return seen


def screenshot(page, path: Path) -> None:
    """A picture of the page under build/test-artifacts/ for people to look at (no test reads it).

    What a reader sees at load, the first screen, unless BRIEFS_SCREENSHOTS=full asks for the
    whole page: brief pages are tens of thousands of pixels tall, and encoding them all takes
    a minute of the suite's time.
    """
    whole = os.environ.get("BRIEFS_SCREENSHOTS", "").strip().lower() == "full"
    page.screenshot(path=str(path), full_page=whole)
