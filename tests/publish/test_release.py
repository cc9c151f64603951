"""Editions: `briefs release` builds dated editions side by side and never touches an old one.

Two full releases are made once for the module, from two states of the data (one
number in a CSV changed and committed in between); the other tests read them, or
replace the slow build step with a stand-in when what they check is the site's
bookkeeping rather than the book.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import posixpath
import re
import shutil
import subprocess
import threading
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

import briefs.publish.release as rel
from briefs.publish import serve
from briefs.publish import editions
from briefs.cli.main import main
from briefs.errors import BuildFailed, UsageError
from briefs.publish.provenance import release_date
from conftest import REPO, copy_project, slow_fixture

BRIEF = "imumi-factsheet"
OLD, NEW = "2026.10", "2026.11"
PAGE = f"briefs/{BRIEF}.html"
CHANGED_ROW = ("2023-06-01,2023-06-30,Honduras,549", "2023-06-01,2023-06-30,Honduras,1549")


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True)
    return proc.stdout.strip()


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "-c", "user.name=tests", "-c", "user.email=tests@example.org", "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (hidden ones too) with its bytes."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def window_total(text: str, start: str, end: str) -> int:
    """People in the rows whose whole period lies in [start, end], straight from the CSV's text."""
    rows = csv.DictReader(io.StringIO(text))
    return sum(int(r["people"]) for r in rows if r["period_start"] >= start and r["period_end"] <= end)


def claim_value(page: str, claim: str) -> str:
    match = re.search(rf'id="claim-{claim}".*?<td class="num">([^<]+)</td>', page, re.S)
    assert match, f"no claim row {claim} on the page"
    return match.group(1)


def data_hashes(root: Path) -> dict[str, str]:
    return {p.name: sha256(p) for p in (root / "data").glob("*.csv")}


def refresh_target(page: Path) -> Path:
    """Where a redirect page sends the reader, as a file."""
    match = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', page.read_text())
    assert match, f"{page} is not a redirect page"
    return Path(posixpath.normpath(posixpath.join(page.parent.as_posix(), match.group(1))))


@pytest.fixture(scope="module")
@slow_fixture
def two_editions(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("release") / "project")
    # Editions are about the site, not about any one brief: one brief keeps the two builds quick.
    for other in (root / "notebooks").glob("*.md"):
        if other.stem != BRIEF:
            other.unlink()
    shutil.copyfile(REPO / ".gitignore", root / ".gitignore")
    git(root, "init", "-q")
    commits, hashes, tables, seen = {}, {}, {}, {}
    commits[OLD] = commit_all(root, "first state of the data")
    hashes[OLD] = data_hashes(root)
    site = root / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        first = rel.release(OLD, root=root, date="2026-10-01")
    before = snapshot(site)

    table = root / "data" / "inm_returns_by_nationality.csv"
    tables[OLD] = table.read_text(encoding="utf-8")
    assert CHANGED_ROW[0] in tables[OLD]
    tables[NEW] = tables[OLD].replace(CHANGED_ROW[0], CHANGED_ROW[1])
    table.write_text(tables[NEW], encoding="utf-8")
    commits[NEW] = commit_all(root, "a corrected count")
    hashes[NEW] = data_hashes(root)

    def fake_changes(old: Path, new: Path) -> str:
        seen["args"] = (old, sorted(p.name for p in new.glob("*.ipynb")))
        return "# What changed in this edition\n\nA count in the nationality table was corrected.\n"

    noon = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(int(noon.timestamp())))
        mp.setattr(rel, "changes_page", fake_changes)
        second = rel.release(NEW, root=root)
    return SimpleNamespace(
        root=root, site=site, first=first, second=second, before=before, after=snapshot(site),
        commits=commits, hashes=hashes, tables=tables, changes_args=seen.get("args"),
    )


# --- two editions from two states of the data --------------------------------


def test_each_edition_shows_the_numbers_of_its_own_data(two_editions):
    site = two_editions.site
    totals = {}
    for edition in (OLD, NEW):
        briefs = json.loads((site / edition / "manifest.json").read_text())["briefs"]
        params = next(b for b in briefs if b.get("name", b.get("brief")) == "imumi-factsheet")["parameters"]
        totals[edition] = window_total(two_editions.tables[edition], params["start"], params["end"])
        assert claim_value((site / edition / PAGE).read_text(), "total_returns") == f"{totals[edition]:,}"
    assert totals[NEW] != totals[OLD]


