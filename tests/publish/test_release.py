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
import html
import html.parser
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
# A later period, outside the brief's window: the input gains a row, the brief's numbers do not move for it.
ADDED_ROW = "2023-11-25,2023-11-30,Honduras,12"
SITE_URL = "https://briefs.example.org/"
DOI = "10.5281/zenodo.1234567"  # the newer edition's, from the release configuration


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
    # The claim's computed value (a period may follow it in the same cell).
    match = re.search(rf'id="claim-{claim}".*?<td class="num" data-label="Computed">(?:<span[^>]*>)?([^<]+)<', page, re.S)
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
    settings = root / "book" / "citation.yml"
    text = settings.read_text(encoding="utf-8")
    assert 'site_url: ""' in text and "editions: {}" in text
    settings.write_text(
        text.replace('site_url: ""', f'site_url: "{SITE_URL}"').replace("editions: {}", f'editions:\n  "{NEW}":\n    doi: {DOI}'),
        encoding="utf-8",
    )
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
    tables[NEW] = tables[OLD].replace(CHANGED_ROW[0], CHANGED_ROW[1]) + ADDED_ROW + "\n"
    table.write_text(tables[NEW], encoding="utf-8")
    commits[NEW] = commit_all(root, "a corrected count, and a later period")
    hashes[NEW] = data_hashes(root)
    real_changes = rel.changes_page

    def spy(old: Path, new: Path, **kwargs) -> str:
        seen["args"] = (old, sorted(p.name for p in new.glob("*.ipynb")))
        return real_changes(old, new, **kwargs)

    noon = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(int(noon.timestamp())))
        mp.setattr(rel, "changes_page", spy)
        second = rel.release(NEW, root=root)
    return SimpleNamespace(
        root=root,
        site=site,
        first=first,
        second=second,
        before=before,
        after=snapshot(site),
        commits=commits,
        hashes=hashes,
        tables=tables,
        changes_args=seen.get("args"),
    )


# --- two editions from two states of the data --------------------------------


def test_each_edition_shows_the_numbers_of_its_own_data(two_editions):
    site = two_editions.site
    totals = {}
    for edition in (OLD, NEW):
        briefs = json.loads((site / edition / "manifest.json").read_text())["briefs"]
        params = next(b for b in briefs if b.get("name", b.get("brief")) == "imumi-factsheet")["parameters"]
        totals[edition] = window_total(two_editions.tables[edition], params["start"], params["end"])
        assert claim_value((site / edition / PAGE).read_text(), "total_returns") == f"{totals[edition]:,} people"
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
            nav = re.search(
                r'<nav class="briefs-editions"[^>]*data-edition="([^"]+)" data-page="([^"]+)" data-site="([^"]+)"', text
            )
            assert nav, f"{path} has no edition switcher"
            assert nav.group(1) == edition and nav.group(2) == page
            assert Path(posixpath.normpath(posixpath.join(path.parent.as_posix(), nav.group(3)))) == site
            src = re.search(r'<script src="([^"]*editions\.js)" defer>', text).group(1)
            assert Path(posixpath.normpath(posixpath.join(path.parent.as_posix(), src))) == site / "editions.js"
    # Built into the newer edition: both editions, each link to the same page where it exists.
    text = (site / NEW / PAGE).read_text()
    built = re.findall(
        r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>', text.split('class="briefs-editions__list"')[1].split("</ul>")[0]
    )
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
        cases.append(
            {
                "here": nav.group(1),
                "page": nav.group(2),
                "versionsUrl": site_url + "versions.json",
                "entries": json.loads((site / "versions.json").read_text()),
            }
        )
    runner = (
        "const ed = require(process.argv[1]);"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify({editions: ed.editions, plans: cases.map(c => ed.plan(c.entries, c.here, c.page, c.versionsUrl))}));"
    )
    proc = subprocess.run(
        [node, "-e", runner, str(site / "editions.js")], input=json.dumps(cases), capture_output=True, text=True, check=True
    )
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
        assert manifest["code"] == {
            "commit": two_editions.commits[edition],
            "dirty": False,
            "briefs_version": manifest["tools"]["briefs"],
        }
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


