"""A month added to INM's tables outside the briefs' windows moves none of their numbers, and the pages say so.

The three INM tables end on 24 November 2023, the last day of the factsheet's
window and of INM's own count. In a temporary copy of the project a December
2023 column is added to all three (November's rows repeated under December's
dates: a test must not invent numbers, and these only need to lie outside the
window). The figure ledger once summed every CHNV row of the table and divided
by INM's 198-day window, so such a column moved its published rate; now every
rate is computed over the rows of the figure's own window. Both briefs are run
with the official series, and everything the outputs lock records for them
(claims, glued values, tables, chart data) must equal the committed lock.
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

from briefs.execute.run import run_brief
from briefs.review import digest
from briefs.review.outputs_lock import lock_files, read_files
from brief_helpers import outputs
from conftest import REPO, copy_project
from snapshot_helpers import shared_data

TABLES = ("inm_returns_by_nationality", "inm_returns_by_sex", "inm_returns_by_age")


def add_december(root: Path) -> dict[str, int]:
    """November's rows again, dated December 2023; returns how many rows each table gained."""
    added = {}
    for name in TABLES:
        path = root / "data" / f"{name}.csv"
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        december = [["2023-12-01", "2023-12-31", *row[2:]] for row in rows[1:] if row[0] == "2023-11-01"]
        assert december, name
        with open(path, "a", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(december)
        added[name] = len(december)
    return added


@pytest.fixture(scope="module")
def december(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("december") / "project")
    return root, add_december(root)


@pytest.mark.parametrize("brief", ["figure-ledger", "imumi-factsheet"])
@pytest.mark.slow
def test_rows_outside_the_window_move_nothing_and_are_named(brief, december, tmp_path):
    root, added = december
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFS_EXTERNAL", str(shared_data()))
        result = run_brief(brief, root=root, output=tmp_path / f"{brief}.ipynb")

    got = lock_files(digest.read(result.notebook, brief))
    committed = {rel: text for rel, text in read_files(REPO / "outputs").items() if rel.startswith(f"{brief}/")}
    assert committed
    assert got == committed, f"{brief}: a number moved when rows outside its window were added"

    nb = nbformat.read(result.notebook, as_version=4)
    notes = [text for text in outputs(nb, "text/plain") if text.startswith("Outside this page's window")]
    shown = TABLES if brief == "imumi-factsheet" else TABLES[:1]  # the ledger reads only the table by nationality
    assert len(notes) == 1
    for name in shown:
        assert f"{name}: {added[name]} rows (Dec 2023)" in notes[0]
    assert "(11 May 2023 – 24 Nov 2023)" in notes[0]
