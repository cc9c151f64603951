"""Validation where data enters: one line naming file, row and column."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from briefs.data.package import load_package, sha256
from briefs.errors import DataError

RESOURCE = "inm_returns_by_nationality"


def _edit(project: Path, old: str, new: str, name: str = RESOURCE) -> Path:
    path = project / "data" / f"{name}.csv"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def _error(project: Path, name: str = RESOURCE) -> str:
    pkg = load_package(project / "data" / "datapackage.json")
    with pytest.raises(DataError) as info:
        pkg.table(name)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_every_resource_of_the_package_loads(repo):
    pkg = load_package(repo / "data" / "datapackage.json")
    for name in pkg.resource_names():
        frame = pkg.table(name)
        assert len(frame) > 0, name
    assert set(pkg.loaded) == set(pkg.resource_names())


def test_every_resource_declares_schema_and_sources(repo):
    descriptor = json.loads((repo / "data" / "datapackage.json").read_text())
    for res in descriptor["resources"]:
        assert res.get("schema"), res["name"]
        assert res.get("sources"), res["name"]


def test_missing_column_is_named(project):
    path = project / "data" / f"{RESOURCE}.csv"
    lines = [",".join(line.split(",")[:3]) for line in path.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")
    message = _error(project)
    assert message.endswith(
        f"{RESOURCE}.csv: row 1, column people: the header has no column 'people' "
        "(expected columns: period_start, period_end, nationality, people)"
    )


def test_renamed_column_is_named(project):
    _edit(project, "period_start,period_end,nationality,people", "period_start,period_end,country,people")
    message = _error(project)
    assert "row 1, column nationality: the header has 'country' where the schema expects 'nationality'" in message


def test_negative_count_names_row_and_column(project):
    _edit(project, "2023-06-01,2023-06-30,Honduras,549", "2023-06-01,2023-06-30,Honduras,-549")
    message = _error(project)
    assert "inm_returns_by_nationality.csv: row 3, column people: '-549' is below the minimum 0" in message


def test_non_numeric_count_names_row_and_column(project):
    _edit(project, "2023-07-01,2023-07-31,Honduras,339", "2023-07-01,2023-07-31,Honduras,3x9")
    message = _error(project)
    assert "row 4, column people: '3x9' is not a valid integer" in message


def test_unknown_month_is_refused(project):
    _edit(project, "2023-08-01,2023-08-31,Honduras,248", "2023-13-01,2023-08-31,Honduras,248")
    message = _error(project)
    assert "row 5, column period_start: '2023-13-01' is not a valid date (YYYY-MM-DD)" in message


def test_unknown_category_lists_the_known_ones(project):
    _edit(project, "2023-06-01,2023-06-30,Honduras,549", "2023-06-01,2023-06-30,Hondura,549")
    message = _error(project)
    assert "row 3, column nationality: 'Hondura' is not a known category (allowed: Honduras," in message


def test_reversed_period_is_refused(project):
    _edit(project, "2023-06-01,2023-06-30,Honduras,549", "2023-06-30,2023-06-01,Honduras,549")
    message = _error(project)
    assert "row 3, column period_end: 2023-06-01 is before period_start 2023-06-30" in message


def test_duplicate_row_is_refused(project):
    _edit(
        project,
        "2023-06-01,2023-06-30,Honduras,549\n",
        "2023-06-01,2023-06-30,Honduras,549\n2023-06-01,2023-06-30,Honduras,549\n",
    )
    message = _error(project)
    assert "row 4" in message and "duplicate" in message


def test_empty_file_is_refused(project):
    (project / "data" / f"{RESOURCE}.csv").write_text("")
    assert "the file is empty" in _error(project)


def test_missing_file_is_named(project):
    (project / "data" / f"{RESOURCE}.csv").unlink()
    assert f"points at missing file {RESOURCE}.csv" in _error(project)


def test_declared_hash_is_checked(project):
    pkg_path = project / "data" / "datapackage.json"
    descriptor = json.loads(pkg_path.read_text())
    res = next(r for r in descriptor["resources"] if r["name"] == RESOURCE)
    res["hash"] = "sha256:" + "0" * 64
    pkg_path.write_text(json.dumps(descriptor))
    message = _error(project)
    actual = sha256(project / "data" / f"{RESOURCE}.csv")
    assert f"sha256 is {actual}, but the data package declares {'0' * 64}" in message


def test_figures_carry_their_source(repo):
    pkg = load_package(repo / "data" / "datapackage.json")
    fig = pkg.figure("declaration_non_mexicans")
    assert fig.value == 21000 and fig.note == 24 and fig.document == "001"
    assert fig.citation() == "IMUMI factsheet, note 24"
    assert "declaration_non_mexicans" in pkg.cited


def test_unpublished_series_have_no_value(repo):
    figs = load_package(repo / "data" / "datapackage.json").figures()
    unpublished = figs[figs.status == "unpublished"]
    assert len(unpublished) >= 3
    assert unpublished["value"].isna().all()


def test_unknown_figure_is_refused(repo):
    pkg = load_package(repo / "data" / "datapackage.json")
    with pytest.raises(DataError, match="no figure with id 'nope'"):
        pkg.figure("nope")


def test_a_figure_is_read_from_the_resource_that_holds_it_only(repo):
    """A brief that quotes one figure depends on that figure's file, not on every figures file."""
    pkg = load_package(repo / "data" / "datapackage.json")
    figure = pkg.figure("mpi_new_reality_since")
    assert figure.document_name and set(pkg.loaded) == {"mpi_figures", "documents"}
    assert len(pkg.figures("001")) > 0 and set(pkg.loaded) == {"mpi_figures", "documents", "imumi_figures"}
    with pytest.raises(DataError, match="no figure with id 'nope'"):
        pkg.figure("nope")


