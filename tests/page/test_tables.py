"""Recomputed tables and their totals against the printed ones."""

from __future__ import annotations

import pandas as pd
import pytest

from briefs.page import periods, tables
from briefs.data.package import load_package

CASES = [("nationality", "nationality"), ("sex", "sex"), ("age", "age_group")]


@pytest.fixture(scope="module")
def pkg(repo):
    return load_package(repo / "data" / "datapackage.json")


@pytest.mark.parametrize("table,column", CASES)
def test_recomputed_totals_equal_published_totals(pkg, table, column):
    wide = tables.crosstab(pkg.table(f"inm_returns_by_{table}"), column)
    checks = tables.compare_totals(wide, pkg.table("inm_returns_published_totals"), table)
    published = pkg.table("inm_returns_published_totals")
    assert len(checks) == (published["table"] == table).sum()
    assert (checks["difference"] == 0).all(), checks[checks["difference"] != 0]


def test_a_transcription_slip_shows_as_a_difference(pkg):
    frame = pkg.table("inm_returns_by_sex")
    frame.loc[0, "people"] += 7
    wide = tables.crosstab(frame, "sex")
    checks = tables.compare_totals(wide, pkg.table("inm_returns_published_totals"), "sex")
    assert sorted(checks.loc[checks.difference != 0, "label"]) == ["Men"]
    assert checks.loc[checks.label == "Men", "difference"].item() == 7


def test_partial_window_compares_only_monthly_totals(pkg):
    frame = periods.within(pkg.table("inm_returns_by_nationality"), "2023-06-01", "2023-10-31")
    wide = tables.crosstab(frame, "nationality")
    checks = tables.compare_totals(wide, pkg.table("inm_returns_published_totals"), "nationality")
    assert set(checks["margin"]) == {"month"} and len(checks) == 5
    assert (checks["difference"] == 0).all()


def test_html_escapes_labels():
    wide = pd.DataFrame({"Jun 2023": [1]}, index=pd.Index(["<script>alert(1)</script>"], name="x"))
    out = tables.to_html(wide, "t", "<b>caption</b>")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;caption" in out
