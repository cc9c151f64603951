"""Reviewers' diffs: deterministic runs, `briefs diff` on a known data change, and the edition's changes page.

The brief is executed three times in this module: twice on the project's data
(the same inputs must give the same bytes) and once on a copy of the data in
which one cell of INM's table by nationality is raised by one person, so the
printed total of 19,561 no longer matches and the claims built on it flip.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from briefs.review import diff as bdiff
from briefs.review import report as breport
from briefs.execute import normalize
from briefs.cli.main import main
from briefs.execute.run import run_brief
from briefs.review.digest import Chart, Digest, Table, collect
from conftest import slow_fixture

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parents[1] / "golden"
BRIEF = "imumi-factsheet"
# One cell: Venezuelans returned in June 2023. INM printed 1,450; the changed copy says 1,451.
CELL_BEFORE = "2023-06-01,2023-06-30,Venezuela,1450\n"
CELL_AFTER = "2023-06-01,2023-06-30,Venezuela,1451\n"


@pytest.fixture(scope="module")
@slow_fixture
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("runs")
    first = run_brief(BRIEF, root=ROOT, output=tmp / "first" / f"{BRIEF}.ipynb").notebook
    second = run_brief(BRIEF, root=ROOT, output=tmp / "second" / f"{BRIEF}.ipynb").notebook
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    table = data / "inm_returns_by_nationality.csv"
    text = table.read_text(encoding="utf-8")
    assert text.count(CELL_BEFORE) == 1, "the cell this test changes is no longer in the data"
    table.write_text(text.replace(CELL_BEFORE, CELL_AFTER), encoding="utf-8")
    changed = run_brief(
        BRIEF, {"data_package": str(data / "datapackage.json")}, root=ROOT, output=tmp / "changed" / f"{BRIEF}.ipynb"
    ).notebook
    return {"tmp": tmp, "first": first, "second": second, "changed": changed}


def portable(report: bdiff.Report, tmp: Path) -> bdiff.Report:
    """The report with the test's temporary folder written as <tmp>, so golden files hold on any machine."""
    fix = lambda s: s.replace(str(tmp), "<tmp>") if isinstance(s, str) else s  # noqa: E731
    report.old_label, report.new_label = fix(report.old_label), fix(report.new_label)
    for b in report.briefs:
        for p in b.parameters:
            p.old, p.new = fix(p.old), fix(p.new)
    return report


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BRIEFS_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with BRIEFS_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


# --- determinism -------------------------------------------------------------------------------


def test_same_inputs_give_identical_bytes(runs):
    assert runs["first"].read_bytes() == runs["second"].read_bytes()


def test_executed_notebook_carries_nothing_volatile(runs):
    nb = json.loads(runs["first"].read_text(encoding="utf-8"))
    assert "papermill" not in nb["metadata"]
    assert "version" not in nb["metadata"]["language_info"]
    assert nb["metadata"]["briefs"]["name"] == BRIEF
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert [c["id"] for c in nb["cells"]] == [f"cell-{i:03d}" for i in range(len(nb["cells"]))]
    for cell in nb["cells"]:
        assert "papermill" not in cell["metadata"] and "execution" not in cell["metadata"]
    svgs = [o["data"]["image/svg+xml"] for c in code for o in c["outputs"] if "image/svg+xml" in o.get("data", {})]
    assert svgs, "the brief shows charts"
    for svg in svgs:
        text = "".join(svg)
        assert not re.search(r'id="(clip|gradient)_?\d+"', text), "vl-convert's counter ids must be renamed"


def test_parameters_do_not_renumber_the_briefs_own_cells(runs):
    plain = nbformat.read(runs["first"], as_version=4)
    with_params = nbformat.read(runs["changed"], as_version=4)
    ids = [c.id for c in with_params.cells]
    assert "injected-parameters" in ids
    own = [c for c in with_params.cells if c.id != "injected-parameters"]
    assert [c.id for c in own] == [c.id for c in plain.cells]
    counts = lambda cells: [c.execution_count for c in cells if c.cell_type == "code"]  # noqa: E731
    assert counts(own) == counts(plain.cells)


