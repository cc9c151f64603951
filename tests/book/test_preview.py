"""`briefs preview` in Chromium: an edit to one brief's Markdown updates that brief alone and the
open page reloads with the change; a brief that breaks shows its error on the page while the
server keeps serving, and the fix clears it."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from briefs.book.preview import Preview, inject, sync_tree
from browsing import new_context, open_visit
from conftest import copy_project

BRIEF = "imumi-factsheet"
ADDED = "A sentence added while the preview was running."
WAIT = 600_000  # ms: a rebuild on a busy machine


def state(address: str) -> dict:
    with urllib.request.urlopen(address + "__briefs_preview__/state") as reply:
        return json.load(reply)


@pytest.fixture()
def preview(built_project, tmp_path):
    root = copy_project(tmp_path / "project", runs_from=built_project.root)  # every brief up to date
    events: list[tuple[str, str]] = []
    server = Preview(root, port=0, say=lambda item, what: events.append((item, what)))
    address = server.start()
    deadline = time.monotonic() + WAIT / 1000
    while state(address)["version"] < 1:
        assert time.monotonic() < deadline, "the preview never finished its first build"
        time.sleep(0.2)
    assert state(address)["error"] is None, state(address)["error"]
    yield server, address, events
    server.stop()


def test_an_edit_reloads_the_open_page_and_an_error_shows_on_it(preview, browser):
    server, address, events = preview
    assert any(what.startswith("compiling") for _, what in events)
    assert not any(what == "running" for _, what in events), "the briefs were up to date: nothing should have run"
    source = server.root / "notebooks" / f"{BRIEF}.md"
    original = source.read_text(encoding="utf-8")
    context = new_context(browser)
    try:
        visit = open_visit(context, address, f"briefs/{BRIEF}.html", wait="load")  # it polls: never idle
        page = visit.page
        assert ADDED not in page.inner_text("main")
        events.clear()

        source.write_text(original.replace("## Key findings\n", f"## Key findings\n\n{ADDED}\n", 1), encoding="utf-8")
        page.wait_for_function(f"document.body && document.body.innerText.includes({json.dumps(ADDED)})", timeout=WAIT)
        touched = {item for item, what in events if what == "running" or what.startswith("prose updated")}
        assert touched == {BRIEF}, f"only the edited brief should be brought up to date, not: {touched - {BRIEF}}"
        assert visit.problems() == []

        broken = original.replace(
            "## Key findings\n", "## Key findings\n\n```{code-cell} ipython3\nraise ValueError('broken on purpose')\n```\n", 1
        )
        source.write_text(broken, encoding="utf-8")
        page.wait_for_selector("#briefs-preview-status[role=alert]", timeout=WAIT)
        assert "broken on purpose" in page.inner_text("#briefs-preview-status")
        assert state(address)["error"] and "broken on purpose" in state(address)["error"]
        with urllib.request.urlopen(address + f"briefs/{BRIEF}.html") as reply:  # the last good page is still served
            assert ADDED.encode() in reply.read()

        source.write_text(original, encoding="utf-8")
        page.wait_for_function(
            "document.readyState === 'complete' && !document.getElementById('briefs-preview-status') && "
            f"!document.body.innerText.includes({json.dumps(ADDED)})",
            timeout=WAIT,
        )
        assert state(address)["error"] is None
    finally:
        context.close()


def test_the_reload_script_goes_before_the_end_of_the_body():
    page = inject(b"<html><body><p>x</p></body></html>", 7)
    assert page.endswith(b'<script src="/__briefs_preview__/reload.js" data-version="7"></script></body></html>')


def test_sync_writes_only_what_changed(tmp_path):
    new, dest = tmp_path / "new", tmp_path / "dest"
    for folder in (new, dest):
        (folder / "pages").mkdir(parents=True)
        (folder / "pages" / "same.md").write_text("same")
    (new / "pages" / "changed.md").write_text("new text")
    (dest / "pages" / "changed.md").write_text("old text")
    (dest / "pages" / "gone.md").write_text("removed since")
    before = (dest / "pages" / "same.md").stat().st_mtime_ns
    assert sorted(sync_tree(new, dest)) == ["pages/changed.md", "pages/gone.md"]
    assert (dest / "pages" / "same.md").stat().st_mtime_ns == before
    assert sorted(p.name for p in (dest / "pages").iterdir()) == ["changed.md", "same.md"]
    assert (dest / "pages" / "changed.md").read_text() == "new text"


def test_an_empty_brief_reads_as_a_save_in_progress():
    """An editor that truncates before writing leaves an empty file: the preview waits for it."""
    from briefs.book import preview as preview_

    assert preview_._empty_brief({"/p/notebooks/a.md": (0, 1), "/p/notebooks/b.md": (120, 1)})
    assert not preview_._empty_brief({"/p/notebooks/a.md": (120, 1), "/p/data/empty.csv": (0, 1)})


def test_a_file_is_sent_again_only_when_it_changed(tmp_path):
    """Scripts and styles are checked before use (no-cache with an ETag): an unchanged one comes
    back as 304, so a reloaded page keeps what the browser compiled of it; a rewritten one, even
    of the same size within the same second, is sent again."""
    import os
    import threading

    server = Preview(tmp_path, port=0)
    script = server.html / "_static" / "app.js"
    script.parent.mkdir(parents=True)
    script.write_text("var a = 1;", encoding="utf-8")
    (server.html / "index.html").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    httpd = server.make_server()
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    address = "http://%s:%d/" % httpd.server_address[:2]

    def get(path: str, tag: str | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(address + path, headers={"If-None-Match": tag} if tag else {})
        try:
            with urllib.request.urlopen(request) as reply:
                return reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as reply:
            return reply.code, dict(reply.headers), reply.read()

    try:
        status, headers, body = get("_static/app.js?v=1")
        assert (status, body, headers["Cache-Control"]) == (200, b"var a = 1;", "no-cache")
        tag = headers["ETag"]
        status, headers, body = get("_static/app.js?v=1", tag)
        assert (status, body, headers["ETag"]) == (304, b"", tag)
        seconds = script.stat().st_mtime_ns // 10**9 * 10**9
        script.write_text("var a = 2;", encoding="utf-8")
        os.utime(script, ns=(seconds + 1, seconds + 1))  # same size, same second as before
        status, headers, body = get("_static/app.js?v=1", tag)
        assert (status, body) == (200, b"var a = 2;") and headers["ETag"] != tag
        status, headers, body = get("", headers["ETag"])
        assert status == 200 and b"__briefs_preview__/reload.js" in body, "pages are always sent, with the reload script"
    finally:
        httpd.shutdown()
        httpd.server_close()
