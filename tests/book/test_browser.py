"""The readers' book in a real browser: headless Chromium (Debian's) over the built book on 127.0.0.1.

The book is the session's built project (`built_project` in conftest: built once per run, PDFs
included, in a throwaway copy of the project), served by a local http.server; one browser
serves every test, and each page is loaded once (per viewport) and read by every test that
only reads it. Every page is opened behind a guard
that refuses and records any request to another host, and records console errors. A brief may
have no chart or no table (the MPI brief without the official series has neither): the checks
then run over what the page has, and a page's charts are counted from its HTML, so a chart the
browser does not show is still caught.
A missing Chromium, Playwright or axe-core fails these tests (it never skips them): `make test`
installs all three.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from briefs.project import catalog
from briefs.book import landing
from briefs.book.derivations import SECTION_TITLE as DERIVATIONS_TITLE
from briefs.book.pdf import UNRELEASED, decode_data_uri
from briefs.execute import readback
from briefs.page.charts import CSV_EXTRA as EXTRA
from browsing import DESKTOP, Visit, new_context, open_visit, screenshot, serve

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "build" / "test-artifacts"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
IMUMI = "imumi-factsheet"
PHONE = {"width": 390, "height": 844}
PRINTED = {"width": 680, "height": 960}  # about A4's printable width at 96 dpi


# --- set-up -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def book(built_project):
    """The session's built project, PDFs included: (project root, HTML folder, briefs)."""
    root = built_project.root
    return root, built_project.result.html, catalog.discover(root)


@pytest.fixture(scope="session")
def base_url(book):
    with serve(book[1]) as url:
        yield url


@pytest.fixture()
def visit(browser, base_url):
    """A page in a context of its own, for a test that changes what it shows (scripts off, routes)."""
    contexts = []

    def open_page(path: str, *, wait: str = "networkidle", viewport: dict = DESKTOP, **options) -> Visit:
        contexts.append(new_context(browser, **options))
        return open_visit(contexts[-1], base_url, path, wait=wait, viewport=viewport)

    yield open_page
    for context in contexts:
        context.close()


ALL_DRAWN = "() => Array.from(document.querySelectorAll('figure.briefs-chart')).every(f => f.dataset.drawn)"


@pytest.fixture(scope="session")
def shared(browser, base_url):
    """Pages opened once per session and read by many tests, since loading pages is what costs.

    A page is keyed by its path, viewport, media and whether scripts run, and handed out with its
    charts drawn (or after 15 s of waiting: the chart test then says which did not draw). Tests
    that use one may hover or click, but put the mouse and focus back; a test that changes a page
    for good opens its own with `visit`.
    """
    contexts = {True: new_context(browser), False: new_context(browser, java_script_enabled=False)}
    cache: dict[tuple, Visit] = {}

    def open_shared(path: str, *, viewport: dict = DESKTOP, media: str | None = None, scripts: bool = True) -> Visit:
        key = (path, viewport["width"], viewport["height"], media, scripts)
        if key not in cache:
            seen = open_visit(contexts[scripts], base_url, path, viewport=viewport, wait="networkidle" if scripts else "load")
            if scripts:
                try:
                    seen.page.wait_for_function(ALL_DRAWN, timeout=15_000)
                except Exception:  # a chart that never draws is reported by the chart test, not here
                    pass
            if media:
                seen.page.emulate_media(media=media)
            cache[key] = seen
        cache[key].page.bring_to_front()  # a page behind others is throttled like a background tab
        return cache[key]

    def forget(path: str, *, viewport: dict = DESKTOP, media: str | None = None, scripts: bool = True) -> None:
        """Close a page a test has changed for good; the next test to ask opens it again."""
        seen = cache.pop((path, viewport["width"], viewport["height"], media, scripts), None)
        if seen is not None:
            seen.page.close()

    open_shared.forget = forget
    yield open_shared
    for context in contexts.values():
        context.close()