def test_svg_ids_are_stable_and_unique_per_chart():
    svg = '<svg><defs><clipPath id="clip7"><rect/></clipPath></defs><g clip-path="url(#clip7)"/><use href="#clip7"/></svg>'
    later = svg.replace("clip7", "clip12")  # the same chart drawn after five others in the kernel
    out_a, _ = normalize.svg_ids(svg, "chart-a-svg")
    out_b, _ = normalize.svg_ids(later, "chart-a-svg")
    assert out_a == out_b
    assert 'id="chart-a-svg1"' in out_a and "url(#chart-a-svg1)" in out_a and 'href="#chart-a-svg1"' in out_a
    other, _ = normalize.svg_ids(svg, "chart-b-svg")
    assert other != out_a  # two charts on one page never share an id
    output = {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "image/svg+xml": later,
            "text/html": f"<figure>{later}</figure>",
            "application/vnd.briefs.chart+json": {"name": "Returns <by> month"},
        },
    }
    normalize.output(output, "unused")
    assert output["data"]["text/html"] == f"<figure>{output['data']['image/svg+xml']}</figure>"
    assert 'id="chart-returns-by-month-svg1"' in output["data"]["image/svg+xml"]


def _with_counter_ids(nb, start: int):
    """Give every chart a clip path numbered from a kernel-wide counter, as vl-convert does."""
    n = start
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/svg+xml" in data:
                n += 1
                clip = f'<defs><clipPath id="clip{n}"><rect/></clipPath></defs><g clip-path="url(#clip{n})"/>'
                svg = data["image/svg+xml"].replace("</svg>", clip + "</svg>", 1)
                data["text/html"] = data["text/html"].replace(data["image/svg+xml"], svg)
                data["image/svg+xml"] = svg
    return nb


def test_memory_addresses_and_clone_paths_are_scrubbed(tmp_path):
    warning = {"output_type": "stream", "name": "stderr", "text": f"{tmp_path}/.venv/lib/x.py:3: FutureWarning: soon\n"}
    shown = {
        "output_type": "execute_result",
        "metadata": {},
        "execution_count": 1,
        "data": {"text/plain": "<Chart object at 0x7f3a2b1c9d80>"},
    }
    normalize.output(warning, "w", tmp_path)
    normalize.output(shown, "s", tmp_path)
    assert warning["text"] == ".venv/lib/x.py:3: FutureWarning: soon\n"
    assert shown["data"]["text/plain"] == "<Chart object at 0x…>"


def test_volatile_metadata_never_shows(runs, tmp_path):
    quiet = _with_counter_ids(nbformat.read(runs["first"], as_version=4), 0)
    noisy = _with_counter_ids(nbformat.read(runs["first"], as_version=4), 40)
    noisy.metadata["language_info"]["version"] = "3.99.1"
    noisy.metadata["papermill"] = {"start_time": "2030-01-01T00:00:00", "duration": 12.5}
    for index, cell in enumerate(noisy.cells):
        cell.id = f"random-{index * 7919:x}"
        cell.metadata["execution"] = {"iopub.status.busy": "2030-01-01T00:00:00"}
        if cell.cell_type == "code":
            cell.execution_count = 100 + index
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    nbformat.write(quiet, tmp_path / "a" / f"{BRIEF}.ipynb")
    nbformat.write(noisy, tmp_path / "b" / f"{BRIEF}.ipynb")
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "b")]) == 0


# --- briefs diff ---------------------------------------------------------------------------------


def test_no_change_exits_0(runs, capsys):
    assert main(["diff", str(runs["first"]), str(runs["second"])]) == 0
    assert main(["diff", str(runs["first"].parent), str(runs["second"].parent), "--format", "md"]) == 0
    assert "0 of 1 brief changed" in capsys.readouterr().out


def test_change_exits_1(runs, capsys):
    assert main(["diff", str(runs["first"]), str(runs["changed"]), "--format", "md"]) == 1
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "INM's three tables add up to the total" in ln)
    assert "no longer holds: 19,561 → 19,562" in line
    # Claims are named by their statements; their ids appear nowhere (without links, not even in an address).
    ids = [c.id for c in bdiff.diff(runs["first"], runs["changed"]).briefs[0].claims]
    assert ids and not [i for i in ids if i in out.replace("\\_", "_")]


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "/nonexistent/old.ipynb", "/nonexistent/new.ipynb"],
        ["diff", str(ROOT / "pyproject.toml"), str(ROOT / "pyproject.toml")],
        ["diff", str(ROOT / "data"), str(ROOT / "data")],
    ],
    ids=["missing", "not-a-notebook", "folder-without-briefs"],
)
def test_trouble_exits_2(args, capsys):
    assert main(args) == 2
    assert "error:" in capsys.readouterr().err


