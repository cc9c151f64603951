"""Running a brief with papermill: parameters, glue, strict mode, failures that keep the old output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from briefs.errors import BriefFailed, ClaimContradicted, DataError, UsageError
from briefs.execute import readback
from briefs.execute.run import run_brief
from briefs.execute.variants import set_id
from briefs.media import SOURCES_MIME
from conftest import slow_fixture

BRIEF = "imumi-factsheet"


def glued(nb_path: Path) -> dict[str, str]:
    """Glue key -> text as the book will paste it."""
    nb = nbformat.read(nb_path, as_version=4)
    out = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                text = output["data"]["application/papermill.record/text/plain"]
                out[name] = text.strip("'")
    return out


@pytest.fixture(scope="module")
@slow_fixture
def default_run(tmp_path_factory):
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("run") / "project")
    return root, run_brief(BRIEF, root=root)


def test_default_run_contradicts_only_the_documents_own_inconsistency(default_run):
    root, result = default_run
    assert result.notebook == root / "build" / "runs" / f"{BRIEF}.ipynb"
    assert len(result.claims) >= 17
    # The text names seven nationalities; INM's own table has an 'Other' row: the document's numbers disagree.
    assert [c["id"] for c in result.contradicted] == ["named_nationalities"]
    ids = {c["id"] for c in result.claims}
    assert {"total_returns", "share_men", "minors_first_weeks", "daily_average", "us_declaration_vs_inm"} <= ids


def test_prose_numbers_are_glued_from_the_data(default_run):
    root, result = default_run
    values = glued(result.notebook)
    assert values["total_returns"] == "19,561"
    assert values["share_men"] == "75.3%"
    assert values["inm_may_sep"] == "14,719"  # May to September columns of the nationality table
    # Every glue role in the notebook's prose has a glued value.
    text = (root / "notebooks" / f"{BRIEF}.md").read_text()
    import re

    keys = set(re.findall(r"\{glue:text\}`([a-z0-9_]+)`", text))
    assert keys and keys <= set(values), keys - set(values)


def test_parameters_are_recorded_in_the_notebook(default_run):
    _, result = default_run
    nb = nbformat.read(result.notebook, as_version=4)
    assert nb.metadata["briefs"]["parameters"] == {}
    assert "papermill" not in nb.metadata
    assert all("papermill" not in c.metadata and "execution" not in c.metadata for c in nb.cells)


def test_a_different_data_file_changes_the_glued_numbers(default_run, tmp_path):
    root, _ = default_run
    data = tmp_path / "other-data"
    import shutil

    shutil.copytree(root / "data", data)
    csv = data / "inm_returns_by_nationality.csv"
    csv.write_text(csv.read_text().replace("2023-06-01,2023-06-30,Venezuela,1450", "2023-06-01,2023-06-30,Venezuela,1550"))
    out = tmp_path / "other.ipynb"
    result = run_brief(BRIEF, {"data_package": str(data / "datapackage.json")}, root=root, output=out)
    values = glued(out)
    assert values["total_returns"] == "19,661 [contradicted]"
    assert values["total_returns_published"] == "19,561"
    assert {c["id"] for c in result.contradicted} == {
        "total_returns",
        "totals_mismatched",
        "sex_table_total",
        "age_table_total",
        "named_nationalities",
    }


def test_a_published_run_keeps_its_charts_and_a_run_written_elsewhere_leaves_them(default_run, tmp_path):
    """build/cache/charts holds the SVGs of the published run's charts (page.rendered), for the next
    kernel that runs the brief; a run written elsewhere neither adds to it nor reads it."""
    root, result = default_run
    folder = root / "build" / "cache" / "charts"
    nb = nbformat.read(result.notebook, as_version=4)
    drawn = {
        "".join(o["data"]["image/svg+xml"])
        for c in nb.cells
        for o in c.get("outputs", [])
        if c.cell_type == "code" and "image/svg+xml" in o.get("data", {})
    }
    kept = {p.read_text(encoding="utf-8") for p in folder.glob("*.svg")}
    assert drawn and drawn <= kept
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    data = tmp_path / "other-data"
    import shutil

    shutil.copytree(root / "data", data)
    csv = data / "inm_returns_by_sex.csv"
    csv.write_text(csv.read_text().replace("2023-06-01,2023-06-30,Men,", "2023-06-01,2023-06-30,Men,1", 1))
    run_brief(BRIEF, {"data_package": str(data / "datapackage.json")}, root=root, output=tmp_path / "elsewhere.ipynb")
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_strict_run_fails_naming_the_contradicted_claim(default_run, tmp_path):
    root, result = default_run
    before = result.notebook.read_bytes()
    data = tmp_path / "d"
    import shutil

    shutil.copytree(root / "data", data)
    figs = data / "imumi_figures.csv"
    text = figs.read_text()
    assert "(INM answer to an access-to-information request),19561," in text
    figs.write_text(
        text.replace(
            "(INM answer to an access-to-information request),19561,", "(INM answer to an access-to-information request),19562,"
        )
    )
    # A strict run stops at the first contradicted claim: the total comes before the factsheet's own inconsistency.
    with pytest.raises(
        ClaimContradicted,
        match=r"imumi-factsheet: claim 'total_returns' is contradicted: computed 19,561, but the rule says it equals 19,562",
    ):
        run_brief(BRIEF, {"data_package": str(data)}, root=root, strict=True)
    assert result.notebook.read_bytes() == before, "a failed run must not replace the published notebook"
    # The run with other parameters is the variant NAME@SET: its failed notebook is kept under that name.
    run_id = f"{BRIEF}@{set_id({'data_package': str(data), 'strict': True})}"
    assert (root / "build" / "failed" / f"{run_id}.ipynb").exists()
    assert not (root / "build" / "variants" / f"{run_id}.ipynb").exists()


def test_bad_data_stops_the_run_with_file_row_and_column(default_run, tmp_path):
    root, result = default_run
    before = result.notebook.read_bytes()
    data = tmp_path / "d"
    import shutil

    shutil.copytree(root / "data", data)
    csv = data / "inm_returns_by_sex.csv"
    csv.write_text(csv.read_text().replace("2023-07-01,2023-07-31,Men,2427", "2023-07-01,2023-07-31,Men,-2427"))
    with pytest.raises(DataError, match=r"inm_returns_by_sex\.csv: row 4, column people: '-2427' is below the minimum 0"):
        run_brief(BRIEF, {"data_package": str(data)}, root=root)
    assert result.notebook.read_bytes() == before


def test_period_parameter_narrows_the_window(default_run, tmp_path):
    root, _ = default_run
    out = tmp_path / "window.ipynb"
    result = run_brief(BRIEF, {"start": "2023-06-01", "end": "2023-10-31"}, root=root, output=out)
    values = glued(out)
    assert values["window_start"] == "1 June 2023" and values["window_end"] == "31 October 2023"
    assert values["total_returns"].startswith("15,023")
    # The printed grand total covers May to November: the claim now (correctly) fails.
    assert "total_returns" in {c["id"] for c in result.contradicted}


def test_unknown_brief_lists_the_known_ones(repo):
    with pytest.raises(UsageError, match=r"unknown brief 'nope'; known briefs: .*imumi-factsheet"):
        run_brief("nope", root=repo)


def test_unknown_parameter_lists_the_valid_ones(default_run):
    root, _ = default_run
    with pytest.raises(UsageError, match=r"has no parameter 'colour'; its parameters are: data_package, end, start, strict"):
        run_brief(BRIEF, {"colour": "red"}, root=root)


def test_parameter_of_the_wrong_type_is_refused(default_run):
    root, _ = default_run
    with pytest.raises(UsageError, match=r"parameter 'strict': 'maybe' is not true or false"):
        run_brief(BRIEF, {"strict": "maybe"}, root=root)


def test_a_raising_brief_fails_with_cell_and_error(default_run):
    root, _ = default_run
    nb = root / "notebooks" / "broken.md"
    nb.write_text(
        (root / "notebooks" / f"{BRIEF}.md")
        .read_text()
        .replace("pkg = load_package(data_package or None)", "pkg = load_package(data_package or None)\n1 / 0")
    )
    try:
        with pytest.raises(BriefFailed, match=r"broken: cell \d+ raised ZeroDivisionError: division by zero"):
            run_brief("broken", root=root)
        assert not (root / "build" / "runs" / "broken.ipynb").exists()
    finally:
        nb.unlink()


def test_ledger_is_readable_from_the_executed_notebook(default_run):
    _, result = default_run
    ledger = readback.claims(nbformat.read(result.notebook, as_version=4))
    assert ledger["brief"] == BRIEF
    assert json.dumps(ledger)  # plain JSON


def test_a_brief_learns_its_name_and_document_from_the_run(default_run, tmp_path, monkeypatch):
    root, _ = default_run
    assert "BRIEFS_BRIEF" not in os.environ  # the default run restored what it found: nothing
    monkeypatch.setenv("BRIEFS_BRIEF", "left-alone")
    copy = root / "notebooks" / "renamed-copy.md"
    copy.write_text((root / "notebooks" / f"{BRIEF}.md").read_text())
    try:
        result = run_brief("renamed-copy", root=root, output=tmp_path / "renamed-copy.ipynb")
    finally:
        copy.unlink()
    nb = nbformat.read(result.notebook, as_version=4)
    assert readback.claims(nb)["brief"] == "renamed-copy"  # from the run, not typed in the notebook
    documents = [
        o["data"][SOURCES_MIME]["document"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if SOURCES_MIME in o.get("data", {})
    ]
    assert documents == ["001"]  # from the front matter
    assert os.environ["BRIEFS_BRIEF"] == "left-alone"