def pages_of(html_dir: Path) -> list[str]:
    """Every HTML page of the built book, as paths relative to its root."""
    return sorted(p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*.html") if "_static" not in p.parts)


def brief_pages(briefs) -> dict[str, str]:
    return {b.name: f"briefs/{b.name}.html" for b in briefs}


# --- reading pages ----------------------------------------------------------------------------

CHART_STATE = """
figs => figs.map(fig => {
  const live = fig.querySelector('.briefs-chart-live');
  const stat = fig.querySelector('.briefs-chart-static');
  const marks = sel => fig.querySelectorAll(sel + ' svg .role-mark > *, ' + sel + ' canvas').length;
  const shown = el => !!el && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0;
  const cap = fig.querySelector('figcaption');
  return {
    id: fig.id,
    drawn: fig.dataset.drawn === 'true',
    liveMarks: live ? marks('.briefs-chart-live') : 0,
    staticMarks: stat ? marks('.briefs-chart-static') : 0,
    liveShown: shown(live), staticShown: shown(stat),
    staticLabel: stat ? stat.getAttribute('aria-label') : null,
    labelledBy: fig.getAttribute('aria-labelledby'), captionId: cap ? cap.id : null,
    title: cap && cap.querySelector('strong') ? cap.querySelector('strong').textContent : '',
    caption: cap ? cap.textContent : '',
    csv: !!fig.querySelector('a.briefs-download[download$=".csv"]'),
  };
})
"""


def chart_states(page) -> list[dict]:
    return page.eval_on_selector_all("figure.briefs-chart", CHART_STATE)


def chart_problems(states: list[dict]) -> list[str]:
    """What is wrong with the charts of a page that scripts have drawn."""
    out = []
    for c in states:
        if not c["drawn"] or c["liveMarks"] == 0:
            out.append(f"{c['id']}: not drawn (drawn={c['drawn']}, {c['liveMarks']} marks)")
        if c["staticMarks"] == 0:
            out.append(f"{c['id']}: no static SVG fallback")
        if c["staticShown"]:
            out.append(f"{c['id']}: the static SVG is shown beside the drawn chart")
        if not c["title"].strip() or not c["staticLabel"]:
            out.append(f"{c['id']}: no title")
        if c["labelledBy"] != c["captionId"]:
            out.append(f"{c['id']}: the figure is not labelled by its caption")
        if not c["csv"]:
            out.append(f"{c['id']}: no CSV download")
    return out


def description(state: dict) -> str:
    """The chart's sentence for screen readers: its caption without title, source and link."""
    text = state["caption"].replace(state["title"], "", 1)
    text = text.split(" Source: ")[0]
    return re.sub(r"Download the chart data \(CSV\)", "", text).strip()


def downloads(visit_: Visit) -> dict[str, bytes]:
    """Every CSV the page offers, fetched by clicking its link as a reader would."""
    page = visit_.page
    out = {}
    try:
        for link in page.query_selector_all("a.briefs-download"):
            link.scroll_into_view_if_needed()
            with page.expect_download() as info:
                link.click()
            got = info.value
            out[got.suggested_filename] = Path(got.path()).read_bytes()
    finally:  # leave no link hovered or focused: other tests read the same page (axe checks colours)
        page.mouse.move(0, 0)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
    return out


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def html_table(page, table_id: str) -> list[list[str]]:
    return page.eval_on_selector(
        f"#table-{table_id} table",
        "t => Array.from(t.querySelectorAll('tr')).map(r => Array.from(r.children).map(c => c.textContent.trim()))",
    )


def number(text: str) -> float:
    return float(text.replace(",", ""))


NUMERIC = re.compile(r"-?\d[\d,]*(\.\d+)?")


def cell_value(text: str) -> float | str:
    """A table cell as a reader compares it: a number by its value (grouped or not), text by its words."""
    text = " ".join(text.split())
    return number(text) if NUMERIC.fullmatch(text) else text


def agrees(downloaded: str, shown: str) -> bool:
    """A cell of a CSV download says what the page shows: the same words, or the same number.

    The download keeps a number's full precision and the page rounds it for reading (134.87...
    shows as 134.9), so numbers must agree to the decimals the page prints.
    """
    got, want = cell_value(downloaded), cell_value(shown)
    if isinstance(got, float) and isinstance(want, float):
        decimals = len(shown.strip().partition(".")[2])
        return abs(got - want) <= 0.5 * 10**-decimals + 1e-9 * abs(want)
    return got == want


def same_datum(value) -> str:
    """A chart datum as its CSV and its Vega-Lite spec both write it: numbers to 6 digits, midnight dropped.

    Altair writes a date column as a timestamp (2018-01-01T00:00:00); the CSV as a date.
    """
    text = str(value)
    if re.fullmatch(r"-?[\d.]+(e-?\d+)?", text):
        return f"{float(text):.6g}"
    return re.sub(r"^(\d{4}-\d{2}-\d{2})T00:00:00(\.0+)?$", r"\1", text)


def charts_in_html(html_dir: Path, path: str) -> int:
    """How many charts the built page holds, read from its HTML file rather than from a browser."""
    return len(re.findall(r'<figure class="[^"]*\bbriefs-chart\b', (html_dir / path).read_text(encoding="utf-8")))


def pdf_text(reader) -> str:
    """All the text of a PDF, with its typographic ligatures (ﬁ, ﬂ) written out as letters."""
    return unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in reader.pages))


def printed_as(text: str) -> re.Pattern:
    """The characters of a cell in order, as a PDF gives them back once the cell has wrapped.

    Chromium breaks a long cell over lines (after a space, or after a hyphen the text already
    has, or inside a word with a hyphen it adds), so a line break, with or without a hyphen
    before it, may come between any two characters; every character of the cell must still be
    there, in order.
    """
    chars = [re.escape(c) for c in unicodedata.normalize("NFKC", text) if not c.isspace() and c != "\u00ad"]
    return re.compile(r"(?:-?\s+)?".join(chars))


def missing_from_row(text: str, row: list[str], start: int = 0) -> tuple[int, str | None]:
    """Find a table row in a PDF's text from start: (where it ends, the first cell not found).

    The row may come anywhere after start (a page's footer or a repeated header can come
    between rows), but its cells must follow one another with nothing but white space between:
    a missing cell is not made up for by the same words elsewhere, in prose or in another row.
    """
    cells = [printed_as(cell).pattern for cell in row if cell.strip()]  # an empty cell prints nothing
    whole = re.compile(r"\s*".join(cells)).search(text, start)
    if whole:  # the usual case; the cells one by one only to name the first that is missing
        return whole.end(), None
    found = None
    for n in range(1, len(cells) + 1):
        found_n = re.compile(r"\s*".join(cells[:n])).search(text, start)
        if not found_n:
            return (found.end() if found else start), [cell for cell in row if cell.strip()][n - 1]
        found = found_n
    return (found.end() if found else start), None


# --- tests ------------------------------------------------------------------------------------


def test_every_page_loads_offline_with_no_console_error(book, shared):
    _, html_dir, _ = book
    pages = pages_of(html_dir)
    assert "intro.html" in pages and f"briefs/{IMUMI}.html" in pages
    problems = {}
    for path in pages:
        seen = shared(path)
        # Vega's own warnings (a spec it had to correct) are defects of a chart, not noise.
        found = seen.problems() + [f"chart warning: {w}" for w in seen.warnings if w.startswith("WARN")]
        if found:
            problems[path] = found
    assert not problems, problems


def test_the_offline_guard_catches_a_request_to_another_host(visit):
    """The check above could fail: a page that reaches out is caught (and refused)."""
    seen = visit("intro.html")
    seen.page.evaluate("() => fetch('http://example.invalid/x.js').catch(() => null)")
    seen.page.wait_for_timeout(200)
    assert seen.outside == ["http://example.invalid/x.js"]


def test_every_chart_draws_marks_and_keeps_a_static_fallback(book, shared):
    _, html_dir, briefs = book
    total = 0
    for name, path in brief_pages(briefs).items():
        states = chart_states(shared(path).page)
        assert len(states) == charts_in_html(html_dir, path), name
        total += len(states)
        assert chart_problems(states) == [], name
        for state in states:
            sentence = description(state)
            assert sentence.endswith(".") and len(sentence) > 20, (state["id"], sentence)
    assert total >= 6