def test_ambiguous_edition_exits_2(runs, tmp_path):
    edition = tmp_path / "site" / "1.0"
    (edition / "briefs").mkdir(parents=True)
    (edition / "_sources").mkdir()
    shutil.copy(runs["first"], edition / "briefs" / f"{BRIEF}.ipynb")
    shutil.copy(runs["changed"], edition / "_sources" / f"{BRIEF}.ipynb")
    assert main(["diff", str(edition), str(runs["first"].parent)]) == 2


def test_edition_folders_match_briefs_by_name(runs, tmp_path):
    """An edition holds a brief below it, possibly twice (page and source copy) or renamed."""
    old = tmp_path / "site" / "1.0"
    (old / "briefs").mkdir(parents=True)
    (old / "_sources" / "briefs").mkdir(parents=True)
    shutil.copy(runs["first"], old / "briefs" / f"{BRIEF}.ipynb")
    shutil.copy(runs["first"], old / "_sources" / "briefs" / f"{BRIEF}.ipynb")
    (old / ".ipynb_checkpoints").mkdir()
    shutil.copy(runs["changed"], old / ".ipynb_checkpoints" / f"{BRIEF}.ipynb")  # hidden: ignored
    new = tmp_path / "site" / "1.1"
    new.mkdir()
    shutil.copy(runs["changed"], new / "renamed.ipynb")  # matched by metadata.briefs.name
    assert list(collect(old)) == [BRIEF] and list(collect(new)) == [BRIEF]
    report = bdiff.diff(old, new)
    assert [b.name for b in report.changed_briefs] == [BRIEF]
    assert bdiff.diff(old, runs["first"].parent).changed is False


def test_report_names_the_flipped_claim_and_the_changed_cell(runs):
    report = bdiff.diff(runs["first"], runs["changed"])
    (brief,) = report.changed_briefs
    total = next(c for c in brief.claims if c.id == "total_returns")
    assert (total.old["text"], total.new["text"]) == ("19,561", "19,562")
    assert (total.old_status, total.new_status) == ("holds", "contradicted")
    (table,) = [t for t in brief.tables if t.name == "returns-by-nationality"]
    assert [(c.row, c.column, c.old, c.new) for c in table.cells if c.row == "Venezuela"] == [
        ("Venezuela", "Jun 2023", 1450, 1451),
        ("Venezuela", "Total", 13545, 13546),
    ]
    # The other two tables did not move: their totals are not computed from nationality.
    assert {t.name for t in brief.tables} == {"returns-by-nationality"}
    chart = next(c for c in brief.charts if c.name == "returns-by-month")
    assert [(r.key, r.fields) for r in chart.rows_changed] == [
        ({"group": "Venezuela", "month": "Jun 2023"}, [("people", "1450", "1451")])
    ]
    assert chart.drawing_changed and chart.old_svg and chart.new_svg


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_golden_report(runs, fmt):
    report = portable(bdiff.diff(runs["first"], runs["changed"]), runs["tmp"])
    text = breport.FORMATS[fmt](report)
    if fmt == "html":
        images = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', text)
        changed_charts = sum(1 for c in report.changed_briefs[0].charts if c.drawing_changed)
        assert len(images) == 2 * changed_charts > 0, "old and new drawing side by side for each changed chart"
        assert all(base64.b64decode(i).startswith(b"<svg") for i in images)
        # The drawings' bytes depend on the vl-convert release; the golden file checks the rest.
        text = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,…", text)
    golden(f"diff-report.{'txt' if fmt == 'text' else fmt}", text)


