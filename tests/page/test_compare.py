"""The figure ledger's rows: a rate or the reason for none, and the gap to what each row is set against."""

from __future__ import annotations

from datetime import date

from briefs.page import compare, periods
from tiny_data import figure


def test_gap_is_signed_from_the_reference():
    g = compare.gap(21000, 14719)
    assert g.difference == 6281
    assert g.text() == "+6,281 (+42.7%)"
    assert compare.gap(57640, 60000).text() == "−2,360 (−3.9%)"


def test_entry_gap_per_day_then_as_levels_then_says_why_not():
    count = figure(21000)
    per_day = compare.Entry.of("g", count, reference="INM", reference_per_day=98.8)
    assert per_day.gap_text() == f"{compare.gap(21000 / 142, 98.8).text('{:,.1f}')} a day"
    undated = figure(71021, start=None, end=None)
    level = compare.Entry.of("g", undated, reference="DHS", reference_value=67550)
    assert level.gap_text() == "+3,471 (+5.1%)"
    assert (
        compare.Entry.of("g", undated, reference="the paper's ceiling").gap_text()
        == "no comparison: the document states no period"
    )
    assert compare.Entry.of("g", count).gap_text() == "reference"


def test_table_carries_the_reason_in_place_of_a_rate():
    rows = compare.table(
        [
            compare.Entry.of("returns", figure(21000)),
            compare.Entry.of("mpp", figure(60000, start=None, end=date(2020, 1, 31)), reference="DHS", reference_value=57640),
        ]
    )
    assert list(rows.columns) == compare.COLUMNS
    assert rows.loc[0, "days"] == 142 and rows.loc[0, "per day"] == round(21000 / 142, 1)
    assert rows.loc[1, "per day"] == periods.NO_START and rows.loc[1, "days"] == "—"
    assert rows.loc[1, "gap to the reference"] == "+2,360 (+4.1%)"