def test_a_chart_that_cannot_draw_is_caught(book, visit, browser, base_url):
    """Without the Vega bundle no chart draws: the chart check reports every one of them."""
    context = browser.new_context()
    try:
        page = context.new_page()
        context.route("**/vega-bundle.js*", lambda route: route.fulfill(status=404, body=""))
        page.goto(urljoin(base_url, f"briefs/{IMUMI}.html"), wait_until="networkidle")
        states = chart_states(page)
        assert states and all(c["staticShown"] for c in states)  # readers still get the static image
        problems = chart_problems(states)
        assert sum("not drawn" in p for p in problems) == len(states)
    finally:
        context.close()


def test_static_charts_show_without_scripts_and_in_print(book, shared):
    """Every chart a page has shows its static SVG with scripts off and in print; a page may have none."""
    _, html_dir, briefs = book
    counts = {}
    for path in brief_pages(briefs).values():
        counts[path] = expected = charts_in_html(html_dir, path)
        states = chart_states(shared(path, scripts=False).page)
        assert len(states) == expected, path
        for c in states:
            assert c["staticShown"] and c["staticMarks"] and not c["liveMarks"], (path, c["id"])
        states = chart_states(shared(path, viewport=PRINTED, media="print").page)
        assert len(states) == expected, path
        for c in states:
            assert c["staticShown"] and c["staticMarks"] and not c["liveShown"], (path, c["id"])
    assert counts[f"briefs/{IMUMI}.html"] > 0, counts  # the reference brief's charts need no official series


def test_vega_matches_altair(book, shared):
    """The self-hosted bundle carries the Vega-Lite release Altair writes specs for, and Vega of Altair's major."""
    import altair as alt
    import vl_convert as vlc

    from briefs.media import VL_VERSION

    _, html_dir, _ = book
    bundle = (html_dir / "_static" / "vega-bundle.js").read_text(encoding="utf-8")
    assert ".".join(alt.VEGALITE_VERSION.split(".")[:2]) == VL_VERSION
    assert f'"{alt.VEGALITE_VERSION}"' in bundle, f"the bundle does not carry Vega-Lite {alt.VEGALITE_VERSION}"
    assert vlc.get_vega_version().split(".")[0] == alt.VEGA_VERSION.split(".")[0]
    assert f'"{vlc.get_vega_version()}"' in bundle
    assert vlc.get_vega_embed_version().split(".")[0] == alt.VEGAEMBED_VERSION.split(".")[0]
    seen = shared(f"briefs/{IMUMI}.html")
    schema = seen.page.eval_on_selector("script.briefs-chart-spec", "s => JSON.parse(s.textContent)['$schema']")
    assert schema.endswith(f"/v{alt.VEGALITE_VERSION}.json")
    assert not [w for w in seen.warnings if "current version" in w], seen.warnings  # vega-embed's mismatch warning


