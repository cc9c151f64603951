"""Quantities that carry their derivation: exact values, units, leaves, and the record a brief glues."""

from __future__ import annotations

import json
import operator
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from briefs.errors import UsageError
from briefs.page import claims, lineage
from tiny_data import figure, months_table

finite = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
)
OPS = [operator.add, operator.sub, operator.mul, operator.truediv]


def const(v, unit=""):
    return lineage.constant(v, "a test constant", unit=unit)


@given(finite, finite, st.sampled_from(OPS))
def test_a_node_holds_exactly_what_plain_arithmetic_gives(a, b, op):
    if op is operator.truediv and b == 0:
        return
    q = op(const(a, "people"), const(b, "people"))
    plain = op(a, b)
    assert q.value == plain and type(q.value) is type(plain)


def test_a_chain_keeps_the_order_of_operations_bit_for_bit():
    # 100 * x / y is (100 * x) / y, not 100 * (x / y): the two differ in the last bit for these values.
    x, y = 1047, 3153
    hundred = lineage.constant(100, "per hundred")
    trips, all_trips = const(x, "trips"), const(y, "trips")
    assert (hundred * trips / all_trips).value == 100 * x / y
    assert (hundred * (trips / all_trips)).value == 100 * (x / y)


def test_plain_numbers_are_refused_with_the_way_out():
    with pytest.raises(TypeError, match="lineage.constant or lineage.parameter"):
        const(3, "people") * 2
    with pytest.raises(TypeError, match="plain number"):
        1 - const(3)


def test_units_follow_the_arithmetic():
    people, days = const(19561, "people"), const(198, "days")
    rate = people / days
    assert rate.unit == "people per day"
    assert (rate * days).unit == "people"
    assert (people / const(10, "people")).unit == "times"
    assert lineage.share(const(1, "people"), people).unit == "share"
    with pytest.raises(UsageError, match="the units differ"):
        people + days


def test_leaves_are_flattened_once_each_and_the_formula_keeps_the_structure():
    paper = lineage.figure(figure(70000.0, start=date(2023, 1, 1), end=date(2024, 6, 2), id="paper"), label="deportees")
    inm = lineage.figure(figure(19561.0, start=date(2023, 5, 11), end=date(2023, 11, 24), id="inm"), label="INM returns")
    days = lineage.figure_days(figure(70000.0, start=date(2023, 1, 1), end=date(2024, 6, 2), id="paper"))
    outside = (paper - inm) / (days - lineage.constant(198, "INM's days", unit="days"))
    assert [leaf.label for leaf in lineage.leaves(outside)][:2] == ["deportees", "INM returns"]
    assert len(lineage.leaves(outside)) == 4
    assert lineage.formula_words(outside).startswith("(deportees minus INM returns) divided by (days from")
    assert lineage.formula_symbols(outside) == "(70,000 − 19,561) ÷ (519 − 198)"
    same = paper / paper
    assert len(lineage.leaves(same)) == 1  # one leaf, met twice, listed once


def test_a_figure_leaf_names_its_document_note_and_window():
    f = figure(21000.0)
    q = lineage.figure(f)
    src = q.source
    assert (src["kind"], src["figure"], src["document"], src["note"]) == ("figure", "f", "001", 24)
    assert q.period == "12 May 2023 – 30 Sep 2023" and q.unit == "people"
    assert lineage.figure_days(f).value == 142
    assert lineage.evidence(lineage.figure_days(f)) == lineage.evidence(q)  # the window is part of the figure
    unpublished = figure(None)
    with pytest.raises(UsageError, match="no value"):
        lineage.figure(unpublished)


def test_a_rows_leaf_sums_like_pandas_and_describes_the_rows():
    frame = months_table()
    q = lineage.rows(
        frame[frame.people > 100],
        "people",
        resource="inm_returns_by_nationality",
        label="INM returns",
        unit="people",
        where="months after May",
    )
    assert q.value == 900 and isinstance(q.value, int)
    assert q.source["n_rows"] == 3
    assert q.source["rows"] == "months after May; periods 1 Jun 2023 – 24 Aug 2023"
    assert lineage.rows(frame, None, resource="r", label="months", unit="months", how="count").value == 4
    with pytest.raises(UsageError, match="expected one row"):
        lineage.rows(frame, "people", resource="r", label="x", unit="people", how="one")


