"""Data labels and parameter values that carry HTML or script reach the book as inert text.

The reference brief is run on a copy of the data whose labels are attacks:
nationalities (table headings, chart legends, tooltips, chart captions, the
glued prose), a document's short name (the claims ledger's sources, table
and chart source lines) and a cited work (the sources list). The data
package's path, a parameter, holds markup too. The book is compiled and its
HTML parsed: the labels must be there as text, and nowhere as markup.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

import miniproject
from bad_inputs.cases import PAYLOAD
from briefs.book.build import build_book
from briefs.cli.main import main
from briefs.execute.run import run_brief
from conftest import copy_project, slow_fixture

BRIEF = "imumi-factsheet"
SCRIPT = '<script>alert("nationality")</script>'  # replaces Venezuela, the largest group
ATTRIBUTE = '" onmouseover="alert(2)" x="'  # replaces Cuba
LINK = "javascript:alert(3)"  # replaces Haiti
IMAGE = "<img src=x onerror=alert(4)>"  # replaces Honduras
DOCUMENT = 'IMUMI <b onmouseover="alert(5)">factsheet</b>'  # document 001's short name
WORK = '<a href="javascript:alert(6)">INM</a>'  # a cited work
LABELS = {"Venezuela": SCRIPT, "Cuba": ATTRIBUTE, "Haiti": LINK, "Honduras": IMAGE}
HANDLERS = re.compile(r"^on[a-z]+$")


def _rewrite(path: Path, column: str, mapping: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row[column] = mapping.get(row[column], row[column])
        writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")


def hostile_data(root: Path) -> Path:
    """A copy of the data package, in a folder whose path is markup, with hostile labels."""
    data = root / 'x<script>alert("path")<' / 'script>" onmouseover="alert(7)'
    data.parent.mkdir()
    shutil.copytree(root / "data", data)
    _rewrite(data / "inm_returns_by_nationality.csv", "nationality", LABELS)
    _rewrite(data / "inm_returns_published_totals.csv", "category", LABELS)
    _rewrite(data / "documents.csv", "short_name", {"IMUMI factsheet": DOCUMENT})
    figures = data / "imumi_figures.csv"
    figures.write_text(
        figures.read_text(encoding="utf-8").replace(
            "INM Response to IMUMI Request for Access to Information (12 January 2024)", '"' + WORK.replace('"', '""') + '"'
        ),
        encoding="utf-8",
    )
    descriptor = json.loads((data / "datapackage.json").read_text())
    field = next(
        f
        for r in descriptor["resources"]
        if r["name"] == "inm_returns_by_nationality"
        for f in r["schema"]["fields"]
        if f["name"] == "nationality"
    )
    field["constraints"]["enum"] = [LABELS.get(v, v) for v in field["constraints"]["enum"]]
    (data / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    return data


def strings(tree) -> list[str]:
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, dict):
        tree = list(tree.values())
    return [s for item in tree for s in strings(item)] if isinstance(tree, list) else []


class Page(HTMLParser):
    """Every element with its attributes, the text inside each kind of element, and script bodies."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.scripts: list[tuple[dict, str]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in ("img", "br", "hr", "meta", "link", "input", "path", "rect", "line", "circle"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if self.open and self.open[-1] == "script":
            self.scripts.append((self.elements_of("script")[-1], data))
        for tag in set(self.open):
            self.text.setdefault(tag, []).append(data)

    def elements_of(self, tag):
        return [attrs for name, attrs in self.elements if name == tag]

    def inside(self, tag) -> str:
        return "".join(self.text.get(tag, []))


@pytest.fixture(scope="module")
@slow_fixture
def page(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("injection") / "project")
    data = hostile_data(root)
    # The hostile package is the brief's own default here: only a run with the brief's own
    # parameters is published (a run with others goes to build/variants and never reaches the book).
    brief = root / "notebooks" / f"{BRIEF}.md"
    text = brief.read_text(encoding="utf-8")
    assert 'data_package = ""' in text
    brief.write_text(text.replace('data_package = ""', f"data_package = {json.dumps(str(data))}", 1), encoding="utf-8")
    result = run_brief(BRIEF, root=root)
    assert result.published and result.notebook.exists()
    build = build_book(root, run=False, pdf=False)  # the page is what a reader's browser gets
    assert build.ok
    text = (build.html / "briefs" / f"{BRIEF}.html").read_text(encoding="utf-8")
    return text, Page(text), str(data), build.html


def test_no_markup_from_data_is_live(page):
    raw, parsed, _, _ = page
    for payload in (SCRIPT, ATTRIBUTE, IMAGE, DOCUMENT, WORK):
        assert payload not in raw, f"{payload!r} appears unescaped in the page"
    # The theme has handlers of its own (its buttons' onclick); none may come from the data.
    handlers = [
        (tag, name, value)
        for tag, attrs in parsed.elements
        for name, value in attrs.items()
        if HANDLERS.match(name) and "alert(" in (value or "")
    ]
    assert handlers == [], "an event-handler attribute was created from data"
    links = [
        (tag, attrs)
        for tag, attrs in parsed.elements
        for key in ("href", "src", "action", "formaction")
        if (attrs.get(key) or "").strip().lower().startswith("javascript:")
    ]
    assert links == []
    assert not [attrs for attrs in parsed.elements_of("img") if attrs.get("src") == "x"]
    for attrs, body in parsed.scripts:
        if "alert(" in body:
            assert attrs.get("type") == "application/json", f"a live script carries data: {body[:120]!r}"
            assert "<" not in body and ">" not in body
            json.loads(body)