def test_a_later_release_changes_no_file_of_an_earlier_edition(two_editions):
    before, after = two_editions.before, two_editions.after
    old_files = {k: v for k, v in before.items() if k.startswith(f"{OLD}/")}
    assert old_files and {k: v for k, v in after.items() if k.startswith(f"{OLD}/")} == old_files
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    outside_new = {k for k in changed if not k.startswith(f"{NEW}/")}
    assert outside_new, "the shared files should have changed"
    assert {k.split("/")[0] for k in outside_new} <= set(editions.SHARED)


def test_versions_file_lists_both_newest_first_and_preferred(two_editions):
    site = two_editions.site
    versions = json.loads((site / "versions.json").read_text())
    assert [e["version"] for e in versions] == [NEW, OLD]
    assert [e["preferred"] for e in versions] == [True, False]
    assert {"name", "version", "url", "preferred"} == set(versions[0]) == set(versions[1])
    for entry in versions:
        assert (site / entry["url"] / "index.html").is_file()
    script = (site / "editions.js").read_text()
    assert json.loads(re.search(r"var EDITIONS = (\[.*?\]);", script, re.S).group(1)) == versions


def test_latest_and_the_root_send_readers_to_the_newer_edition(two_editions):
    site = two_editions.site
    pages = editions.html_pages(site / NEW)
    assert PAGE in pages
    for page in pages:
        assert refresh_target(site / "latest" / page) == site / NEW / page
    assert refresh_target(site / "index.html") == site / NEW / "index.html"


def test_every_page_of_both_editions_carries_the_switcher(two_editions):
    site = two_editions.site
    for edition in (OLD, NEW):
        pages = [p for p in editions.html_pages(site / edition) if "http-equiv" not in (site / edition / p).read_text()]
        assert PAGE in pages and len(pages) >= 3
        for page in pages:
            path = site / edition / page
            text = path.read_text()
            nav = re.search(r'<nav class="briefs-editions"[^>]*data-edition="([^"]+)" data-page="([^"]+)" data-site="([^"]+)"', text)
            assert nav, f"{path} has no edition switcher"
            assert nav.group(1) == edition and nav.group(2) == page
            assert Path(posixpath.normpath(posixpath.join(path.parent.as_posix(), nav.group(3)))) == site
            src = re.search(r'<script src="([^"]*editions\.js)" defer>', text).group(1)
            assert Path(posixpath.normpath(posixpath.join(path.parent.as_posix(), src))) == site / "editions.js"
    # Built into the newer edition: both editions, each link to the same page where it exists.
    text = (site / NEW / PAGE).read_text()
    built = re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>', text.split('class="briefs-editions__list"')[1].split("</ul>")[0])
    assert [name for _, name in built] == [NEW, OLD]
    for href, name in built:
        assert Path(posixpath.normpath(posixpath.join((site / NEW / PAGE).parent.as_posix(), href))) == site / name / PAGE


