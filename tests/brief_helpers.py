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
