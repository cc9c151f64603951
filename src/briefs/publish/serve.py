"""`briefs serve`: the published site on 127.0.0.1, to preview the editions before uploading them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefs.errors import UsageError


def make_server(site: Path, port: int = 8000, host: str = "127.0.0.1"):
    """An HTTP server for `site/` on the loopback interface only (port 0 picks a free one)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    if not (site / "index.html").exists():
        raise UsageError(f"nothing to serve in {site}: release an edition first (briefs release VERSION)")

    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-cache")  # a preview shows the latest release at once
            super().end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    try:
        return ThreadingHTTPServer((host, port), functools.partial(Handler, directory=str(site)))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