def test_cli_writes_the_report_to_a_file(runs, tmp_path):
    out = tmp_path / "report.html"
    assert main(["diff", str(runs["first"]), str(runs["changed"]), "--format", "html", "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- escaping ----------------------------------------------------------------------------------------

NASTY = '<script>alert("x")</script> | *bold* [link](http://x) `code` {glue}`k` &amp; [red]markup[/red]'


def _nasty_pair() -> tuple[dict, dict]:
    def snap(value: int) -> Digest:
        return Digest(
            name="nasty",
            title=NASTY,
            origin="memory",
            claims=[{"id": "c1", "statement": NASTY, "value": value, "text": f"{value}", "status": "holds", "rule": NASTY}],
            values={"k": f"{NASTY} {value}"},
            tables={"t": Table("t", NASTY, NASTY, [NASTY], [NASTY], [[value]])},
            charts={
                "c": Chart(
                    "c",
                    NASTY,
                    NASTY,
                    [{"label": NASTY, "n": str(value)}],
                    svg=f"<svg><text>{value}</text><script>alert(1)</script></svg>",
                )
            },
            texts=[f"{NASTY} {value}"],
        )

    return {"nasty": snap(1)}, {"nasty": snap(2)}


def test_html_report_escapes_every_label():
    old, new = _nasty_pair()
    page = breport.to_html(bdiff.compare(old, new, NASTY, NASTY))
    assert "<script" not in page
    assert page.count("&lt;script&gt;") >= 6
    # Drawings travel as images, which never run the scripts an SVG may carry.
    assert "<svg" not in page and page.count('src="data:image/svg+xml;base64,') == 2


# The only markup a changes page or a Markdown report makes itself: links, the marks of a word
# diff and folds. Anything else in it would have come from data.
OWN_TAGS = re.compile(r'^(<a href="[^"<>]*">|<a id="[^"<>]*">|</a>|</?del>|</?ins>|</?details>|</?summary>)$')


def _markup_tokens(markdown: str) -> list:
    """Tokens that turn text into markup (HTML, links, code, emphasis, tables) other than our own tags."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)
    inline = [child for t in tokens if t.children for child in t.children]
    found = []
    for t in tokens + inline:
        if t.type in ("html_inline", "html_block"):
            found += [tag for tag in re.findall(r"<[^>]*>", t.content) if not OWN_TAGS.match(tag)]
        elif t.type in ("link_open", "code_inline", "em_open", "s_open", "table_open", "image"):
            found.append((t.type, t.content))
    return found


def test_markdown_report_escapes_every_label():
    old, new = _nasty_pair()
    md = breport.to_markdown(bdiff.compare(old, new, NASTY, NASTY))
    assert _markup_tokens(md) == []
    assert "<script" not in md
    # With links, the addresses are escaped too, and only our own tags appear.
    linked = breport.to_markdown(bdiff.compare(old, new, NASTY, NASTY), links="https://example.org/1.0/")
    assert _markup_tokens(linked) == [] and "<script" not in linked


def test_terminal_report_shows_markup_literally():
    old, new = _nasty_pair()
    text = breport.to_text(bdiff.compare(old, new, "old", "new"), width=200)
    assert "[red]markup[/red]" in text


# --- the edition's changes page ------------------------------------------------------------------------


def _changes(runs) -> str:
    from briefs.review.inputs import Files

    # The first run read the project's data; the changed one a copy (its paths are absolute).
    return bdiff.changes_page(
        runs["first"].parent, runs["changed"].parent, old_files=Files.folder(ROOT), new_files=Files.folder(ROOT)
    )


def test_changes_page_tells_what_moved(runs):
    page = _changes(runs)
    assert page.startswith("# What changed in this edition\n")
    # The input first: named, with the cell that changed.
    inputs = page.index("## Inputs that changed")
    brief = (
        page.index("## Returns of non\\-Mexican")
        if "## Returns of non\\-Mexican" in page
        else page.index("## Returns of non-Mexican")
    )
    assert inputs < brief
    head = page[inputs:brief]
    assert "Returns of non-Mexican nationals to Mexico by nationality" in head and "inm\\_returns\\_by\\_nationality.csv" in head
    assert "1 cell changed" in head and "2023-06-01, Venezuela: people 1,450 → 1,451" in head
    # Verdicts before anything else of the brief, each linked to its claim on the brief's page.
    body = page[brief:]
    assert (
        body.index("### Verdicts that changed")
        < body.index("### Numbers in the text")
        < body.index("### Tables")
        < body.index("### Charts")
    )
    line = next(ln for ln in body.splitlines() if "claim-total_returns" in ln)
    assert line.startswith('- <a href="briefs/imumi-factsheet.html#claim-total_returns">INM')
    assert "no longer holds: 19,561 → 19,562" in line
    assert "Venezuela, Jun 2023: 1,450 → 1,451" in page
    assert "gives <del>14,719</del> <ins>14,720</ins> for those days" in page
    assert "4 verdicts changed (4 no longer hold, 0 now hold)" in page
    assert '<a href="briefs/imumi-factsheet.html#table-returns-by-nationality">' in page


def test_changes_page_shows_no_unchanged_number_as_changed(runs):
    page = _changes(runs)
    moves = re.findall(r"([-+]?[\d,.]+%?) → ([-+]?[\d,.]+%?)", page)
    assert len(moves) >= 10
    assert all(a != b for a, b in moves), [m for m in moves if m[0] == m[1]]
    for old, new in re.findall(r"<del>([^<]*)</del> <ins>([^<]*)</ins>", page):
        assert old != new
    # Only the one table whose cells moved is listed, and in it only the four cells that moved.
    tables = page.split("### Tables")[1].split("###")[0]
    assert tables.count("<a href=") == 1 and "4 cells changed" in tables


def _myst_html(page: str) -> str:
    """The page through MyST (as the book parses it), failing on any warning."""
    from docutils.core import publish_string
    from myst_parser.parsers.docutils_ import Parser

    settings = {"halt_level": 2, "report_level": 2, "myst_enable_extensions": ["colon_fence", "deflist", "dollarmath"]}
    return publish_string(page, parser=Parser(), writer_name="html5", settings_overrides=settings).decode("utf-8")


def test_changes_page_is_plain_myst(runs):
    page = _changes(runs)
    assert _markup_tokens(page) == []
    rendered = _myst_html(page)
    assert "no longer holds: 19,561 → 19,562" in rendered
    assert 'href="briefs/imumi-factsheet.html#claim-total_returns"' in rendered and "<del>14,719</del>" in rendered
    old, new = _nasty_pair()
    nasty = bdiff.changes_page(old, new)
    assert _markup_tokens(nasty) == []
    rendered = _myst_html(nasty)
    assert (
        "<script>" not in rendered and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | *bold* [link](http://x)" in rendered
    )


def test_changes_page_without_changes(runs):
    page = bdiff.changes_page(runs["first"], runs["second"])
    assert "No number, table or chart changed" in page


# --- structure changes, without running a brief --------------------------------------------------


def test_table_rows_and_columns_added_and_removed():
    old = Table("t", "T", "Nationality", ["Cuba", "Haiti", "Total"], ["Jun", "Jul"], [[1, 2], [3, 4], [4, 6]])
    new = Table("t", "T", "Nationality", ["Cuba", "Peru", "Total"], ["Jun", "Aug"], [[1, 9], [5, 5], [6, 14]])
    change = bdiff.compare_tables(old, new)
    assert (change.rows_added, change.rows_removed) == (["Peru"], ["Haiti"])
    assert (change.columns_added, change.columns_removed) == (["Aug"], ["Jul"])
    assert [(c.row, c.column, c.old, c.new) for c in change.cells] == [("Total", "Jun", 4, 6)]
    assert bdiff.compare_tables(old, old) is None


def test_chart_rows_are_matched_on_their_labels_or_else_compared_as_a_multiset():
    old = [{"month": "Jun", "group": "Cuba", "people": "3"}, {"month": "Jun", "group": "Haiti", "people": "4"}]
    new = [{"month": "Jun", "group": "Cuba", "people": "5"}, {"month": "Jul", "group": "Haiti", "people": "4"}]
    key, added, removed, changed = bdiff.compare_chart_data(old, new)
    assert key == ["month", "group"]
    assert added == [new[1]] and removed == [old[1]]
    assert [(r.key, r.fields) for r in changed] == [({"month": "Jun", "group": "Cuba"}, [("people", "3", "5")])]
    # Two rows share their labels: no row can be told apart, so a moved value is one row out, one in.
    dup_old = [{"g": "a", "n": "1"}, {"g": "a", "n": "2"}]
    dup_new = [{"g": "a", "n": "1"}, {"g": "a", "n": "3"}]
    assert bdiff.compare_chart_data(dup_old, dup_new) == ([], [{"g": "a", "n": "3"}], [{"g": "a", "n": "2"}], [])


def test_briefs_added_and_removed_count_as_changes():
    a = Digest(name="a", title="A", origin="x")
    b = Digest(name="b", title="B", origin="y")
    report = bdiff.compare({"a": a}, {"b": b})
    assert report.changed and [(x.name, x.kind) for x in report.briefs] == [("a", "removed"), ("b", "added")]
    md = breport.to_markdown(report)
    assert "## B\n\nNew in this edition." in md and "## A\n\nNo longer part of the book." in md
    assert md.index("## B") < md.index("## A")  # what the reader can read first
