"""How each number was computed: the reader's side, built from a synthetic executed brief.

The brief is written here as an executed notebook (glued values, a claims record with
derivations) beside the tiny project of `miniproject`, and compiled into the book once with
Jupyter Book; the failing case (a derivation removed) must stop the build before anything
published changes, naming the key.
"""

from __future__ import annotations

import copy
import html.parser
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import miniproject
from conftest import slow_fixture
from briefs.book import derivations
from briefs.book.build import build_book
from briefs.book.sphinxext import fold_label, is_number
from briefs.errors import BuildFailed
from briefs.media import CLAIMS_MIME, GLUE_PREFIX

NAME = "tiny"
FRONT = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
  language: python
briefs:
  title: A tiny brief
  document: "001"
  order: 3
  summary: A brief written by hand as an executed notebook.
---

# A tiny brief
"""
PROSE = (
    "## Key findings\n\n"
    "INM counted {glue:text}`total` people, about {glue:text}`per_day` a day, from {glue:text}`start` "
    "(its note {glue:text}`total_note`), or {glue:text}`share` of the ceiling.\n\n"
    "- {glue:text}`finding`\n"
    "- Document {glue:text}`document_id`.\n"
)
VALUES = {
    "total": "19,561",
    "per_day": "98.8",
    "start": "11 May 2023",
    "total_note": "27",
    "share": "9.9% [contradicted]",
    "finding": "The count stayed under the ceiling in every month.",
    "document_id": "002",
}


def glue(name: str, text: str):
    return new_output(
        "display_data",
        data={GLUE_PREFIX + "text/plain": repr(text)},
        metadata={"scrapbook": {"mime_prefix": GLUE_PREFIX, "name": name}},
    )


NOTE_27 = {  # a document's figure, as page.lineage records its source
    "kind": "figure",
    "figure": "inm_returns",
    "document": "002",
    "document_name": "IMUMI factsheet",
    "note": 27,
    "citation": "IMUMI factsheet, note 27",
}


def derivation(key: str) -> dict:
    """An entry in the format page.lineage records (see LINEAGE: formula, symbols, value, unit, inputs)."""
    if key == "start":
        return {"kind": "text", "parameter": "start"}
    if key == "total_note":
        return {"kind": "text", "source": NOTE_27}
    if key in ("finding", "document_id"):
        return {"kind": "text"}
    return {
        "formula": f"what {key} is, in words",
        "symbols": "19,561 ÷ 198" if key == "per_day" else "19,561",
        "value": 98.8 if key == "per_day" else 19561,
        "unit": "people per day" if key == "per_day" else "people",
        "label": key,
        "period": "11 May – 24 November 2023",
        "inputs": [
            {
                "label": "INM's count of people returned",
                "value": 19561,
                "unit": "people",
                "period": "11 May – 24 November 2023",
                "source": NOTE_27,
            },
            {
                "label": "Days in INM's window",
                "value": 198,
                "unit": "days",
                "period": None,
                "source": {"kind": "parameter", "name": "end"},
            },
        ],
        "claim": "per_day" if key == "per_day" else None,
    }


def record(keys=tuple(VALUES)) -> dict:
    claim = {
        "id": "per_day",
        "statement": "The daily average stayed under the ceiling",
        "value": 98.8,
        "text": "98.8",
        "rule": "less than 1,000",
        "status": "holds",
        "published": None,
        "published_text": None,
        "source": "note 15",
    }
    return {
        "brief": NAME,
        "claims": [claim],
        "values": dict(VALUES),
        "derivations": {k: derivation(k) for k in keys},
        "derivations_required": True,
    }


def executed(ledger: dict) -> nbformat.NotebookNode:
    code = new_code_cell("# Load: read the data and check it\nx = 1", outputs=[glue(k, v) for k, v in VALUES.items()])
    code.metadata["tags"] = ["hide-input"]
    table = '<div class="briefs-ledger"><table><tbody><tr id="claim-per_day"><td>holds</td></tr></tbody></table></div>'
    shown = new_code_cell(
        "ledger.show()",
        outputs=[new_output("display_data", data={CLAIMS_MIME: ledger, "text/html": table, "text/plain": "ledger"})],
    )
    shown.metadata["tags"] = ["hide-input"]
    nb = new_notebook(cells=[new_markdown_cell("# A tiny brief"), new_markdown_cell(PROSE), code, shown])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = miniproject.make(tmp_path_factory.mktemp("derivations") / "project")
    (root / "notebooks" / f"{NAME}.md").write_text(FRONT + "\n" + PROSE)
    runs = root / "build" / "runs"
    runs.mkdir(parents=True)
    put(root, executed(record()))
    return root


def put(root: Path, nb: nbformat.NotebookNode) -> None:
    """Write the executed brief where a build publishes it from, with the cache record that describes it."""
    from briefs.execute import cache

    path = root / "build" / "runs" / f"{NAME}.ipynb"
    nbformat.write(nb, path)
    cache.save(NAME, root, "written by hand", path)


@pytest.fixture(scope="module")
@slow_fixture
def page(project) -> str:
    result = build_book(project, run=False, pdf=False)
    return (result.html / "briefs" / f"{NAME}.html").read_text(encoding="utf-8")


class Anchors(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and "briefs-derivation-link" in (a.get("class") or ""):
            self.links.append(a["href"])


def test_each_glued_number_links_to_how_it_was_computed(page):
    anchors = Anchors()
    anchors.feed(page)
    # numbers link; a date, a note number and a glued sentence do not
    assert anchors.links == ["#derivation-total", "#derivation-per_day", "#derivation-share"]
    assert all(href[1:] in anchors.ids for href in anchors.links)
    section = page[page.index('id="how-each-number-was-computed"') :]
    assert derivations.SECTION_TITLE in section
    entry = section[section.index('id="derivation-per_day"') : section.index('id="derivation-share"')]
    assert "what per_day is, in words" in entry and "19,561 ÷ 198" in entry
    assert "INM’s count of people returned: 19,561 people, 11 May – 24 November 2023." in entry  # Sphinx curls quotes
    assert "<em>IMUMI factsheet, note 27</em>" in entry and 'href="#claim-per_day"' in entry
    assert "the claim needs a value less than 1,000" in entry
    assert "<strong>98.8 people per day</strong>" in entry  # the value with its unit
    assert "Days in INM’s window: 198 days. Source: <em>the run’s parameter end</em>." in entry


def test_only_a_number_standing_alone_is_emphasised(page):
    # A flagged value keeps its flag in a span of its own (set apart, not part of the number's emphasis).
    spans = r'<span class="pasted-text (briefs-\w+)">([^<]*)(?:<span class="briefs-flag"> \[contradicted\]</span>)?</span>'
    found = {text: cls for cls, text in re.findall(spans, page)}
    assert '<span class="briefs-flag"> [contradicted]</span>' in page
    assert found == {
        "19,561": "briefs-number",
        "98.8": "briefs-number",
        "9.9%": "briefs-number",
        "11 May 2023": "briefs-words",
        "27": "briefs-words",
        VALUES["finding"]: "briefs-words",
        "002": "briefs-words",  # a document's id is not data
    }
    assert "Code: load — read the data and check it" in page and "Show code cell source" not in page
    assert 'class="section briefs-screen-only"' not in page  # this page has no section about folded code only


def test_a_derivation_missing_fails_the_build_naming_the_key(project, page):
    run = project / "build" / "runs" / f"{NAME}.ipynb"
    good = run.read_bytes()
    published = (project / "build" / "html" / "briefs" / f"{NAME}.html").read_bytes()
    broken = record()
    del broken["derivations"]["per_day"]
    put(project, executed(broken))
    try:
        with pytest.raises(
            BuildFailed, match=r"tiny: the claims record has no derivation for the glued value\(s\) per_day used on its page"
        ):
            build_book(project, run=False, pdf=False)
        assert (project / "build" / "html" / "briefs" / f"{NAME}.html").read_bytes() == published
        # A brief that did not opt in (Ledger(derivations=False)) is not checked.
        unrecorded = copy.deepcopy(broken)
        unrecorded["derivations_required"] = False
        nb = executed(unrecorded)
        assert derivations.missing(nb) is None and derivations.missing(executed(broken)) == ["per_day"]
    finally:
        run.write_bytes(good)
        put(project, nbformat.read(run, as_version=4))


def test_used_keys_follow_roles_and_directives_of_this_page_only():
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "{glue:text}`a:.1f` and {glue}`b` and {glue:text}`other.ipynb::c` and {glue:md}`d`\n\n"
                "```{glue:md} e\n:format: myst\n```\n\n{glue:text}`a`"
            )
        ]
    )
    assert derivations.used_keys(nb) == ["a", "b", "d", "e"]


def test_numbers_are_told_from_words():
    for text in ("19,561", "9.9%", "€6 billion", "1.5 million", "+6,281 (+42.7%)", "19,571 [contradicted]", "98.8"):
        assert is_number(text), text
    for text in ("11 May 2023", "2019", "lies wholly inside", "The count stayed under the ceiling.", ""):
        assert not is_number(text), text


def test_code_folds_say_what_they_hold():
    assert fold_label("# Compute: daily rates.\nx = 1", "", False) == "Code: compute — daily rates"
    assert fold_label("# Every total recomputed\nx = 1", "", False) == "Code: Every total recomputed"
    assert fold_label('start = "2023"  # first day', "", True) == "Code: the parameters this page was run with"
    two = '<div class="briefs-table" id="t"></div><div class="briefs-table briefs-wide"></div><figure class="briefs-chart">'
    assert fold_label("tables.show(t)", two, False) == "Code: 2 tables and a chart shown below"
    assert fold_label("ledger.show()", '<div class="briefs-ledger">', False) == "Code: the claims table below"
    assert fold_label("pass", "", False) == "Code: a step of the computation"


def test_in_a_browser_a_number_opens_its_derivation_by_click_or_keyboard_and_without_scripts(project, page, browser):
    from browsing import new_context, open_visit, serve

    with serve(project / "build" / "html") as base:
        context = new_context(browser)
        try:
            seen = open_visit(context, base, f"briefs/{NAME}.html")
            tab = seen.page
            link = tab.locator("a.briefs-derivation-link").nth(1)
            link.click()
            pop = tab.locator(".briefs-popover")
            assert pop.count() == 1 and "Source:" in pop.inner_text() and "what per_day is" in pop.inner_text()
            assert link.get_attribute("aria-expanded") == "true"
            tab.keyboard.press("Escape")
            assert pop.count() == 0 and tab.evaluate("() => document.activeElement.getAttribute('href')") == "#derivation-per_day"
            tab.keyboard.press("Tab")  # focus from the keyboard opens the next number's entry
            assert tab.locator(".briefs-popover").count() == 1 and "what share is" in tab.locator(".briefs-popover").inner_text()
            tab.keyboard.press("Tab")  # and Tab goes into it
            assert tab.evaluate("() => !!document.activeElement.closest('.briefs-popover')")
            assert seen.problems() == []
        finally:
            context.close()
        context = new_context(browser, java_script_enabled=False)
        try:
            tab = open_visit(context, base, f"briefs/{NAME}.html", wait="load").page
            tab.locator("a.briefs-derivation-link").first.click()
            assert tab.url.endswith("#derivation-total") and tab.locator(".briefs-popover").count() == 0
            assert tab.locator("#derivation-total").is_visible()
        finally:
            context.close()
