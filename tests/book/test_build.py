"""The book: built offline from the executed briefs, with tables, charts and claims on the page."""

from __future__ import annotations

import re

import pytest

from briefs.book.build import build_book

BRIEF = "imumi-factsheet"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def built(built_project):
    return built_project.root, built_project.result, built_project.states


def test_build_runs_the_briefs_and_writes_html(built):
    root, result, states = built
    assert result.ok and result.html == root / "build" / "html"
    assert (result.html / "index.html").exists()
    assert (result.html / "briefs" / f"{BRIEF}.html").exists()
    assert (BRIEF, "running") in states and ("book", "compiling") in states


def test_brief_page_shows_tables_charts_and_claims(built):
    _, result, _ = built
    page = (result.html / "briefs" / f"{BRIEF}.html").read_text()
    for table in ("returns-by-nationality", "returns-by-sex", "returns-by-age"):
        assert f'id="table-{table}"' in page
    charts = re.findall(r'<figure class="briefs-chart" id="chart-([a-z0-9-]+)"', page)
    assert len(charts) >= 5
    assert page.count('<div class="briefs-chart-static" role="img"') == len(charts)
    assert page.count("<svg") >= len(charts)
    # The factsheet's table has an "Other" row of people its text leaves out: one number is contradicted.
    assert "1 of 17 claims are contradicted by the data, 1 on a number (the figure is off)" in page
    assert "What they rest on:" in page
    assert "19,561" in page
    assert "Download the data (CSV)" in page
    # code is folded, available on demand, and each fold says what it holds
    assert "Code: load — every resource is validated against its schema as it is read" in page
    assert "Show code cell source" not in page


def test_no_page_loads_anything_from_another_host(built):
    _, result, _ = built
    pages = list(result.html.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text()
        assert not EXTERNAL.search(text), (page, EXTERNAL.search(text).group(0))


def test_vega_is_self_hosted_and_loaded_once(built):
    _, result, _ = built
    assert (result.html / "_static" / "vega-bundle.js").stat().st_size > 500_000
    page = (result.html / "briefs" / f"{BRIEF}.html").read_text()
    assert page.count("vega-bundle.js") == 1
    assert "cdn.jsdelivr" not in page


def test_table_of_contents_lists_the_brief(built):
    root, result, _ = built
    toc = (root / "build" / "book" / "src" / "_toc.yml").read_text()
    assert f"briefs/{BRIEF}" in toc
    assert f'href="briefs/{BRIEF}.html"' in (result.html / "intro.html").read_text()


def test_a_failing_brief_keeps_its_last_page(built, tmp_path):
    from conftest import copy_project

    root = copy_project(tmp_path / "project", runs_from=built[0])
    first = build_book(root, pdf=False)
    assert first.runs == [] and sorted(first.unchanged) == sorted(r.brief for r in built[1].runs)
    page = root / "build" / "html" / "briefs" / f"{BRIEF}.html"
    before = page.read_text()
    csv = root / "data" / "inm_returns_by_age.csv"
    csv.write_text(csv.read_text().replace("Adult,2820", "Adult,many"))
    result = build_book(root, pdf=False)
    assert list(result.failures) == [BRIEF], "only the brief that reads the file runs again, and fails"
    assert "inm_returns_by_age.csv: row 3, column people: 'many' is not a valid integer" in result.failures[BRIEF]
    assert page.read_text() == before
