"""One brief of the repository run with or without the official series, and what it produced.

Shared by the brief tests that compare a run without the series (only the document's own
arithmetic is claimed) with a run on the local mirror (every check is made).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from briefs.media import CHART_MIME
from briefs.execute import readback
from briefs.execute.run import run_brief
from conftest import REPO


def run_with(brief: str, external: Path, out: Path, **params):
    """(result, executed notebook, ledger) of `brief` run with the series folder `external`."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFS_EXTERNAL", str(external))
        result = run_brief(brief, params or None, root=REPO, output=out)
    nb = nbformat.read(result.notebook, as_version=4)
    return result, nb, readback.claims(nb)


def by_id(result) -> dict[str, dict]:
    return {c["id"]: c for c in result.claims}


def outputs(nb, mime: str) -> list:
    return [o["data"][mime] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if mime in o.get("data", {})]


def chart_names(nb) -> set[str]:
    return {chart["name"] for chart in outputs(nb, CHART_MIME)}


def modified_package(dest: Path, resource_file: str, edit) -> Path:
    """A copy of the project's data package in `dest` with one CSV changed by `edit(frame) -> frame`.

    Every other file is copied as it is, so a brief run on the copy differs from the
    published run only in what `edit` changed; returns the copy's datapackage.json.
    """
    import shutil

    import pandas as pd

    data = dest / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("external"))
    path = data / resource_file
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame).to_csv(path, index=False, lineterminator="\n")
    return data / "datapackage.json"


def claims_html(nb) -> str:
    """The claims table as the page shows it (the ledger's HTML output)."""
    from briefs.media import CLAIMS_MIME

    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if CLAIMS_MIME in output.get("data", {}):
                return output["data"]["text/html"]
    raise AssertionError("the notebook shows no claims table")


def underived(ledger: dict) -> list[str]:
    """Glued values with no derivation, or recorded as a plain number: a brief that opts in has none."""
    records = ledger.get("derivations", {})
    missing = sorted(set(ledger["values"]) - set(records))
    plain = sorted(k for k, rec in records.items() if rec.get("kind") == "number")
    return missing + plain