def test_an_id_in_two_figures_files_is_refused(project):
    path = project / "data" / "mpi_figures.csv"
    row = next(
        line
        for line in (project / "data" / "imumi_figures.csv").read_text().splitlines()
        if line.startswith("inm_returns_total_text,")
    )
    path.write_text(path.read_text() + row + "\n")
    pkg = load_package(project / "data" / "datapackage.json")
    with pytest.raises(DataError, match="figure id 'inm_returns_total_text' appears in imumi_figures and mpi_figures"):
        pkg.figure("inm_returns_total_text")


def test_a_quantity_stated_in_words_carries_its_words_and_no_value(repo):
    pkg = load_package(repo / "data" / "datapackage.json")
    fig = pkg.figure("nijc_families_separated")
    assert fig.in_words and fig.value is None and not fig.published
    assert fig.printed == "thousands of families" and fig.note == 314
    numeric = pkg.figure("nijc_aca_transferred")
    assert not numeric.in_words and numeric.printed is None and numeric.value == 945


def test_every_figure_in_words_quotes_words_of_its_document(repo):
    """The phrase is the document's own: it appears in the document's text (line breaks aside)."""
    pkg = load_package(repo / "data" / "datapackage.json")
    seeds = repo.parent / "shared" / "seeds"  # the source documents, as the audit's tests read them
    texts = {
        doc: " ".join((seeds / row["seed_file"]).read_text(encoding="utf-8").split()) for doc, row in pkg.documents().items()
    }
    figs = pkg.figures()
    words = figs[figs.precision == "in_words"]
    assert len(words) >= 13
    for row in words.itertuples():
        assert pd.isna(row.value), row.id
        assert row.printed in texts[row.document], row.id


NIJC_WORDS_ROW = ",,families,in_words,,,published,004,text,314,,thousands of families"


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            NIJC_WORDS_ROW,
            ",2000,families,in_words,,,published,004,text,314,,thousands of families",
            "column value: '2000' is a number, but precision in_words says the document gives this quantity only in words",
        ),
        (
            NIJC_WORDS_ROW,
            ",,families,in_words,,,published,004,text,314,,",
            "column printed: is blank, but precision in_words needs the document's own words for the quantity",
        ),
        (
            NIJC_WORDS_ROW,
            ",,families,at_least,,,published,004,text,314,,",
            "column value: is blank, but precision at_least needs the number the document printed",
        ),
        (
            ",945,people,exact,,,published,004,text,359,,",
            ",945,people,exact,,,published,004,text,359,,nine hundred and forty-five",
            "column printed: 'nine hundred and forty-five' is only for a quantity stated in words (precision in_words)",
        ),
    ],
)
def test_words_and_numbers_are_kept_apart(project, old, new, expected):
    path = _edit(project, old, new, name="nijc_fwd_figures")
    row = next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if line.endswith(new))
    message = _error(project, "nijc_fwd_figures")
    assert f"nijc_fwd_figures.csv: row {row}, {expected}" in message


def test_planning_a_build_imports_no_pandas():
    """`briefs build` decides what to run (and starts the kernels for it) before pandas is imported:
    the data package imports it where a table is read or checked."""
    import subprocess
    import sys

    code = "import sys, briefs.book.build, briefs.execute.schedule; print(sorted({'pandas', 'numpy'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr
