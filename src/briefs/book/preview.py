"""`briefs preview`: the book on 127.0.0.1, rebuilt as the author edits, the open page reloaded.

A loop watches `notebooks/`, `data/` (the official series' folder too) and `book/` by polling
(no dependency, works on every filesystem). When a file changes it runs one rebuild:

1. the briefs whose inputs changed run again (`execute.schedule.run_briefs`: the cache knows
   which), in this process's warm kernel, into `build/runs` as `briefs build` would;
2. the book is staged into a scratch folder and copied over `build/preview/src` file by file,
   replacing only files whose bytes differ, so every other file keeps its modification time;
3. Sphinx compiles into `build/preview/out`, which keeps its doctrees between rebuilds, so it
   reads again only the pages whose files changed and rewrites the pages affected; the Sphinx
   application itself stays up between rebuilds (`book.incremental`).

Every HTML page served gets a small script that polls `/__briefs_preview__/state` and reloads
the page when a rebuild has finished; while a brief or the book fails, the error shows in a
banner on the page (and in the terminal), the last good pages stay, and the server goes on.
No PDFs are printed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from briefs.errors import BriefsError, UsageError
from briefs.project import buildlock, paths

ENDPOINT = "/__briefs_preview__/"
Say = Callable[[str, str], None]

SCRIPT = r"""(function () {
  var seen = document.currentScript.getAttribute("data-version");
  var box = null;
  function show(state) {
    var text = state.error ? state.error : (state.building ? "rebuilding\u2026" : "");
    if (!text) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "briefs-preview-status";
      box.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:10000;padding:.6em 1em;" +
        "font:14px/1.4 system-ui,sans-serif;white-space:pre-wrap;color:#fff;";
      document.body.appendChild(box);
    }
    box.setAttribute("role", state.error ? "alert" : "status");
    box.style.background = state.error ? "#a4161a" : "#1d3557";
    box.textContent = text;
  }
  function poll() {
    fetch("/__briefs_preview__/state", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (state) {
      if (String(state.version) !== seen) { location.reload(); return; }
      show(state);
      setTimeout(poll, 100);
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""


@dataclass
class State:
    """What the pages poll: the rebuild they show, whether one is under way, the last error."""

    version: int = 0
    building: bool = False
    error: str | None = None
    log: list[str] = field(default_factory=list)

    def as_json(self) -> bytes:
        return json.dumps({"version": self.version, "building": self.building, "error": self.error}).encode()


def watched(root: Path) -> list[Path]:
    return [paths.notebooks_dir(root), root / "data", paths.book_sources(root), paths.external_dir(root)]


def fingerprint(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Every file under the folders with its size and modification time (cheap to take)."""
    found: dict[str, tuple[int, int]] = {}

    def walk(folder: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    walk(entry.path)
            elif entry.is_file():
                st = entry.stat()
                found[entry.path] = (st.st_size, st.st_mtime_ns)

    for folder in folders:
        walk(str(folder))
    return found


EMPTY_PATIENCE = 3.0  # seconds to wait for an empty brief to be written before rebuilding without it


def _empty_brief(found: dict[str, tuple[int, int]]) -> bool:
    return any(size == 0 and path.endswith(".md") for path, (size, _) in found.items())


def sync_tree(new: Path, dest: Path) -> list[str]:
    """Make `dest` hold exactly `new`'s files, writing only those whose bytes differ (Sphinx tells
    a changed page by its modification time). Returns the relative paths written or removed."""
    changed = []
    dest.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(new) for p in new.rglob("*") if p.is_file()}
    for rel in sorted(wanted):
        source, target = new / rel, dest / rel
        if target.is_file() and target.stat().st_size == source.stat().st_size and target.read_bytes() == source.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        changed.append(rel.as_posix())
    for path in sorted(dest.rglob("*"), reverse=True):
        rel = path.relative_to(dest)
        if path.is_file() and rel not in wanted:
            path.unlink()
            changed.append(rel.as_posix())
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


def inject(html: bytes, version: int) -> bytes:
    tag = f'<script src="{ENDPOINT}reload.js" data-version="{version}"></script>'.encode()
    end = html.rfind(b"</body>")
    return html[:end] + tag + html[end:] if end >= 0 else html + tag


class Preview:
    """The watcher, the rebuilds and the server of `briefs preview`."""

    def __init__(
        self,
        root: Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        interval: float = 0.1,
        say: Say | None = None,
    ):
        self.root = Path(root or paths.project_root())
        self.host, self.port, self.interval = host, port, interval
        self.say: Say = say or (lambda item, state: None)
        self.state = State()
        self.work = paths.preview_dir(self.root)
        self.src, self.out = self.work / "src", self.work / "out"
        self.html = self.out / "_build" / "html"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.server = None
        from briefs.book.incremental import Compiler

        self.compiler = Compiler(self.src, self.out)

    # --- one rebuild ----------------------------------------------------------

    def rebuild(self, first: bool = False) -> None:
        """Run what changed, stage, compile; an error is recorded and shown, never raised."""
        from briefs.book.stage import stage
        from briefs.execute.schedule import run_briefs
        from briefs.project import catalog

        self.state.building = True
        errors: list[str] = []
        started = time.perf_counter()
        try:
            # Runs and staging change build/: under its lock, as a build would (a `briefs build` in
            # another terminal waits for this rebuild, and this one for it); compiling into
            # build/preview/ needs no lock.
            with buildlock.hold(self.root, self.say):
                briefs = catalog.discover(self.root)
                # The first rebuild may have every brief to run: all cores. Later ones run the few that
                # changed one after the other in this process's warm kernel.
                _, failures, _ = run_briefs(briefs, self.root, workers=None if first else 1, progress=self.say)
                errors += [reason if reason.startswith(f"{name}: ") else f"{name}: {reason}" for name, reason in failures.items()]
                notebooks = {
                    b.name: paths.run_path(b.name, self.root) for b in briefs if paths.run_path(b.name, self.root).exists()
                }
                paths.build_dir(self.root).mkdir(parents=True, exist_ok=True)
                with tempfile.TemporaryDirectory(prefix="preview-", dir=paths.build_dir(self.root)) as tmp:
                    staged = stage(self.root, briefs, notebooks, Path(tmp) / "src", pdf=False)
                    changed = sync_tree(staged, self.src)
            if changed or not (self.html / "index.html").exists():
                self.say("book", f"compiling ({len(changed)} file(s) changed)")
                self.compiler.build(changed)
        except BriefsError as exc:
            errors.append(str(exc))
        except Exception as exc:  # the server must outlive any failure of a rebuild
            errors.append(f"{type(exc).__name__}: {exc}")
            self.state.log.append(traceback.format_exc())
        error = "\n".join(errors) or None
        for line in errors:
            self.say("error", line)
        self.say("book", f"rebuilt in {time.perf_counter() - started:.1f} s" + (" with errors" if error else ""))
        self.state.error = error
        self.state.version += 1
        self.state.building = False

    # --- watching and serving --------------------------------------------------

    def watch(self) -> None:
        """Rebuild whenever a watched file changes, until stopped."""
        from briefs.execute import warm
        from briefs.execute.run import ensure_kernel

        folders = watched(self.root)
        seen = fingerprint(folders)
        self.rebuild(first=True)
        warm.prestart(ensure_kernel(), self.root)  # so that the first edit finds its kernel ready
        while not self._stop.wait(self.interval):
            now = fingerprint(folders)
            if now == seen:
                continue
            settle = self.interval / 2  # a change seen: look again sooner, the author is waiting
            patience = round(EMPTY_PATIENCE / settle)
            while not self._stop.wait(settle):  # wait until the editor has finished writing
                settled = fingerprint(folders)
                # An editor that truncates, then writes, leaves an empty file for a moment (longer on a
                # loaded machine): an empty brief is a save in progress, not a brief removed.
                if settled == now and not (_empty_brief(settled) and patience > 0):
                    break
                patience -= 1
                now = settled
            seen = now
            self.rebuild()

    def make_server(self):
        import functools
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        preview = self

        class Handler(SimpleHTTPRequestHandler):
            tag: str | None = None

            def end_headers(self) -> None:
                # Every response is checked again before it is used (no-cache, not no-store): a
                # reloaded page's scripts and styles come back as 304 Not Modified, and Chromium
                # keeps what it compiled of them, while a file Sphinx rewrote is sent again.
                self.send_header("Cache-Control", "no-cache")
                if self.tag:
                    self.send_header("ETag", self.tag)
                super().end_headers()

            def reply(self, body: bytes, kind: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self.tag = None
                path = self.path.split("?", 1)[0].split("#", 1)[0]
                if path == ENDPOINT + "state":
                    return self.reply(preview.state.as_json(), "application/json")
                if path == ENDPOINT + "reload.js":
                    return self.reply(SCRIPT.encode(), "text/javascript; charset=utf-8")
                if path.endswith("/"):
                    path += "index.html"
                if path.endswith(".html"):
                    file = Path(self.translate_path(path))
                    if file.is_file():
                        return self.reply(inject(file.read_bytes(), preview.state.version), "text/html; charset=utf-8")
                    if not (preview.html / "index.html").exists():
                        return self.reply(
                            inject(
                                b"<!doctype html><title>building</title><body><p>The book is being built; "
                                b"this page reloads when it is ready.</p></body>",
                                preview.state.version,
                            ),
                            "text/html; charset=utf-8",
                        )
                file = Path(self.translate_path(path))
                if file.is_file():
                    # The file's size and modification time to the nanosecond: a Last-Modified date
                    # (whole seconds) would miss a file rewritten twice within one second.
                    st = file.stat()
                    self.tag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
                    if self.tag in self.headers.get("If-None-Match", ""):
                        self.send_response(304)
                        self.end_headers()
                        return None
                return super().do_GET()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        try:
            return ThreadingHTTPServer((self.host, self.port), functools.partial(Handler, directory=str(self.html)))
        except OSError as exc:
            raise UsageError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None

    def start(self) -> str:
        """Serve and watch in background threads; returns the address to open."""
        self.html.mkdir(parents=True, exist_ok=True)
        self.server = self.make_server()
        host, port = self.server.server_address[:2]
        for target in (self.server.serve_forever, self.watch):
            thread = threading.Thread(target=target, daemon=True, name=f"preview-{target.__name__}")
            thread.start()
            self._threads.append(thread)
        return f"http://{host}:{port}/"

    def stop(self) -> None:
        from briefs.execute import warm

        self._stop.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=600)
        self.compiler.close()
        warm.shutdown_all()


def preview(
    root: Path | None = None, *, port: int = 8000, say: Say | None = None, ready: Callable[[str], None] | None = None
) -> None:
    """`briefs preview`: serve and rebuild until interrupted (Ctrl-C)."""
    server = Preview(root, port=port, say=say)
    address = server.start()
    if ready is not None:
        ready(address)
    try:
        while True:
            time.sleep(3600)
    finally:
        server.stop()