def test_a_series_leaf_records_its_months():
    q = lineage.series(
        126000,
        "us_sw_border_encounters",
        label="encounters",
        unit="encounters",
        first=pd.Timestamp("2019-05-01"),
        last=pd.Timestamp("2019-05-01"),
    )
    assert q.source["months"] == "May 2019" and q.source["first"] == "2019-05"
    assert q.source["title"].startswith("U.S. southwest land border encounters")


def test_the_derivation_record_is_deterministic_and_lists_leaves_with_sources():
    def build():
        total = lineage.rows(months_table(), "people", resource="inm", label="INM returns", unit="people")
        days = lineage.window_days("2023-05-11", "2023-08-24", "start/end")
        return lineage.derivation(lineage.per_day(total, days), claim="daily_average")

    first, second = build(), build()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert first["formula"] == "INM returns divided by days from 11 May 2023 to 24 Aug 2023"
    assert first["symbols"] == "1,000 ÷ 106"
    assert first["value"] == 1000 / 106 and first["unit"] == "people per day" and first["claim"] == "daily_average"
    assert [i["source"]["kind"] for i in first["inputs"]] == ["resource", "parameter"]
    assert first["inputs"][1]["source"] == {"kind": "parameter", "name": "start/end"}


def test_rounded_and_extreme_read_as_words():
    a, b = const(2.345, "people"), const(9.5, "people")
    assert lineage.rounded(a, 1).value == round(2.345, 1)
    top = lineage.extreme([a, b], "max", label="the larger")
    assert top.value == 9.5 and lineage.formula_symbols(top) == "max(2.345, 9.5)"
    assert lineage.sum_of([a, b, a]).value == 2.345 + 9.5 + 2.345


def test_a_quantity_formats_and_compares_as_its_value():
    q = const(1234.5, "people")
    assert f"{q:,.0f}" == "1,234" and float(q) == 1234.5 and q > 1000 and q <= const(1234.5, "people")


# --- the ledger records derivations --------------------------------------------------------------


@pytest.fixture
def glued(monkeypatch):
    out = {}
    monkeypatch.setattr("myst_nb.glue", lambda key, value, display=True: out.__setitem__(key, value))
    return out


def test_the_ledger_records_a_derivation_for_every_glued_value(glued):
    ledger = claims.Ledger("t", derivations=True)
    total = lineage.rows(months_table(), "people", resource="inm", label="INM returns", unit="people")
    ledger.glue("total", total)
    ledger.glue("when", "11 May 2023", parameter="start")
    ledger.note("note", figure())
    assert glued == {"total": "1,000", "when": "11 May 2023", "note": "24"}
    rec = ledger.record()["derivations"]
    assert rec["total"]["inputs"][0]["source"]["resource"] == "inm" and rec["total"]["claim"] is None
    assert rec["when"] == {"kind": "text", "parameter": "start"}
    assert rec["note"]["source"]["figure"] == "f"
    with pytest.raises(UsageError, match="plain number"):
        ledger.glue("n", 3)


def test_a_claim_records_its_value_and_published_derivations(glued):
    ledger = claims.Ledger("t", derivations=True)
    total = lineage.rows(months_table(), "people", resource="inm", label="INM returns", unit="people")
    ledger.claim(
        "total",
        "INM's table adds up to the printed total",
        total,
        claims.equal(),
        published=figure(1000.0),
        basis=claims.OWN_NUMBERS,
    )
    rec = ledger.record()["derivations"]
    assert rec["total"]["claim"] == "total" and rec["total_published"]["inputs"][0]["source"]["figure"] == "f"
    assert ledger.claims[0].value_display == "1,000 people"


def words_figure():
    """A figure the document states only in words: no value, its phrase in `printed`."""
    return figure(value=None, precision="in_words", printed="thousands of families", id="w")


def test_a_figure_in_words_never_enters_arithmetic():
    fig = words_figure()
    with pytest.raises(UsageError, match=r"figure 'w' is stated only in words \('thousands of families'\)"):
        lineage.figure(fig)
    assert lineage.figure(figure(2000.0)).value == 2000.0  # a printed number still does


def test_the_words_of_a_figure_are_glued_as_text_recorded_against_it(glued):
    ledger = claims.Ledger("t", derivations=True)
    ledger.words("separated", words_figure())
    assert glued == {"separated": "thousands of families"}
    rec = ledger.record()["derivations"]["separated"]
    assert rec["kind"] == "text" and rec["source"]["figure"] == "w" and rec["source"]["note"] == 24
    with pytest.raises(UsageError, match="figure 'f' is not stated in words"):
        ledger.words("number", figure(2000.0))