def _plans(site: Path, pages: list[Path]) -> dict:
    """Run the shared script's own decision (`plan`) in Node on each page's built-in facts."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: `make setup` installs it with npm", pytrace=False)
    cases = []
    for path in pages:
        nav = re.search(r'data-edition="([^"]+)" data-page="([^"]+)" data-site="([^"]+)"', path.read_text())
        site_url = (path.parent / nav.group(3)).resolve().as_uri() + "/"
        cases.append({"here": nav.group(1), "page": nav.group(2), "versionsUrl": site_url + "versions.json",
                      "entries": json.loads((site / "versions.json").read_text())})
    runner = (
        "const ed = require(process.argv[1]);"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify({editions: ed.editions, plans: cases.map(c => ed.plan(c.entries, c.here, c.page, c.versionsUrl))}));"
    )
    proc = subprocess.run([node, "-e", runner, str(site / "editions.js")], input=json.dumps(cases),
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def test_the_banner_shows_on_the_older_edition_only_and_links_the_same_page(two_editions):
    site = two_editions.site
    result = _plans(site, [site / OLD / PAGE, site / NEW / PAGE])
    old, new = result["plans"]
    assert new["banner"] is None
    assert old["banner"]["latest"] == NEW and old["banner"]["listed"] is True
    assert old["banner"]["href"] == (site / NEW / PAGE).as_uri()
    assert [item["version"] for item in old["list"]] == [NEW, OLD]
    assert [item["href"] for item in old["list"]] == [(site / v / PAGE).as_uri() for v in (NEW, OLD)]
    assert result["editions"] == json.loads((site / "versions.json").read_text())


def test_the_switcher_in_a_browser_lists_the_editions_and_opens_the_same_page(two_editions, browser):
    """Over http and from disk: the sidebar lists both editions, newest first, and each entry
    opens this page in that edition; only the older edition shows the banner; latest/ lands on
    the newer edition's page. Nothing logs an error or reaches another host."""
    from browsing import new_context, open_visit, serve

    site = two_editions.site
    with serve(site) as http_base:
        for base in (http_base, site.as_uri() + "/"):
            context = new_context(browser)
            try:
                for here, there in ((OLD, NEW), (NEW, OLD)):
                    seen = open_visit(context, base, f"{here}/{PAGE}", wait="load")
                    page = seen.page
                    page.wait_for_function("() => document.querySelectorAll('.briefs-editions__list a').length === 2")
                    assert page.locator(".briefs-editions__current").text_content() == (f"{NEW} (latest)" if here == NEW else OLD)
                    page.locator("nav.briefs-editions summary").click()
                    links = page.locator(".briefs-editions__list a")
                    assert links.all_text_contents() == [f"{NEW} (latest)", OLD]
                    assert page.locator(".briefs-editions__list a[aria-current=page]").text_content().startswith(here)
                    banner = page.locator("#briefs-edition-banner")
                    assert banner.count() == (1 if here == OLD else 0), f"banner on {here} over {base}"
                    if here == OLD:
                        assert banner.locator("a").get_attribute("href") == base + f"{NEW}/{PAGE}"
                    title = page.title()
                    links.filter(has_text=there).click()
                    page.wait_for_url(base + f"{there}/{PAGE}")
                    page.wait_for_load_state("load")
                    assert page.locator("nav.briefs-editions").get_attribute("data-edition") == there
                    assert page.title() == title, "the switcher must open the same page"
                    assert not seen.problems() and not seen.dialogs, seen.problems()
                if base == http_base:
                    seen = open_visit(context, base, f"latest/{PAGE}", wait="load")
                    seen.page.wait_for_url(base + f"{NEW}/{PAGE}")
                    assert not seen.problems()
            finally:
                context.close()


def test_provenance_on_the_page_and_in_the_manifest_match_the_data(two_editions):
    site = two_editions.site
    for edition, day in ((OLD, "2026-10-01"), (NEW, "2026-11-01")):
        manifest = json.loads((site / edition / "manifest.json").read_text())
        assert manifest["edition"] == edition and manifest["date"] == day
        assert manifest["code"] == {"commit": two_editions.commits[edition], "dirty": False, "briefs_version": manifest["tools"]["briefs"]}
        (brief,) = manifest["briefs"]
        actual = two_editions.hashes[edition]
        recorded = {r["path"]: r["sha256"] for r in brief["resources"]}
        assert recorded and all(recorded[path] == actual[path] for path in recorded)
        assert "inm_returns_by_nationality.csv" in recorded
        assert brief["parameters"]["start"] and brief["parameters"]["strict"] is False
        notebook = site / edition / brief["notebook"]["path"]
        assert brief["notebook"]["sha256"] == sha256(notebook)
        page = (site / edition / brief["page"]).read_text()
        block = page.split('id="provenance"')[1]
        for resource in brief["resources"]:
            assert resource["sha256"] in block and f"<code>{resource['name']}</code>" in block
        assert two_editions.commits[edition][:12] in block and f'datetime="{day}"' in block
        assert '<a href="#source-note-001-27">' in block and 'id="source-note-001-27"' in page
        # The kernel never saw the edition or its date: those live on the page only.
        executed = notebook.read_text()
        assert edition not in executed and day not in executed
    changed = "inm_returns_by_nationality.csv"
    assert two_editions.hashes[OLD][changed] != two_editions.hashes[NEW][changed]


