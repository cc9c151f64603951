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


def test_columns_are_labelled_for_readers_and_keep_their_data_names():
    frame = pd.DataFrame({"per_day": [98.8], "month": ["Jun 2023"], "INM floor": [3]}, index=pd.Index(["a"], name="figure"))
    out = tables.to_html(frame, "t", "Rates", labels={"per_day": "People a day"})
    assert '<th scope="col" data-column="per_day">People a day</th>' in out
    assert '<th scope="col" data-column="month">Month</th>' in out
    assert '<th scope="col" data-column="figure">Figure</th>' in out
    assert '<th scope="col">INM floor</th>' in out  # already written for readers: no data-column
    assert ">per_day<" not in out and ">month<" not in out
    assert tables.column_label("gap to INM's ceiling") == "Gap to INM's ceiling"
    assert tables.column_label("Jun 2023") == "Jun 2023"


def test_numbers_never_break_inside_themselves():
    frame = pd.DataFrame(
        {
            "value": ["30,000", "not printed"],
            "note": ["IMUMI factsheet, note 27 of 19,561", "x"],
            "id": ["inm_returns_total", "y"],
            "people": [19561, 2],
        },
        index=pd.Index(["a", "b"], name="row"),
    )
    out = tables.to_html(frame, "t", "Numbers")
    assert '<td class="num" data-label="Value">30,000</td>' in out  # a number written as text is still a number
    assert '<td data-label="Value">not printed</td>' in out
    assert '<span class="briefs-nowrap">19,561</span>' in out and '<span class="briefs-nowrap">27</span>' in out
    assert '<td class="num" data-label="People">19,561</td>' in out
    assert "inm_<wbr>returns_<wbr>total" in out  # an identifier may break after an underscore, nowhere else
    assert tables.text_html("a & 1,000 <b>") == 'a &amp; <span class="briefs-nowrap">1,000</span> &lt;b&gt;'


def test_tables_of_sentences_stack_on_a_phone_and_tables_of_numbers_do_not(pkg):
    wide = tables.crosstab(pkg.table("inm_returns_by_sex"), "sex")
    assert "briefs-stack" not in tables.to_html(wide, "t", "By sex")
    prose = pd.DataFrame(
        {"value": [1]}, index=pd.Index(["Years for which moving control outward has been central"], name="quantity")
    )
    assert 'class="briefs-table briefs-stack"' in tables.to_html(prose, "t", "Quantities")
    many = pd.DataFrame({f"column {i}": ["a sentence long enough to wrap"] for i in range(9)}, index=pd.Index(["x"]))
    assert tables.is_wide(many) and not tables.is_wide(wide)
