"""`briefs new`: a brief that runs and builds from the first minute, and refusals that write nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefs.project import catalog
from briefs.book import guides
from briefs.book.build import build_book
from briefs.book.stage import toc
from briefs.cli.main import main
from briefs.errors import UsageError
from briefs.execute.run import run_brief
from briefs.book.scaffold import new_brief, resource_name
from briefs.data.verdicts import validate

NAME = "test-brief"
DOCUMENT = "003"
HEADER = "id,quantity,value,unit,precision,period_start,period_end,status,document,location,note,cited_work,printed\n"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for d in ("data", "notebooks")
        for p in sorted((root / d).rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("bad", ["Bad_Name", "My Brief", "-leading", "", "../escape", "brief.md", "ñandú"])
def test_invalid_names_are_refused_and_nothing_is_written(project, bad, capsys, monkeypatch):
    before = _snapshot(project)
    with pytest.raises(UsageError, match="not a valid brief name"):
        new_brief(bad, DOCUMENT, root=project)
    monkeypatch.chdir(project)
    assert main(["new", "--document", DOCUMENT, "--", bad]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
    assert _snapshot(project) == before


def test_existing_names_and_unknown_documents_are_refused(project):
    before = _snapshot(project)
    with pytest.raises(UsageError, match="already exists"):
        new_brief("imumi-factsheet", "001", root=project)
    with pytest.raises(UsageError, match="unknown document '999'; known documents: 000, 001"):
        new_brief(NAME, "999", root=project)
    (project / "data" / f"{resource_name(NAME)}.csv").write_text(HEADER)
    with pytest.raises(UsageError, match="test_brief_figures.csv already exists"):
        new_brief(NAME, DOCUMENT, root=project)
    (project / "data" / f"{resource_name(NAME)}.csv").unlink()
    assert _snapshot(project) == before


def test_a_second_new_with_the_same_name_is_refused(project):
    new_brief(NAME, DOCUMENT, root=project)
    after_first = _snapshot(project)
    with pytest.raises(UsageError, match="already exists"):
        new_brief(NAME, DOCUMENT, root=project)
    assert _snapshot(project) == after_first


def test_new_brief_is_registered_with_its_provenance(project):
    original = json.loads((project / "data" / "datapackage.json").read_text())
    made = new_brief(NAME, DOCUMENT, root=project)
    descriptor = json.loads((project / "data" / "datapackage.json").read_text())
    assert descriptor["resources"][:-1] == original["resources"]
    entry = descriptor["resources"][-1]
    assert entry["name"] == made.resource == "test_brief_figures"
    assert entry["schema"] == "schemas/figures.json" and entry["path"] == "test_brief_figures.csv"
    assert entry["sources"] == [{"title": "Just Security article (document 003)", "document": DOCUMENT}]

    text = made.notebook.read_text()
    assert not re.search(r"__[A-Z_]+__", text), "a template token was left unreplaced"
    brief = next(b for b in catalog.discover(project) if b.name == NAME)
    assert (brief.document, brief.title) == (DOCUMENT, "Mexico IS the wall")
    assert brief.order > next(b for b in catalog.discover(project) if b.name == "imumi-factsheet").order
    assert [(v.resource, v.rows, v.ok) for v in validate([made.resource], project / "data")] == [(made.resource, 0, True)]


@pytest.mark.slow
def test_template_claim_catches_a_published_figure_without_a_value(project, tmp_path):
    made = new_brief(NAME, DOCUMENT, title="A title: with a colon", root=project)
    # A number left blank is refused before any run; a figure stated in words rightly has none.
    made.csv.write_text(HEADER + "test_no_value,A count the test leaves blank,,people,exact,,,published,003,text,,,\n")
    [verdict] = validate([made.resource], project / "data")
    assert verdict.problem.endswith(
        "row 2, column value: is blank, but precision exact needs the number the document printed "
        "(if it gives the quantity only in words, use precision in_words and quote them in printed)"
    )
    made.csv.write_text(
        HEADER
        + "test_no_value,A series the test marks published,,people,unpublished,,,published,003,text,,,\n"
        + "test_words,A count the test gives in words,,people,in_words,,,published,003,text,,,dozens\n"
    )
    result = run_brief(NAME, root=project, output=tmp_path / "out.ipynb")
    assert [c["id"] for c in result.contradicted] == ["records_consistent"]
    assert next(c for c in result.contradicted)["value"] == 1  # the series marked published; the words are consistent
    assert next(b for b in catalog.discover(project) if b.name == NAME).title == "A title: with a colon"


def test_toc_adds_the_guides_after_the_briefs(tmp_path):
    book = tmp_path / "book"
    (book / "guides").mkdir(parents=True)
    (book / "guides" / "zeta.md").write_text("# no order\n")
    (book / "guides" / "second.md").write_text("---\norder: 20\n---\n# Second\n")
    (book / "guides" / "first.md").write_text("---\norder: 10\n---\n# First\n")
    pages = guides.pages(book)
    assert pages == ["guides/first", "guides/second", "guides/zeta"]
    brief = catalog.Brief("b", Path("b.md"), "B", "001", "", 1)
    text = toc([brief], pages)
    assert (
        text.index('caption: "Briefs"')
        < text.index("briefs/b")
        < text.index('caption: "About this book"')
        < text.index("guides/first")
    )
    assert "About this book" not in toc([brief], [])


@pytest.fixture(scope="module")
def built(tmp_path_factory, built_project):
    """A copy of the project with a new brief holding two figures, built into a book."""
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("scaffold") / "project", runs_from=built_project.root)
    made = new_brief(NAME, DOCUMENT, root=root)
    # Test data, not the document's figures: one printed count and one series the document did not print.
    made.csv.write_text(
        HEADER
        + "test_count,A count made up for this test,1234,people,approximate,,,published,003,text,,,\n"
        + "test_series,A series made up for this test,,people,unpublished,,,unpublished,003,chart,,,\n"
    )
    result = build_book(root, pdf=False)
    return root, result


def test_new_brief_builds_into_a_working_page(built):
    root, result = built
    assert result.ok, result.failures
    page = (result.html / "briefs" / f"{NAME}.html").read_text()
    assert 'id="table-figures"' in page and "A count made up for this test" in page
    assert '<figure class="briefs-chart" id="chart-published-figures"' in page and "<svg" in page
    assert "from 1,234 to 1,234" in page  # the chart description is computed from the data
    assert "All 1 claims hold on the data as given" in page
    assert "Mexico IS the wall" in page and "Just Security" in page  # sources section names the document
    assert "test_brief_figures.csv" in page
    assert "[contradicted]" not in page


def test_guides_are_in_the_book_under_their_caption(built):
    root, result = built
    intro = (result.html / "intro.html").read_text()
    assert "About this book" in intro
    expected = guides.pages(root / "book")
    assert "guides/cli" in expected and "guides/rerun" in expected
    links = re.findall(r'href="(guides/[a-z0-9-]+)\.html"', intro)
    assert [link for i, link in enumerate(links) if link not in links[:i]] == expected
    briefs_at = intro.index(f'href="briefs/{NAME}.html"')
    assert intro.index('href="briefs/imumi-factsheet.html"') < briefs_at < intro.index("About this book")
    for page in expected:
        assert (result.html / f"{page}.html").exists()
    cli = (result.html / "guides" / "cli.html").read_text()
    assert "briefs validate" in cli and "briefs new" in cli
