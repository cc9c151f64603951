"""The coverage page: its counts are the audit's, recomputed here from the raw CSV, and a bad
audit row stops the run with one line naming the file, the row and the column."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from brief_helpers import outputs, run_with
from briefs.book.stage import toc
from briefs.errors import DataError
from briefs.project import catalog
from briefs.execute.run import run_brief
from briefs.media import CLAIMS_MIME
from briefs.page.charts import CHART_MIME
from briefs.page.tables import TABLE_MIME
from conftest import slow_fixture

REPO = Path(__file__).resolve().parents[2]
PAGE = "coverage"


def audit_rows() -> list[dict[str, str]]:
    with (REPO / "data" / "coverage.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
@slow_fixture
def page(tmp_path_factory):
    # The page reads no official series: an empty folder stands for them.
    return run_with(PAGE, tmp_path_factory.mktemp("no-series"), tmp_path_factory.mktemp("out") / f"{PAGE}.ipynb")


def test_the_prose_counts_are_the_audits(page):
    _, _, ledger = page
    rows = audit_rows()
    carried = [r for r in rows if r["carried_as"] != "not_carried"]
    expected = {
        "n_statements": len(rows),
        "n_carried": len(carried),
        "n_independent": sum(r["check"] == "independent" for r in rows),
        "n_internal": sum(r["check"] == "internal" for r in rows),
        "n_restated": sum(r["check"] == "none" for r in carried),
        "n_not_carried": len(rows) - len(carried),
        "n_testable_unchecked": sum(r["testable"] == "yes" and r["check"] == "none" for r in rows),
        "n_tautology": sum("tautology" in r["problem"].split() for r in carried),
        "n_disagreement": sum("disagreement" in r["problem"].split() for r in carried),
        "n_documents": len({r["document"] for r in rows}),
    }
    values = ledger["values"]
    assert {k: values[k] for k in expected} == {k: f"{v:,}" for k, v in expected.items()}
    assert values["carried_share"] == f"{len(carried) / len(rows):.0%}"


def test_one_table_row_per_statement_in_the_audits_order(page):
    _, nb, _ = page
    shown = {t["name"]: t for t in outputs(nb, TABLE_MIME)}
    rows = audit_rows()
    for document in sorted({r["document"] for r in rows}):
        table = shown[f"statements-{document}"]
        assert table["index"] == [r["statement"] for r in rows if r["document"] == document]
        assert table["columns"] == ["What it says, and where", "Carried", "Check, and why"]
    summary = shown["coverage-by-document"]
    total = dict(zip(summary["columns"], summary["data"][summary["index"].index("All documents")]))
    assert total["Statements"] == len(rows)
    assert total["Not carried"] == sum(r["carried_as"] == "not_carried" for r in rows)
    # The work-left table lists what the build could test and no claim does; none left: no table, a sentence.
    todo = shown["testable-not-checked"]["index"] if "testable-not-checked" in shown else []
    assert todo == [r["statement"] for r in rows if r["testable"] == "yes" and r["check"] == "none"]
    values = next(o for o in outputs(nb, CLAIMS_MIME))["values"]
    assert ("no claim checks" in values["work_left"]) == bool(todo)
    (chart,) = [c for c in outputs(nb, CHART_MIME) if c["name"] == "coverage-status"]
    assert sum(int(point["statements"]) for point in chart["data"]) == len(rows)


def test_the_targets_are_claims_on_the_audit(page):
    result, _, _ = page
    claims = {c["id"]: c for c in result.claims}
    rows = audit_rows()
    share = sum(r["carried_as"] != "not_carried" for r in rows) / len(rows)
    assert claims["target_carried"]["value"] == pytest.approx(share)
    assert claims["target_carried"]["status"] == ("holds" if share >= 0.9 else "contradicted")
    misread = sum("misreading" in r["problem"].split() for r in rows if r["carried_as"] != "not_carried")
    assert claims["target_no_misreading"]["value"] == misread


def break_row(tmp_path: Path, statement: str, column: str, value: str) -> tuple[Path, int]:
    """A copy of the data package whose audit has one cell changed; returns it and the row as a spreadsheet numbers it."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("external"))
    rows = audit_rows()
    n = next(i for i, r in enumerate(rows) if r["statement"] == statement)
    rows[n][column] = value
    with (data / "coverage.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return data, n + 2


@pytest.mark.parametrize(
    "statement, column, value, message",
    [
        (
            "001-s13",
            "carried_as",
            "not_carried",
            "column carried_ids: names what carries the statement, but carried_as is not_carried",
        ),
        ("001-s13", "carried_ids", "figure:no_such_figure claim:total_returns", "column carried_ids: no figure 'no_such_figure'"),
    ],
)
@pytest.mark.slow
def test_a_bad_audit_row_stops_the_run_naming_file_row_and_column(tmp_path, statement, column, value, message):
    data, row = break_row(tmp_path, statement, column, value)
    with pytest.raises(DataError) as caught:
        run_brief(PAGE, {"data_package": str(data)}, root=REPO, output=tmp_path / "out.ipynb", failed=tmp_path / "failed.ipynb")
    text = str(caught.value)
    assert f"data/coverage.csv: row {row}, {message}" in text
    assert "\n" not in text
    assert not (tmp_path / "out.ipynb").exists()


def test_the_page_spans_the_documents_and_follows_the_figure_ledger():
    page, ledger = catalog.get(PAGE, REPO), catalog.get("figure-ledger", REPO)
    assert page.document == "" and page.part == ledger.part and page.order > ledger.order
    lines = toc(catalog.discover(REPO)).splitlines()
    assert lines.index(f"      - file: briefs/{PAGE}") == lines.index("      - file: briefs/figure-ledger") + 1