def _main_html(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split('<article class="bd-article">', 1)[1].split("</article>", 1)[0]


def test_the_changes_page_names_the_input_first_then_the_verdicts_that_flipped(two_editions):
    page = _main_html(two_editions.site / NEW / "changes.html")
    text = re.sub(r"<[^>]+>", "", page)
    inputs = text.index("Inputs that changed")
    brief = text.index("Returns of non-Mexican nationals from the United States to Mexico after Title 42", inputs + 1)
    # The input, by its title and file, with the cell that changed and the row that came, with its values.
    head = text[inputs:brief]
    assert "Returns of non-Mexican nationals to Mexico by nationality" in head and "data/inm_returns_by_nationality.csv" in head
    assert "1 cell changed, 1 row added" in head
    assert "2023-06-01, Honduras: people 549 → 1,549" in head
    assert "added row: period start 2023-11-25, period end 2023-11-30, nationality Honduras, people 12" in head
    # Then the brief: its four flipped verdicts before any other change, each linked to its claim.
    body = page[page.index('id="changes-imumi-factsheet"') :]
    assert body.index("Verdicts that changed") < body.index("Numbers in the text") < body.index("Tables") < body.index("Charts")
    verdicts = body[body.index("Verdicts that changed") : body.index("Numbers in the text")]
    flipped = re.findall(r'href="briefs/imumi-factsheet\.html#claim-([a-z_]+)"', verdicts)
    assert flipped == ["total_returns", "totals_mismatched", "sex_table_total", "age_table_total"]
    assert verdicts.count("no longer holds") == 4
    # No number shown as changed is unchanged, and the brief's own ids never show as text.
    moves = re.findall(r"([-+]?[\d,.]+%?) → ([-+]?[\d,.]+%?)", text)
    assert moves and all(a != b for a, b in moves)
    for old, new in re.findall(r"<del>([^<]*)</del> <ins>([^<]*)</ins>", page):
        assert old != new
    assert "total_returns" not in text and "returns-by-nationality" not in text


def test_every_link_of_the_changes_page_reaches_its_place(two_editions):
    page_path = two_editions.site / NEW / "changes.html"
    hrefs = re.findall(r'<a[^>]* href="([^"]+)"', _main_html(page_path))
    fragments = [h for h in hrefs if "#" in h and not h.startswith("http")]
    assert len(fragments) >= 10
    for href in fragments:
        target, _, anchor = html.unescape(href).partition("#")
        path = (page_path.parent / target).resolve() if target else page_path
        assert path.is_file(), href
        assert f'id="{anchor}"' in path.read_text(encoding="utf-8"), f"{href}: no such anchor"


def test_each_brief_links_to_its_own_section_of_the_changes_page(two_editions):
    site = two_editions.site
    page = (site / NEW / PAGE).read_text(encoding="utf-8")
    link = re.search(r'<a class="briefs-changes-link" href="([^"]+)">([^<]+)</a>', page)
    assert link and link.group(1) == "../changes.html#changes-imumi-factsheet"
    assert link.group(2) == f"What changed in this brief since edition {OLD}"
    assert 'id="changes-imumi-factsheet"' in (site / NEW / "changes.html").read_text(encoding="utf-8")
    assert "briefs-changes-link" not in (site / OLD / PAGE).read_text(encoding="utf-8")  # the first edition has no earlier one


def test_the_switcher_sits_in_the_article_header_of_every_page(two_editions):
    """The header bar is on every page at every width (sticky); the sidebar scrolls and folds away on phones."""
    for edition in (OLD, NEW):
        for page in editions.html_pages(two_editions.site / edition):
            text = (two_editions.site / edition / page).read_text(encoding="utf-8")
            if "http-equiv" in text:
                continue
            header = (
                text.split('class="bd-header-article', 1)[1].split('class="bd-sidebar-secondary', 1)[0].split("<article", 1)[0]
            )
            assert '<nav class="briefs-editions"' in header, f"{edition}/{page}"
            assert text.count('<nav class="briefs-editions"') == 1


# --- citing an edition, and its data ---------------------------------------------------------


class _Meta(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name") and "content" in a:
            self.tags.append((a["name"], a["content"]))


def meta_tags(path: Path) -> dict[str, list[str]]:
    parser = _Meta()
    parser.feed(path.read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for name, content in parser.tags:
        out.setdefault(name, []).append(content)
    return out


# The CSL data schema (citation-style-language/schema, csl-data.json): what every item needs,
# the item types it allows, and the shape of names and dates.
CSL_TYPES = {
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "event",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
}
CSL_NAME_KEYS = {
    "family",
    "given",
    "dropping-particle",
    "non-dropping-particle",
    "suffix",
    "comma-suffix",
    "static-ordering",
    "literal",
    "parse-names",
}


def check_csl(items: list) -> None:
    assert isinstance(items, list) and items
    for item in items:
        assert isinstance(item.get("id"), (str, int)) and item.get("type") in CSL_TYPES  # the schema's required fields
        for name in item.get("author", []):
            assert set(name) <= CSL_NAME_KEYS and ("family" in name or "literal" in name)
        parts = item["issued"]["date-parts"]
        assert len(parts) == 1 and 1 <= len(parts[0]) <= 3 and all(isinstance(p, int) for p in parts[0])
        for key in ("title", "container-title", "URL", "DOI", "edition", "publisher"):
            assert key not in item or isinstance(item[key], str)


def test_a_reference_manager_reads_every_brief_page_of_both_editions(two_editions):
    """Highwire and Dublin Core tags in the head, the citation on the page, and its BibTeX and
    CSL-JSON downloads agree: title, author, edition, date, address, and the DOI where there is one."""
    import bibtex as bibtexparser  # tests/bibtex.py: a reference manager's reading of BibTeX

    site = two_editions.site
    book = "Externalized: briefs on U.S.–Mexico migration control"
    for edition, day, doi in ((OLD, "2026-10-01", None), (NEW, "2026-11-01", DOI)):
        manifest = json.loads((site / edition / "manifest.json").read_text())
        (brief,) = manifest["briefs"]
        url = f"{SITE_URL}{edition}/{PAGE}"
        tags = meta_tags(site / edition / PAGE)
        assert tags["citation_title"] == tags["DC.title"] == [brief["title"]]
        assert tags["citation_author"] == tags["DC.creator"] == ["The briefs project"]
        assert tags["citation_publication_date"] == [day.replace("-", "/")] and tags["DC.date"] == [day]
        assert tags["citation_inbook_title"] == [book]
        assert tags["citation_public_url"] == [url] and url in tags["DC.identifier"]
        assert tags["citation_pdf_url"] == [f"{SITE_URL}{edition}/pdf/{BRIEF}.pdf"]
        assert tags.get("citation_doi", []) == ([doi] if doi else [])
        assert (f"https://doi.org/{doi}" in tags["DC.identifier"]) == bool(doi)
        # The block on the page: the citation as text, and downloads that are there.
        page = (site / edition / PAGE).read_text(encoding="utf-8")
        block = page.split('<div class="briefs-cite">', 1)[1].split("</div>", 1)[0]
        text = html.unescape(re.sub(r"<[^>]+>", "", block.split("</p>", 1)[0]))
        assert text.startswith("The briefs project (2026). " + brief["title"] + f". In {book} (edition {edition}, ")
        assert text.endswith(f"https://doi.org/{doi}" if doi else url)
        hrefs = re.findall(r'href="([^"]+)"', block)
        files = {h: (site / edition / "briefs" / h).resolve() for h in hrefs if not h.startswith("http")}
        assert len(files) == 3 and all(f.is_file() for f in files.values()), files
        bib = next(f for h, f in files.items() if h.endswith(".bib")).read_text(encoding="utf-8")
        (entry,) = bibtexparser.loads(bib).entries
        assert entry["ENTRYTYPE"] == "incollection" and entry["author"] == "{The briefs project}"
        assert entry["title"].strip("{}") == brief["title"] and entry["booktitle"].strip("{}") == book
        assert (entry["edition"], entry["year"], entry["date"], entry["url"]) == (edition, "2026", day, url)
        assert entry.get("doi") == doi
        items = json.loads(next(f for h, f in files.items() if h.endswith(".json")).read_text(encoding="utf-8"))
        check_csl(items)
        (item,) = items
        assert (item["type"], item["title"], item["container-title"], item["edition"]) == (
            "chapter",
            brief["title"],
            book,
            edition,
        )
        assert item["author"] == [{"literal": "The briefs project"}] and item["URL"] == url
        assert item["issued"] == {"date-parts": [[int(p) for p in day.split("-")]]} and item.get("DOI") == doi
        # The edition as a whole is cited from its landing page the same way.
        landing = meta_tags(site / edition / "intro.html")
        assert landing["citation_title"] == [book] and landing["citation_public_url"] == [f"{SITE_URL}{edition}/"]
        check_csl(json.loads((site / edition / "cite" / "book.json").read_text()))
        assert manifest["citation"]["doi"] == doi


def _archive(site: Path, edition: str) -> Path:
    return site / edition / "data" / f"briefs-data-{edition}.zip"


def test_each_edition_offers_its_exact_data_as_one_deterministic_archive(two_editions, tmp_path):
    import zipfile

    from briefs.publish import archive

    site = two_editions.site
    for edition in (OLD, NEW):
        path = _archive(site, edition)
        manifest = json.loads((site / edition / "manifest.json").read_text())
        assert manifest["data_archive"] == {"path": f"data/briefs-data-{edition}.zip", "sha256": sha256(path)}
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            files = {i.filename.split("/", 1)[1]: zf.read(i) for i in infos}
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.filename.split("/", 1)[0] for i in infos} == {f"briefs-data-{edition}"}
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        # The CSV the edition's numbers came from, byte for byte, and the package describing it.
        assert files["data/inm_returns_by_nationality.csv"] == two_editions.tables[edition].encode("utf-8")
        assert files["data/datapackage.json"] == (REPO / "data" / "datapackage.json").read_bytes()
        assert "data/external.json" in files  # the vintages of the official series
        recorded = json.loads(files["inputs.json"])[BRIEF]
        (brief,) = manifest["briefs"]
        for resource in brief["resources"]:
            assert recorded[f"data/{resource['path']}"] == resource["sha256"]
            assert hashlib.sha256(files[f"data/{resource['path']}"]).hexdigest() == resource["sha256"]
        claims = files[f"outputs/{BRIEF}/claims.csv"].decode()
        assert f"total_returns,{'holds' if edition == OLD else 'contradicted'}," in claims
        # Same contents, same bytes.
        again = archive.write(tmp_path / edition / "again.zip", edition, {k: v for k, v in files.items() if k != archive.README})
        assert again.read_bytes() == path.read_bytes()
        # Offered from every brief page and from the switcher.
        page = (site / edition / PAGE).read_text(encoding="utf-8")
        assert f'href="../data/briefs-data-{edition}.zip"' in page


def test_the_older_editions_archive_rebuilds_its_outputs_byte_for_byte(two_editions, tmp_path, monkeypatch, capsys):
    """`briefs check --package`: the project now holds the newer data, so passing proves the
    briefs ran on the archive's; an archive whose outputs its data do not give fails, naming the file."""
    import zipfile

    monkeypatch.chdir(two_editions.root)
    path = _archive(two_editions.site, OLD)
    assert main(["check", "--package", str(path)]) == 0
    assert "byte for byte" in "".join(capsys.readouterr())
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(f"outputs/{BRIEF}/claims.csv"):
                data = data.replace(b'total_returns,holds,"19,561",19561', b'total_returns,holds,"19,562",19562')
                assert b"19562" in data
            dst.writestr(info, data)
    assert main(["check", "--package", str(tampered)]) == 1
    out = "".join(capsys.readouterr())
    assert f"{BRIEF}/claims.csv" in out and "do not give its outputs" in out


def _serious_axe(page) -> list[str]:
    """axe-core's serious and critical findings in what an edition adds: the switcher and the page's
    article (the theme's own chrome is the book's browser tests' business)."""
    axe = REPO / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        pytest.fail(f"axe-core is missing at {axe}: run `make setup` (npm ci)", pytrace=False)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(axe))
    found = page.evaluate(
        "async () => (await axe.run({include: [['nav.briefs-editions'], ['article.bd-article']]},"
        " {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_the_switcher_is_in_view_at_load_and_the_changes_page_links_work_in_a_browser(two_editions, browser):
    """At desktop and phone width: the switcher is on screen and uncovered at load and after
    scrolling; the changes page's links land on the claim and the brief's own section.
    Screenshots of the changes page and of the open switcher go to build/test-artifacts/."""
    from browsing import new_context, open_visit, screenshot, serve

    artifacts = REPO / "build" / "test-artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    site = two_editions.site
    in_view = """() => {
        const s = document.querySelector('nav.briefs-editions summary');
        const r = s.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        const hit = document.elementFromPoint(x, y);
        return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth
            && !!hit && !!hit.closest('nav.briefs-editions');
    }"""
    with serve(site) as base:
        for label, viewport in (("1280", {"width": 1280, "height": 900}), ("390", {"width": 390, "height": 844})):
            context = new_context(browser)
            try:
                for path in (f"{OLD}/{PAGE}", f"{NEW}/{PAGE}", f"{NEW}/changes.html", f"{NEW}/intro.html"):
                    seen = open_visit(context, base, path, wait="load", viewport=viewport)
                    page = seen.page
                    assert page.evaluate(in_view), f"switcher not in view at load: {path} at {label}"
                    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight / 2)")
                    page.wait_for_timeout(100)
                    assert page.evaluate(in_view), f"switcher scrolled away: {path} at {label}"
                    assert not seen.problems(), seen.problems()
                    page.close()
                seen = open_visit(context, base, f"{NEW}/changes.html", wait="load", viewport=viewport)
                page = seen.page
                screenshot(page, artifacts / f"edition-changes-{label}.png")
                assert not _serious_axe(page), _serious_axe(page)
                page.locator("nav.briefs-editions summary").click()
                panel = page.locator(".briefs-editions__panel")
                panel.wait_for(state="visible")
                box = panel.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], "the open switcher fits the screen"
                assert page.locator(".briefs-editions__more a", has_text="What changed in this edition").count() == 1
                screenshot(page, artifacts / f"edition-switcher-{label}.png")
                assert not _serious_axe(page), _serious_axe(page)  # with the switcher open
                page.locator("nav.briefs-editions summary").click()
                # The first verdict that flipped opens the brief at that claim.
                page.locator("a[href='briefs/imumi-factsheet.html#claim-total_returns']").first.click()
                page.wait_for_url(base + f"{NEW}/{PAGE}#claim-total_returns")
                assert page.locator("#claim-total_returns").is_visible()
                # And the brief's own link back lands on its section of the changes page.
                page.locator("a.briefs-changes-link").click()
                page.wait_for_url(base + f"{NEW}/changes.html#changes-imumi-factsheet")
                assert page.locator("#changes-imumi-factsheet").count() == 1
                assert not seen.problems() and not seen.dialogs, seen.problems()
            finally:
                context.close()
    for name in ("edition-changes-1280", "edition-changes-390", "edition-switcher-1280", "edition-switcher-390"):
        assert (artifacts / f"{name}.png").stat().st_size > 10_000


# --- refusals and failures leave the site as it was -----------------------------


BAD_NAMES = ["", ".", "..", "../up", "a/b", "a\\b", "two words", ".hidden", "-rc1", "latest", "Latest", "index.html", "x" * 65]


def test_every_released_edition_has_the_pdfs_briefs_build_makes_and_links_them(two_editions):
    """A release runs the build's own steps, PDFs included (Chromium is installed wherever the tests run)."""
    site = two_editions.site
    for edition in (OLD, NEW):
        pdf = site / edition / "pdf" / f"{BRIEF}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF"), f"{edition} has no PDF of {BRIEF}"
        assert 'href="../pdf/imumi-factsheet.pdf"' in (site / edition / PAGE).read_text()
        # index.html sends readers to the landing page, intro.html (the table of contents' root).
        assert 'href="pdf/imumi-factsheet.pdf"' in (site / edition / "intro.html").read_text()
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
    assert snapshot(site / NEW) == {k[len(NEW) + 1 :]: v for k, v in two_editions.after.items() if k.startswith(f"{NEW}/")}
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