def test_labels_are_shown_as_text_where_the_page_uses_them(page):
    _, parsed, _, _ = page
    headings = parsed.inside("th")
    for label in LABELS.values():
        assert label in headings, f"{label!r} is missing from the table headings"
    captions = parsed.inside("figcaption")
    assert f"{SCRIPT} is the largest group" in captions  # the chart description names the largest group
    assert DOCUMENT in captions  # chart source lines
    prose = parsed.inside("p").replace("“", '"').replace("”", '"')  # Sphinx curls straight quotes in prose
    assert f"{SCRIPT} is the largest group in" in prose  # glued prose
    assert DOCUMENT in parsed.inside("td")  # the claims ledger's source column
    assert WORK in parsed.inside("li")  # the sources list


def test_labels_reach_tooltips_and_legends_as_data(page):
    _, parsed, _, _ = page
    specs = [json.loads(body) for attrs, body in parsed.scripts if "briefs-chart-spec" in (attrs.get("class") or "")]
    assert len(specs) >= 5
    values = set(strings(specs))
    assert SCRIPT in values  # a legend entry and a tooltip value, as a string
    assert any(v.startswith(f"{DOCUMENT}, note ") for v in values)  # the source a tooltip shows
    svg_text = parsed.inside("svg")
    assert SCRIPT[:20] in svg_text  # the static chart's legend, as SVG text


def test_no_script_from_data_runs_in_a_browser(page, browser):
    """The page built from hostile labels, in Chromium: hover every heading, cell and chart mark
    (tooltips render labels) and open every menu; no dialog opens, nothing is logged, no
    element the payloads would create exists, and the tooltips show the labels as text."""
    from browsing import new_context, open_visit, serve

    _, _, _, html_dir = page
    with serve(html_dir) as base:
        context = new_context(browser)
        try:
            seen = open_visit(context, base, f"briefs/{BRIEF}.html")
            tab = seen.page
            tab.wait_for_function(
                "() => Array.from(document.querySelectorAll('figure.briefs-chart')).every(f => f.dataset.drawn)"
            )
            # Where the labels reach: table headings, captions, the claims ledger's source column,
            # and a dozen marks of every chart (tooltips render labels); not every cell of every table.
            groups = [tab.locator("th, figcaption, .briefs-ledger td:last-child")]
            charts = tab.locator("figure.briefs-chart .briefs-chart-live")
            groups += [charts.nth(i).locator("svg .role-mark > *") for i in range(charts.count())]
            tooltips, hovered = set(), 0
            for g, group in enumerate(groups):
                count = group.count()
                picks = range(count) if g == 0 else sorted({round(k * (count - 1) / 11) for k in range(12)}) if count else []
                for n in picks:
                    target = group.nth(n)
                    if not target.is_visible():
                        continue
                    target.scroll_into_view_if_needed()
                    box = target.bounding_box()
                    if not box or box["width"] < 1 or box["height"] < 1:
                        continue
                    tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                    hovered += 1
                    shown = tab.evaluate("""() => { const t = document.getElementById('vg-tooltip-element');
                        return t && t.classList.contains('visible') ? t.textContent : null; }""")
                    if shown:
                        tooltips.add(shown)
            assert hovered > 50
            created = tab.evaluate("""() => ({
                images: document.querySelectorAll('img[src="x"]').length,
                bold: Array.from(document.querySelectorAll('b')).filter(b => b.hasAttribute('onmouseover')).length,
                scripts: Array.from(document.scripts).filter(s => s.textContent.includes('alert(') && s.type !== 'application/json').length,
                tooltipMarkup: document.querySelectorAll('#vg-tooltip-element script, #vg-tooltip-element img').length,
            })""")
        finally:
            context.close()
    assert seen.dialogs == [], "a script from the data ran"
    theirs = ("log: [PST]: ", "log: [togglebutton]: ")  # the theme's own chatter, the same on every page
    logged = [m for m in seen.messages if not m.startswith(theirs)]
    assert logged == [] and seen.outside == [], logged + seen.outside
    assert created == {"images": 0, "bold": 0, "scripts": 0, "tooltipMarkup": 0}
    assert any(SCRIPT in t for t in tooltips) and any(IMAGE in t for t in tooltips), sorted(tooltips)[:5]


def test_a_parameter_holding_markup_is_shown_as_code_text(page):
    raw, parsed, data, _ = page
    assert data not in raw
    literal = '"' + data.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'  # as papermill writes it
    assert f"data_package = {literal}" in parsed.inside("pre")


@pytest.mark.slow
def test_a_code_string_parameter_arrives_inert(tmp_path, monkeypatch, capsys):
    root = miniproject.make(tmp_path / "project")
    out = tmp_path / "alpha.ipynb"
    monkeypatch.chdir(root)
    assert main(["run", "alpha", "-p", "label", PAYLOAD, "-o", str(out)]) == 0
    assert not list(tmp_path.rglob("PWNED")), "the value was executed"
    nb = json.loads(out.read_text())
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"])
    assert printed == f"{PAYLOAD} reads one\n"
    assert nb["metadata"]["briefs"]["parameters"] == {"label": PAYLOAD}