def test_the_changes_page_hook_gets_both_editions_notebooks(two_editions):
    site = two_editions.site
    old_notebooks, new_notebooks = two_editions.changes_args
    assert old_notebooks == site / OLD / "notebooks" and new_notebooks == [f"{BRIEF}.ipynb"]
    assert "What changed in this edition" in (site / NEW / "changes.html").read_text()
    assert json.loads((site / NEW / "manifest.json").read_text())["changes_page"] == "changes.html"
    assert not (site / OLD / "changes.html").exists()


# --- refusals and failures leave the site as it was -----------------------------


BAD_NAMES = ["", ".", "..", "../up", "a/b", "a\\b", "two words", ".hidden", "-rc1", "latest", "Latest", "index.html", "x" * 65]


def test_every_released_edition_has_the_pdfs_briefs_build_makes_and_links_them(two_editions):
    """A release runs the build's own steps, PDFs included (Chromium is installed wherever the tests run)."""
    site = two_editions.site
    for edition in (OLD, NEW):
        pdf = site / edition / "pdf" / f"{BRIEF}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF"), f"{edition} has no PDF of {BRIEF}"
        assert 'href="../pdf/imumi-factsheet.pdf"' in (site / edition / PAGE).read_text()
        assert 'href="pdf/imumi-factsheet.pdf"' in (site / edition / "index.html").read_text()
        assert json.loads((site / edition / "manifest.json").read_text())["pdfs"] == [f"pdf/{BRIEF}.pdf"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_edition_names_are_refused_and_nothing_is_written(project, name):
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    with pytest.raises(UsageError) as err:
        rel.release(name, root=project)
    message = str(err.value)
    assert "\n" not in message and "edition name" in message
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == before


def test_the_cli_refuses_a_bad_name_with_one_line_and_status_2(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert main(["release", "two words"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "edition name 'two words' is not allowed" in err
    assert not (project / "site").exists()


def test_releasing_an_existing_name_needs_force(two_editions):
    with pytest.raises(UsageError, match="already exists.*--force"):
        rel.release(OLD, root=two_editions.root, date="2026-12-01")
    assert snapshot(two_editions.site) == two_editions.after


def test_a_release_that_fails_while_building_leaves_the_site_byte_identical(two_editions, monkeypatch):
    def broken(*args, **kwargs):
        raise BuildFailed("the book did not build: simulated")

    monkeypatch.setattr(rel, "build_edition", broken)
    with pytest.raises(BuildFailed):
        rel.release("2026.12", root=two_editions.root, date="2026-12-01")
    assert snapshot(two_editions.site) == two_editions.after
    assert not list(two_editions.root.glob(".site-release-*"))


def _fake_build(marker: str):
    """A stand-in for the slow build: a tiny edition with two pages."""

    def build(root, edition, known, work, **kwargs):
        folder = work / "edition"
        (folder / "briefs").mkdir(parents=True)
        (folder / "index.html").write_text(f"<p>{marker}</p>")
        (folder / PAGE).write_text(f"<p>{marker}</p>")
        return folder, {"edition": edition["name"]}

    return build


@pytest.mark.parametrize("step", ["writing the shared files", "swapping the site in"])
def test_a_release_that_fails_while_publishing_leaves_the_site_as_it_was(two_editions, monkeypatch, step):
    """The next site is put together aside; a failure before or during the swap changes nothing."""
    def fail(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(rel, "build_edition", _fake_build("half-published"))
    if step == "writing the shared files":
        monkeypatch.setattr(editions, "root_index", fail)
    else:
        monkeypatch.setattr(editions.atomic, "replace_dir", fail)
    for name, force in (("2026.12", False), (OLD, True)):
        with pytest.raises(OSError, match="simulated"):
            rel.release(name, root=two_editions.root, date="2026-12-01", force=force)
        assert snapshot(two_editions.site) == two_editions.after
    assert not list(two_editions.root.glob(".site-release-*"))


def test_a_second_release_of_the_same_site_is_refused_while_one_runs(two_editions, monkeypatch):
    monkeypatch.setattr(rel, "build_edition", _fake_build("never"))
    with rel.exclusive(two_editions.site):
        with pytest.raises(UsageError, match="another release .* is running"):
            rel.release("2026.12", root=two_editions.root, date="2026-12-01")
    assert snapshot(two_editions.site) == two_editions.after


def test_publishing_keeps_the_released_files_themselves_and_swaps_the_site_whole(tmp_path):
    """Kept editions are hard links into the next site (same inode, not a copy), and the site
    folder itself is exchanged: no stray scratch is left inside or beside it."""
    site = tmp_path / "site"
    for version in (OLD,):
        folder = tmp_path / "built" / version
        (folder / "briefs").mkdir(parents=True)
        (folder / "index.html").write_text(version)
        (folder / PAGE).write_text(version)
        editions.publish(site, version, folder, [version], tmp_path / f"work-{version}")
    kept = (site / OLD / PAGE).stat().st_ino
    new = tmp_path / "built" / NEW
    (new / "briefs").mkdir(parents=True)
    (new / "index.html").write_text(NEW)
    editions.publish(site, NEW, new, [NEW, OLD], tmp_path / "work-new")
    assert (site / OLD / PAGE).stat().st_ino == kept
    assert (site / OLD / PAGE).read_text() == OLD and (site / NEW / "index.html").read_text() == NEW
    assert [e["version"] for e in json.loads((site / "versions.json").read_text())] == [NEW, OLD]
    assert sorted(p.name for p in site.iterdir()) == sorted([NEW, OLD, *editions.SHARED])
    assert not (tmp_path / "site.old").exists()


def test_force_replaces_an_edition_in_place(two_editions, tmp_path, monkeypatch):
    site = tmp_path / "site"
    shutil.copytree(two_editions.site, site)
    monkeypatch.setattr(rel, "build_edition", _fake_build("replacement"))
    result = rel.release(OLD, root=two_editions.root, site=site, date="2026-12-01", force=True)
    assert result.replaced
    assert (site / OLD / "index.html").read_text() == "<p>replacement</p>"
    assert [e["version"] for e in json.loads((site / "versions.json").read_text())] == [NEW, OLD]
    assert snapshot(site / NEW) == {k[len(NEW) + 1:]: v for k, v in two_editions.after.items() if k.startswith(f"{NEW}/")}
    assert refresh_target(site / "latest" / PAGE) == site / NEW / PAGE


@pytest.mark.slow
def test_the_first_release_creates_the_site(tmp_path, monkeypatch, project):
    monkeypatch.setattr(rel, "build_edition", _fake_build("first"))
    site = tmp_path / "fresh" / "site"
    rel.release("1.0.0", root=project, site=site, date="2026-01-02")
    assert json.loads((site / "versions.json").read_text()) == [
        {"name": "1.0.0 (latest)", "version": "1.0.0", "url": "1.0.0/", "preferred": True}
    ]
    assert (site / ".nojekyll").exists() and refresh_target(site / "latest" / PAGE) == site / "1.0.0" / PAGE


# --- dates and preview ---------------------------------------------------------


def test_the_release_date_is_given_or_from_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793534400")  # 2026-11-01 12:00 UTC
    assert release_date("2026-05-04") == ("2026-05-04", "given")
    assert release_date(None) == ("2026-11-01", "SOURCE_DATE_EPOCH")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        release_date(None)
    for bad in ("2026-13-01", "1 May 2026", "2026-5-4"):
        with pytest.raises(UsageError, match="date"):
            release_date(bad)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert release_date(None)[1] == "clock"


def test_serve_previews_the_site_on_loopback(two_editions):
    server = serve.make_server(two_editions.site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://{host}:{port}/versions.json", timeout=10) as response:
            assert json.loads(response.read()) == json.loads((two_editions.site / "versions.json").read_text())
        with urllib.request.urlopen(f"http://{host}:{port}/{OLD}/{PAGE}", timeout=10) as response:
            assert b'class="briefs-editions"' in response.read()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_serve_refuses_a_folder_with_no_site(tmp_path):
    with pytest.raises(UsageError, match="release an edition first"):
        serve.make_server(tmp_path / "site")


def test_every_shared_name_is_a_reserved_edition_name():
    for name in editions.SHARED:
        if editions.NAME.match(name):
            with pytest.raises(UsageError):
                editions.check_name(name)
    assert editions.check_name("2026.11") == "2026.11" and editions.check_name("1.2.0_rc-1") == "1.2.0_rc-1"