def quantitative_tooltips(spec: dict) -> set[str]:
    """Titles (or fields) of the quantitative tooltip entries anywhere in a Vega-Lite spec."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            tips = node.get("tooltip")
            for tip in tips if isinstance(tips, list) else [tips] if isinstance(tips, dict) else []:
                if tip.get("type") == "quantitative":
                    found.add(tip.get("title") or tip.get("field"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def hover(page, mark) -> None:
    """Move the mouse to the middle of a mark, as a reader would (Vega's SVG takes the events)."""
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


FORMATTED = re.compile(r"-?\d{1,3}(,\d{3})*(\.\d{1,3})?%?")


def test_tooltips_show_formatted_numbers(book, shared):
    """Every number in a tooltip is grouped by thousands and has at most three decimals."""
    _, _, briefs = book
    checked = 0
    for path in brief_pages(briefs).values():
        page = shared(path).page
        for fig in page.query_selector_all("figure.briefs-chart"):
            spec = json.loads(fig.query_selector("script.briefs-chart-spec").text_content())
            numeric = quantitative_tooltips(spec)
            marks = fig.query_selector_all(
                ".briefs-chart-live svg g.mark-rect.role-mark > path, .briefs-chart-live svg g.mark-symbol.role-mark > path"
            )
            sized = [(m.bounding_box() or {}, m) for m in marks]
            sized = [(b["width"] * b["height"], m) for b, m in sized if b and b["width"] > 2 and b["height"] > 2]
            if not numeric or not sized:
                continue
            hover(page, max(sized, key=lambda x: x[0])[1])
            try:
                tip = page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
                pairs = tip.eval_on_selector_all("tr", "rs => rs.map(r => [r.cells[0].textContent, r.cells[1].textContent])")
            finally:
                page.mouse.move(0, 0)
            values = {k.strip(): v.strip() for k, v in pairs}
            # A layered chart gives each layer its own tooltip: the hovered mark shows its layer's.
            shown = numeric & set(values)
            assert shown, (fig.get_attribute("id"), numeric, values)
            for title in shown:
                assert FORMATTED.fullmatch(values[title]), (fig.get_attribute("id"), title, values[title])
                checked += 1
    assert checked >= 5


def test_tooltip_of_a_month_shows_its_count_with_separators(book, shared):
    seen = shared(f"briefs/{IMUMI}.html")
    page = seen.page
    rows = [r for r in read_csv(downloads(seen)["daily-rate-vs-ceiling.csv"]) if not r["reference"]]  # months, not the ceiling
    biggest = max(rows, key=lambda r: int(r["people"]))
    bar = page.query_selector(f'#chart-daily-rate-vs-ceiling .mark-rect path[aria-label*="{biggest["month"]}"]')
    hover(page, bar)
    try:
        text = page.wait_for_selector("#vg-tooltip-element.visible").inner_text()
    finally:
        page.mouse.move(0, 0)
    assert f"{int(biggest['people']):,}" in text and int(biggest["people"]) >= 1000, text


def test_downloads_return_the_data_shown(book, shared):
    root, _, briefs = book
    fetched = {}
    compared = 0
    for name, path in brief_pages(briefs).items():
        seen = shared(path)
        files = fetched[name] = downloads(seen)
        tables = seen.page.eval_on_selector_all(".briefs-table", "els => els.map(e => e.id.replace(/^table-/, ''))")
        charts = seen.page.eval_on_selector_all(
            "figure.briefs-chart",
            "els => els.map(e => [e.id.replace(/^chart-/, ''), JSON.parse(e.querySelector('script.briefs-chart-spec').textContent)])",
        )
        assert len(files) == len(tables) + len(charts), (name, sorted(files))
        for table in tables:
            shown = html_table(seen.page, table)
            rows = list(csv.reader(io.StringIO(files[f"{table}.csv"].decode("utf-8"))))
            # Headers are written for readers; each keeps the column's name in the data (data-column) when it differs.
            names = seen.page.eval_on_selector_all(
                f"#table-{table} thead th", "ths => ths.map(th => th.dataset.column ?? th.textContent.trim())"
            )
            assert rows[0][1:] == names[1:], (table, rows[0], names)
            assert [r[0] for r in rows[1:]] == [r[0] for r in shown[1:]], table
            for got, want in zip(rows[1:], shown[1:]):  # numbers by value, text (a quantity's wording) as text
                assert len(got) == len(want) and all(map(agrees, got[1:], want[1:])), (table, got, want)
            compared += 1
        for chart, spec in charts:
            every = read_csv(files[f"{chart}.csv"])
            assert every, chart
            # Every row says its unit and source; reference lines are rows of their own, named, whose
            # value is one the chart draws.
            assert all(r["unit"].strip() and r["source"].strip() for r in every), (chart, every[0])
            drawn_numbers = {
                same_datum(v)
                for d in spec.get("datasets", {}).values()
                for r in d
                for v in r.values()
                if isinstance(v, (int, float)) and not isinstance(v, bool)
            }
            references = [r for r in every if r.get("reference")]
            for ref in references:
                assert any(same_datum(v) in drawn_numbers for v in ref.values() if NUMERIC.fullmatch(v or "")), (chart, ref)
            rows = [{k: v for k, v in r.items() if k not in EXTRA} for r in every if not r.get("reference")]
            cols = list(rows[0])
            datasets = [d for d in spec.get("datasets", {}).values() if d and set(cols) <= set(d[0])]
            csv_rows = sorted(tuple(same_datum(r[c]) for c in cols) for r in rows)
            drawn = [sorted(tuple(same_datum(d[c]) for c in cols) for d in data) for data in datasets]
            drawn.append(sorted(row for data in drawn for row in data))  # a layered chart's layers together
            assert csv_rows in drawn, chart
            compared += 1
    assert compared == sum(len(f) for f in fetched.values()) > 0
    # The IMUMI table's grand total is the factsheet's printed total.
    from briefs.data.package import load_package

    printed = load_package(root / "data" / "datapackage.json").figure("inm_returns_total_text").value
    rows = list(csv.reader(io.StringIO(fetched[IMUMI]["returns-by-nationality.csv"].decode("utf-8"))))
    assert rows[-1][0] == "Total" and number(rows[-1][-1]) == printed == 19561


def test_cells_are_compared_by_value_or_by_their_words():
    """The download check above could fail: a number off by more than the page rounds, or other words."""
    assert cell_value("19,561") == cell_value("19561") == 19561.0
    assert cell_value(" Years for which\n moving ") == "Years for which moving"
    assert cell_value("10 years") != cell_value("10")
    assert cell_value("1,000") != cell_value("1,001")
    assert agrees("134.8747591522158", "134.9") and agrees("70000.0", "70,000") and agrees("19561", "19,561")
    assert not agrees("134.8747591522158", "134.8") and not agrees("70001", "70,000") and not agrees("134.94", "134.8")
    assert agrees("not printed", "not printed") and not agrees("not printed", "not stated")
    assert not agrees("10", "10 years") and not agrees("ten", "10")
    assert same_datum("2018-01-01T00:00:00") == same_datum("2018-01-01") != same_datum("2018-02-01")
    assert same_datum("2018-01-01T12:00:00") != same_datum("2018-01-01")
    assert same_datum(8721) == same_datum("8721.0") != same_datum("8722")


def test_the_pdf_check_follows_wrapped_cells_and_misses_absent_ones():
    """What a PDF gives back of a wrapped, hyphenated table row is found; a cell it lacks is not."""
    row = [
        "externalization_years",
        "Years for which moving control outward has been central to U.S.-Mexico work",
        "10",
        "years",
        "at least",
    ]
    wrapped = "externalization_years Years for which moving\ncontrol outward has been cen-\ntral to U.S.-\nMexico work\n10 years at\nleast not stated"
    assert missing_from_row(wrapped, row)[1] is None
    assert missing_from_row(unicodedata.normalize("NFKC", "qualiﬁer"), ["qualifier"])[1] is None
    assert missing_from_row(wrapped.replace("10 ", ""), row)[1] == "10"
    assert missing_from_row(wrapped.replace("moving", "mov"), row)[1] == row[1]
    assert missing_from_row(wrapped, list(reversed(row)))[1] is not None  # cells out of order are not a row
    later = wrapped.replace("10 ", "") + "\nanother_row 10 years at least"
    assert missing_from_row(later, row)[1] == "10"  # not taken from a later row
    assert missing_from_row("footer\n" + wrapped, ["", *row])[1] is None


def test_every_brief_has_a_pdf_with_its_numbers_vector_charts_and_data(book, shared, base_url):
    from pypdf import PdfReader

    _, _, briefs = book
    cells, texts = 0, {}
    for name, path in brief_pages(briefs).items():
        seen = shared(path)
        link = seen.page.query_selector("a.briefs-pdf")
        assert link, f"{name}: no PDF link"
        response = seen.page.request.get(urljoin(urljoin(base_url, path), link.get_attribute("href")))
        assert response.ok and response.body().startswith(b"%PDF"), name
        reader = PdfReader(io.BytesIO(response.body()))
        text = texts[name] = pdf_text(reader)
        title = seen.page.eval_on_selector("article h1", "h => h.firstChild.textContent.trim()")
        assert printed_as(title).search(text), name
        at = 0
        for table in seen.page.eval_on_selector_all(".briefs-table", "els => els.map(e => e.id.replace(/^table-/, ''))"):
            for row in html_table(seen.page, table)[1:]:
                # every cell of every row, in the page's order, as the page prints it: nothing cut off
                at, missing = missing_from_row(text, row, at)
                assert missing is None, (name, table, row, missing)
                cells += len(row)
        for state in chart_states(seen.page):  # charts are vector: their titles are text in the PDF
            assert printed_as(state["title"].strip()).search(text), (name, state["id"])
        images = [
            obj
            for page in reader.pages
            for obj in (page.get("/Resources") or {}).get("/XObject", {}).values()
            if obj.get_object().get("/Subtype") == "/Image"
        ]
        assert not images, f"{name}: the PDF holds {len(images)} raster images"
        offered = {
            n: decode_data_uri(h)
            for n, h in seen.page.eval_on_selector_all(
                "a.briefs-download", "els => els.map(a => [a.getAttribute('download'), a.getAttribute('href')])"
            )
        }
        attached = {n: data[0] for n, data in reader.attachments.items()}
        assert attached == offered, name
        # A number in a cell is never split over lines ("19,56 / 1"), and every sheet says which build it is.
        numbers = set(
            seen.page.eval_on_selector_all(
                ".briefs-table td.num, .briefs-ledger td.num",
                # a claim's computed value, without the period printed under it
                "els => els.map(e => (e.querySelector(':scope > .briefs-nowrap') || e).textContent.trim())",
            )
        ) - {"", "—"}
        split = [n for n in numbers if not re.search(r"(?<![\d,.])" + re.escape(n) + r"(?![\d,.])", text)]
        assert not split, (name, split[:10])
        assert text.count(UNRELEASED) == len(reader.pages), name
    assert cells > 0
    pdf = texts[IMUMI]  # as served from the built book's pdf/ folder
    assert "19,561" in pdf
    assert "They are folded away" not in pdf  # the sentence about folded code stays on screen


SIDEWAYS_MM = 297 - 2 * 14  # A4 turned sideways, less the margins of `@page wide` (briefs.css)


def test_tables_fit_the_printed_page(book, shared):
    """An upright table fits the upright page; a wide one is laid out as wide as its sideways page, and fits it."""
    _, _, briefs = book
    sideways = SIDEWAYS_MM / 25.4 * 96  # CSS pixels
    boxes = 0
    for path in brief_pages(briefs).values():
        page = shared(path, viewport=PRINTED, media="print").page
        over = page.eval_on_selector_all(
            ".briefs-table:not(.briefs-wide) table, .briefs-ledger table",
            "ts => ts.filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(t => t.parentElement.id || t.className)",
        )
        assert over == [], path
        for box, width, table in page.eval_on_selector_all(
            ".briefs-table.briefs-wide",
            "bs => bs.map(b => [b.id, b.getBoundingClientRect().width, b.querySelector('table').getBoundingClientRect().width])",
        ):
            assert abs(width - sideways) < 1 and table <= width + 1, (path, box, width, table)
            boxes += 1
    assert boxes > 0, "the figure ledger's wide tables are checked"


# Every word of a table cell, as the page laid it out: a word whose pieces sit on different lines
# broke inside itself. Words are what lies between spaces and hyphens (a line may break after a hyphen).
BROKEN_WORDS = r"""() => {
  const broken = [];
  for (const cell of document.querySelectorAll('.briefs-table td, .briefs-table th, .briefs-ledger td, .briefs-ledger th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode()); ) {
      for (const m of node.data.matchAll(/[^\s\u2010-\u2014-]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        if (new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def test_printed_table_cells_break_between_words_only(book, shared):
    """On paper a column is never narrower than its longest word ("unstate/d", "approxim/ate")."""
    _, _, briefs = book
    for path in brief_pages(briefs).values():
        assert shared(path, viewport=PRINTED, media="print").page.evaluate(BROKEN_WORDS) == [], path


def test_search_finds_each_brief_by_a_word_of_its_text(book, shared, visit):
    _, _, briefs = book
    page = visit("search.html").page  # one page, sent from query to query
    for brief in briefs:
        title = shared(f"briefs/{brief.name}.html").page.eval_on_selector("article h1", "h => h.textContent")
        word = max(re.findall(r"[A-Za-z]{6,}", title), key=len)
        results = search(page, word)
        assert any(href.endswith(f"briefs/{brief.name}.html") for href in results), (word, results)
    assert search(page, "zyzzogeton") == []


def search(page, word: str) -> list[str]:
    page.goto(urljoin(page.url, f"search.html?q={word}"), wait_until="load")
    page.wait_for_function(
        "() => /Search finished|did not match/.test(document.querySelector('#search-results')?.textContent || '')"
    )
    return page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.getAttribute('href'))")


ORDER = """() => {
    const all = Array.from(document.querySelectorAll('article *'));
    const at = el => all.indexOf(el);
    const h = t => Array.from(document.querySelectorAll('article section > h2')).find(x => x.firstChild.textContent.trim() === t);
    const first = sel => document.querySelector('article ' + sel);
    return {findings: at(h('Key findings')),
            content: Array.from(document.querySelectorAll('article .briefs-table, article figure.briefs-chart')).map(at),
            claims: at(first('.briefs-ledger')), sources: at(first('.briefs-sources'))};
}"""


def out_of_order(order: dict) -> str | None:
    """Why a brief's parts are not findings, then its tables and charts (if any), then claims, then sources."""
    for part in ("findings", "claims", "sources"):
        if order[part] < 0:
            return f"no {part}"
    steps = [("findings", order["findings"])]
    if order["content"]:
        steps += [("first table or chart", min(order["content"])), ("last table or chart", max(order["content"]))]
    steps += [("claims", order["claims"]), ("sources", order["sources"])]
    for (a, i), (b, j) in zip(steps, steps[1:]):
        if not (i <= j if a == "first table or chart" else i < j):  # one table may be both first and last
            return f"{b} comes before {a}"
    return None


def test_brief_pages_open_with_findings_and_end_with_sources(book, shared):
    _, _, briefs = book
    for path in brief_pages(briefs).values():
        page = shared(path).page
        heads = page.eval_on_selector_all("article section > h2", "hs => hs.map(h => h.firstChild.textContent.trim())")
        if heads[-1] == DERIVATIONS_TITLE:  # "How each number was computed" closes a page whose numbers say how
            heads = heads[:-1]
        assert heads[0] == "Key findings" and heads[-2:] == ["Claims", "Sources"], (path, heads)
        order = page.evaluate(ORDER)
        assert out_of_order(order) is None, (path, out_of_order(order), order)


def test_the_order_check_skips_what_a_page_lacks_but_not_what_is_misplaced():
    base = {"findings": 5, "content": [10, 20], "claims": 30, "sources": 40}
    assert out_of_order(base) is None
    assert out_of_order({**base, "content": []}) is None  # a brief with no table and no chart
    assert out_of_order({**base, "content": [10]}) is None
    assert out_of_order({**base, "content": [3, 20]}) == "first table or chart comes before findings"
    assert out_of_order({**base, "content": [10, 35]}) == "claims comes before last table or chart"
    assert out_of_order({**base, "sources": 25}) == "sources comes before claims"
    assert out_of_order({**base, "claims": -1}) == "no claims"


def test_landing_page_presents_each_brief_with_summary_and_headline(book, shared):
    root, _, briefs = book
    page = shared("intro.html").page
    cards = page.eval_on_selector_all(
        ".briefs-card",
        """cs => cs.map(c => ({
        href: c.querySelector('.sd-card-header a') && c.querySelector('.sd-card-header a').getAttribute('href'),
        value: c.querySelector('.briefs-headline-value') && c.querySelector('.briefs-headline-value').textContent,
        label: c.querySelector('.briefs-headline-label') && c.querySelector('.briefs-headline-label').textContent,
        summary: c.querySelector('.briefs-summary') && c.querySelector('.briefs-summary').textContent,
        pdf: c.querySelector('a.briefs-pdf') && c.querySelector('a.briefs-pdf').getAttribute('href')}))""",
    )
    assert [c["href"] for c in cards] == [f"briefs/{b.name}.html" for b in briefs]
    for brief, card in zip(briefs, cards):
        assert card["summary"] == brief.summary and card["pdf"] == f"pdf/{brief.name}.pdf"
        if brief.headline:
            import nbformat

            glued = readback.glued(nbformat.read(root / "build" / "runs" / f"{brief.name}.ipynb", as_version=4))
            assert card["value"] == glued[brief.headline].removesuffix(landing.FLAG), brief.name
            assert "{" not in card["label"] and card["label"].strip(), brief.name
    imumi = next(c for b, c in zip(briefs, cards) if b.name == IMUMI)
    assert imumi["value"] == "19,561"


# A page has settled in a mode when no colour is still in transition and briefs.js has drawn every
# chart again for that mode (it keys each drawing by its width and mode: `briefsKey`, "640d").
SETTLED = """m => Array.from(document.querySelectorAll('figure.briefs-chart'))
    .filter(f => f.querySelector('script.briefs-chart-spec'))
    .every(f => String(f.briefsKey).endsWith(m === 'dark' ? 'd' : 'l') && f.dataset.drawn === 'true')
  && document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')"""


def set_mode(page, mode: str) -> None:
    """Light or dark, as the theme's own switch sets it; returns once the theme's colours have
    settled and charts are drawn again in that mode's colours (or fails after 15 s)."""
    changed = page.evaluate(
        "m => { const d = document.documentElement; const was = d.dataset.theme; d.dataset.mode = m; d.dataset.theme = m; return was !== m; }",
        mode,
    )
    if changed:
        page.wait_for_function(SETTLED, arg=mode, timeout=15_000)


def inject_axe(page) -> None:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make setup` (npm ci)", pytrace=False)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))


def axe_violations(page, rules: list[str] | None = None) -> list[dict]:
    """axe's violations on the page: of every rule axe runs by default, or of `rules` only."""
    inject_axe(page)
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    return page.evaluate("async options => (await axe.run(document, options)).violations", options)


# The rules whose verdict depends on colours: all that dark mode can change. The theme's switch
# changes colours only (the scan checks that each page keeps the same elements in both modes),
# so a page is scanned whole in light mode and for these rules in dark mode.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# Every element of the page, by tag, in document order (SVG included: charts are drawn again per
# mode), less scripts (axe's own) and Vega's tooltip, a hidden box made at a chart's first redraw.
OUTLINE = "() => Array.from(document.querySelectorAll('*:not(script):not(#vg-tooltip-element)'), e => e.tagName).join(' ')"


def serious(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def described(violations: list[dict]) -> list[str]:
    """Every violation, whatever its impact (minor and moderate ones included)."""
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in violations]


def test_links_keep_their_contrast_when_hovered_in_both_modes(book, shared):
    """axe checks colours as they are; a hover colour is only checked while the mouse is on it."""
    page = shared(f"briefs/{IMUMI}.html").page
    inject_axe(page)
    links = {"in the text": "article.bd-article p a[href]", "in the sidebar": ".bd-sidebar-primary nav a.reference"}
    checked, found = 0, []
    try:
        for mode in ("light", "dark"):
            set_mode(page, mode)
            for where, selector in links.items():
                link = page.locator(selector).first
                link.scroll_into_view_if_needed()
                page.mouse.move(0, 0)
                resting = link.evaluate("a => getComputedStyle(a).color")
                link.hover()
                hovered = link.evaluate("a => getComputedStyle(a).color")
                assert hovered != resting, (
                    f"a link {where} does not change colour on hover ({mode}): the check would prove nothing"
                )
                bad = serious(
                    link.evaluate(
                        "async a => (await axe.run(a, {runOnly: {type: 'rule', values: ['color-contrast']}})).violations"
                    )
                )
                checked += 1
                if bad:
                    found.append(f"{where}, {mode}, {hovered}: {bad}")
    finally:
        page.mouse.move(0, 0)
        set_mode(page, "light")
    assert checked == 4
    assert not found, found


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "link", "script", "img", "iframe", "source"):
                self.links.append(a[key])


def test_no_internal_link_is_broken(book):
    _, html_dir, _ = book
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            p = _Links()
            p.feed(path.read_text(encoding="utf-8"))
            parsed[path] = p
        return parsed[path]

    broken = []
    pages = [html_dir / p for p in pages_of(html_dir)]
    checked = 0
    for page in pages:
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue  # data:, mailto: (external hosts are the offline test's business)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(html_dir)}: {link}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in parse(target).ids:
                broken.append(f"{page.relative_to(html_dir)}: {link} (no such anchor)")
    assert checked > 50
    assert not broken, broken


def test_screenshots_of_each_brief_at_desktop_and_phone_width(book, shared):
    """No page is wider than the screen and no chart is cut off at its right edge, at 1280 and 390 px,
    light and dark; screenshots of each (and as printed) go to build/test-artifacts/ (the first
    screen; whole pages with BRIEFS_SCREENSHOTS=full, see browsing.screenshot)."""
    _, _, briefs = book
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in {"intro": "intro.html", **brief_pages(briefs)}.items():
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page = shared(path, viewport=size).page
            for mode in ("light", "dark"):
                set_mode(page, mode)
                try:
                    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                    assert overflow <= 1, f"{name} at {label} width is {overflow}px wider than the screen"
                    cut = page.eval_on_selector_all(
                        ".briefs-chart-live svg",
                        "ss => ss.filter(s => s.getBoundingClientRect().right > window.innerWidth + 1).length",
                    )
                    assert cut == 0, f"{name} at {label} width: {cut} chart(s) cut off at the right"
                    shot = ARTIFACTS / f"{name}-{label}-{mode}.png"
                    screenshot(page, shot)
                    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
                finally:
                    set_mode(page, "light")
        printed = shared(path, viewport=PRINTED, media="print").page
        screenshot(printed, ARTIFACTS / f"{name}-printed.png")


# --- reading on a phone, a desktop and paper (issue 15) ---------------------------------------------

TABLE_STATE = """() => Array.from(document.querySelectorAll('.briefs-table, .briefs-ledger')).map(box => {
  const table = box.querySelector('table');
  const cue = box.querySelector('.briefs-scroll-cue');
  const shown = el => !!el && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0;
  const lines = el => { const r = document.createRange(); r.selectNodeContents(el);
    return new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top))).size; };
  const numbers = Array.from(box.querySelectorAll('td.num:not(:has(.briefs-claim-period)), .briefs-nowrap')).filter(el => el.textContent.trim());
  const rowHeads = Array.from(box.querySelectorAll('tbody th[scope=row]'));
  const cells = Array.from(box.querySelectorAll('tbody td'));
  return {
    id: box.id || box.className,
    clipped: table.scrollWidth > box.clientWidth + 1,
    cue: shown(cue) || box.dataset.overflows === 'true' && shown(cue),
    wrapped: numbers.filter(el => lines(el) > 1).map(el => el.textContent.trim()),
    heads: Array.from(box.querySelectorAll('thead th')).map(th => th.textContent.trim()),
    stacked: getComputedStyle(table).display === 'block',
    sticky: rowHeads.length > 0 && rowHeads.every(th => getComputedStyle(th).position === 'sticky'),
    offscreen: cells.filter(td => getComputedStyle(td).display !== 'none' && td.getBoundingClientRect().right > window.innerWidth + 1).length,
  };
})"""
RAW_NAME = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")


def test_tables_fit_or_say_they_scroll_and_numbers_never_wrap(book, shared):
    """At 1280 and 390 px: a table wider than its box shows a scroll cue; no number breaks over lines; headers
    are words for readers; on a phone the claims (and tables of sentences) stack, other tables keep their labels."""
    _, _, briefs = book
    problems, clipped_seen = [], 0
    for path in brief_pages(briefs).values():
        for size in (DESKTOP, PHONE):
            for t in shared(path, viewport=size).page.evaluate(TABLE_STATE):
                where = f"{path} @ {size['width']}px {t['id']}"
                clipped_seen += t["clipped"]
                if t["clipped"] and not t["cue"]:
                    problems.append(f"{where}: clipped without a scroll cue")
                if t["wrapped"]:
                    problems.append(f"{where}: numbers broken over lines: {t['wrapped'][:5]}")
                raw = [h for h in t["heads"] if RAW_NAME.fullmatch(h) and h != "—"]
                if raw:
                    problems.append(f"{where}: column names from the data as headers: {raw}")
                if size is PHONE and not t["stacked"] and not t["sticky"]:
                    problems.append(f"{where}: on a phone the row labels scroll away")
                if size is PHONE and t["stacked"] and t["offscreen"]:
                    problems.append(f"{where}: {t['offscreen']} cells of a stacked table run off the screen")
                if size is PHONE and "briefs-ledger" in t["id"] and not t["stacked"]:
                    problems.append(f"{where}: the claims are not stacked on a phone")
    assert not problems, problems
    assert clipped_seen > 0  # the phone width does make some tables scroll: the cue check was exercised


CHART_TEXT = """() => Array.from(document.querySelectorAll('figure.briefs-chart')).map(fig => {
  const svg = fig.querySelector('.briefs-chart-live svg');
  if (!svg) return {id: fig.id, drawn: false};
  const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
  const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim());
  const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const bg = svg.querySelector('rect.background, path.background');
  return {id: fig.id, drawn: true, smallest: Math.min(...sizes),
          cut: texts.map(t => t.textContent).filter(t => t.includes('…')),
          wider: svg.getBoundingClientRect().right > fig.getBoundingClientRect().right + 1,
          fill: (t => t ? getComputedStyle(t).fill : null)(svg.querySelector('.role-axis-label text')),
          table: !!fig.querySelector('details.briefs-chart-data table')};
})"""


def luminance(css: str) -> float:
    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_charts_re_lay_out_on_a_phone_follow_dark_mode_and_carry_a_data_table(book, shared):
    _, _, briefs = book
    problems, checked = [], 0
    for path in brief_pages(briefs).values():
        page = shared(path, viewport=PHONE).page
        for mode in ("light", "dark"):
            set_mode(page, mode)
            try:
                for c in page.evaluate(CHART_TEXT):
                    checked += 1
                    where = f"{path} {c['id']} ({mode})"
                    if not c["drawn"]:
                        problems.append(f"{where}: not drawn")
                        continue
                    if c["smallest"] < 10:
                        problems.append(f"{where}: text {c['smallest']:.1f}px at 390px wide")
                    if c["cut"] or c["wider"]:
                        problems.append(f"{where}: labels cut {c['cut'][:3]} or chart wider than its column")
                    if not c["table"]:
                        problems.append(f"{where}: no data table beside the chart for keyboards and screen readers")
                    if c["fill"] and (luminance(c["fill"]) > 0.6) != (mode == "dark"):
                        problems.append(f"{where}: chart text {c['fill']} does not follow {mode} mode")
            finally:
                set_mode(page, "light")
    assert checked >= 12
    assert not problems, problems


def test_chart_csvs_carry_the_reference_lines_they_draw(book, shared):
    seen = shared(f"briefs/{IMUMI}.html")
    rows = read_csv(downloads(seen)["daily-rate-vs-ceiling.csv"])
    ceiling = [r for r in rows if r["reference"]]
    assert len(ceiling) == 1 and number(ceiling[0]["per_day"]) == 1000 and "note" in ceiling[0]["source"], ceiling
    assert {r["unit"] for r in rows} == {"People returned per day"}


FOCUS = """() => { const e = document.activeElement; const cs = getComputedStyle(e);
  const visible = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || (cs.boxShadow && cs.boxShadow !== 'none'
    && !/^rgba\\(0, 0, 0, 0\\) 0px 0px 0px 0px$/.test(cs.boxShadow));
  return {what: e.tagName + ' ' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40), visible,
          card: !!e.closest('.briefs-card'), body: e === document.body}; }"""


def test_keyboard_reaches_the_first_card_quickly_and_always_shows_focus(book, visit):
    for size in (DESKTOP, PHONE):
        page = visit("intro.html", viewport=size).page
        unseen, presses, card = [], 0, None
        for _ in range(30):  # every control from the top of the page to the cards shows its focus
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS)
            if state["card"]:
                break
            if not state["visible"] and not state["body"]:
                unseen.append(state["what"])
        assert not unseen, (size["width"], unseen)
        page.goto(page.url, wait_until="load")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert "Skip to the briefs" in page.evaluate("() => document.activeElement.textContent")
        page.keyboard.press("Enter")
        for presses in range(3, 11):
            page.keyboard.press("Tab")
            card = page.evaluate(FOCUS)
            if card["card"]:
                break
        assert card["card"] and presses < 10, (size["width"], presses, card)


def test_landing_cards_count_claims_by_verdict(book, shared):
    root, _, briefs = book
    import nbformat

    page = shared("intro.html").page
    counts = page.eval_on_selector_all(".briefs-card .briefs-verdicts", "ps => ps.map(p => p.textContent.trim())")
    expected = [
        landing.verdicts(readback.claims(nbformat.read(root / "build" / "runs" / f"{b.name}.ipynb", as_version=4)))
        for b in briefs
    ]
    # A brief whose checks all need series this build lacks has no claims, and its card no count.
    assert counts == [e for e in expected if e] and counts, counts
    assert "[contradicted]" not in page.eval_on_selector(".briefs-card", "c => c.closest('.sd-row').textContent")


def test_spanish_titles_are_marked_and_glued_words_are_not_bold(book, shared):
    page = shared(f"briefs/{IMUMI}.html").page
    spanish = page.eval_on_selector_all('[lang="es"]', "els => els.map(e => e.textContent)")
    assert any("Versión estenográfica" in s for s in spanish), spanish
    weights = page.eval_on_selector_all(
        "span.pasted-text",
        """els => els.map(e => {
        const before = e.closest('a.briefs-derivation-link') || e;
        const prev = before.previousSibling ? before.previousSibling.textContent : '';
        return [e.textContent, parseInt(getComputedStyle(e).fontWeight), /\\bnotes?\\s*$/.test(prev)]; })""",
    )
    bold = {t for t, w, _ in weights if w >= 600}
    assert "19,561" in bold and "11 May 2023" not in bold, weights  # a number stands out, a date reads on
    notes = [(t, w) for t, w, after_note in weights if after_note]
    assert notes and all(w < 600 for _, w in notes), notes  # a note number is not data


def test_glued_numbers_open_how_they_were_computed(book, shared):
    """Where a brief opted in to derivations, each glued number links to its entry, and the entry names
    a source. A brief that did not opt in links only the numbers whose entries say how they were computed."""
    import nbformat

    from briefs.book import derivations

    root, _, briefs = book
    opted = 0
    for brief in briefs:
        nb = nbformat.read(root / "build" / "runs" / f"{brief.name}.ipynb", as_version=4)
        found = derivations.derivations(nb) or {}
        page = shared(f"briefs/{brief.name}.html").page
        links = page.eval_on_selector_all("a.briefs-derivation-link", "as => as.map(a => a.getAttribute('href'))")
        explained = {derivations.anchor(k) for k, entry in found.items() if derivations.explained(entry)}
        assert {href[1:] for href in links} <= explained, brief.name
        if not derivations.required(derivations.claims_record(nb)):
            continue
        opted += 1
        numbers = page.eval_on_selector_all("span.pasted-text.briefs-number", "els => els.length")
        assert links and len(links) == numbers, (brief.name, len(links), numbers)
        for href in set(links):
            entry = page.eval_on_selector(href, "e => e.textContent")
            assert "Source:" in entry, (brief.name, href)
    assert opted > 0


def test_accessibility_scan_finds_no_violation_of_any_impact(book, shared):
    """Every page of the book in light mode and dark; the landing page and the briefs at phone width too.
    Last in this file: it closes the pages it scanned, which the other tests read in light mode."""
    _, html_dir, briefs = book
    targets = [(p, DESKTOP) for p in pages_of(html_dir) if p not in ("search.html", "index.html")]
    targets += [("search.html?q=Mexico", DESKTOP), ("intro.html", PHONE)]
    targets += [(p, PHONE) for p in brief_pages(briefs).values()]
    found = {}
    for path, size in targets:
        page = shared(path, viewport=size).page
        where = f"{path} @ {size['width']}px"
        set_mode(page, "light")
        outline = page.evaluate(OUTLINE)
        found[f"{where}, light"] = described(axe_violations(page))
        set_mode(page, "dark")
        try:
            assert page.evaluate(OUTLINE) == outline, f"{where}: dark mode changes more than colours: scan it whole"
            found[f"{where}, dark"] = described(axe_violations(page, COLOUR_RULES))
        finally:  # left dark: closed rather than switched back (a redraw of every chart); last in this file
            shared.forget(path, viewport=size)
    found = {k: v for k, v in found.items() if v}
    assert not found, json.dumps(found, indent=1)
