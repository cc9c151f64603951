"""Figures on one footing: daily rates over their own windows, floors and ceilings from part-month tables."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from briefs.page import compare
from briefs.data.package import Figure


def figure(value=1000.0, unit="people", start=date(2023, 5, 12), end=date(2023, 9, 30), precision="approximate", id="f"):
    return Figure(id=id, quantity="something counted", value=value, unit=unit, precision=precision,
                  period_start=start, period_end=end, status="published", document="001",
                  document_name="IMUMI factsheet", location="text", note=24, cited_work=None)


def test_window_days_count_both_ends():
    assert compare.window_days(date(2023, 5, 12), date(2023, 5, 12)) == 1
    assert compare.window_days("2023-01-01", "2023-12-31") == 365
    assert compare.window_days(pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-29")) == 29  # leap year


def test_window_days_is_none_when_an_end_is_missing_and_refuses_a_reversed_window():
    assert compare.window_days(None, date(2020, 1, 31)) is None
    assert compare.window_days(pd.NaT, date(2020, 1, 31)) is None
    assert compare.window_days(date(2020, 3, 1), float("nan")) is None
    with pytest.raises(ValueError, match="before it starts"):
        compare.window_days(date(2020, 2, 1), date(2020, 1, 31))


def test_a_count_is_spread_over_its_own_window():
    rate = compare.daily_rate(figure(21000, start=date(2023, 5, 12), end=date(2023, 9, 30)))
    assert rate.days == 142
    assert rate.per_day == pytest.approx(21000 / 142)
    assert rate.known and rate.text() == f"{21000 / 142:,.1f}"


def test_stated_rates_are_taken_as_they_are_or_over_an_average_month():
    assert compare.daily_rate(figure(1000, unit="people per day")).per_day == 1000
    monthly = compare.daily_rate(figure(30000, unit="people per month", start=None, end=None))
    assert monthly.per_day == pytest.approx(30000 * 12 / 365.25)
    assert monthly.days is None and "per month" in monthly.basis


@pytest.mark.parametrize(
    "start, end, reason",
    [
        (None, None, compare.NO_PERIOD),
        (None, date(2020, 1, 31), compare.NO_START),
        (date(2020, 3, 1), None, compare.NO_END),
    ],
)
def test_a_count_without_a_full_window_has_no_rate_and_says_why(start, end, reason):
    rate = compare.daily_rate(figure(60000, start=start, end=end))
    assert not rate.known and rate.per_day is None and rate.days is None
    assert rate.basis == reason and rate.text() == reason


def test_levels_durations_and_missing_values_are_never_rates():
    assert compare.daily_rate(figure(25000, unit="people"), stock=True).basis == compare.STOCK
    assert compare.daily_rate(figure(2, unit="years", start=None, end=None)).basis == compare.DURATION
    assert compare.daily_rate(figure(None)).basis == compare.NO_VALUE
    assert compare.daily_rate(figure(float("nan"))).basis == compare.NO_VALUE


def test_period_text_names_what_the_document_gave():
    assert compare.period_text(date(2023, 5, 11), date(2023, 11, 24)) == "11 May 2023 – 24 Nov 2023"
    assert compare.period_text(None, date(2020, 1, 31)) == "to 31 Jan 2020"
    assert compare.period_text(date(2020, 3, 1), None) == "from 1 Mar 2020"
    assert compare.period_text(date(2019, 6, 7), date(2019, 6, 7)) == "7 Jun 2019"
    assert compare.period_text(None, pd.NaT) == "not stated"


def months_table() -> pd.DataFrame:
    """Rows shaped like INM's: a part month at each end."""
    return pd.DataFrame({
        "period_start": pd.to_datetime(["2023-05-11", "2023-06-01", "2023-07-01", "2023-08-01"]),
        "period_end": pd.to_datetime(["2023-05-31", "2023-06-30", "2023-07-31", "2023-08-24"]),
        "people": [100, 200, 300, 400],
    })


def test_bracket_gives_a_floor_from_rows_inside_and_a_ceiling_from_rows_touching():
    b = compare.bracket(months_table(), "2023-05-12", "2023-07-20")
    assert (b.low, b.high) == (200, 600)  # June alone lies inside; May, June and July touch
    assert b.inner == (pd.Timestamp("2023-06-01"), pd.Timestamp("2023-06-30"))
    assert b.outer == (pd.Timestamp("2023-05-11"), pd.Timestamp("2023-07-31"))
    assert b.covered and not b.exact
    assert b.holds(450) and not b.holds(650) and not b.holds(150)


def test_bracket_is_exact_on_row_boundaries_and_knows_when_the_table_stops_short():
    aligned = compare.bracket(months_table(), "2023-06-01", "2023-07-31")
    assert aligned.exact and aligned.low == aligned.high == 500
    beyond = compare.bracket(months_table(), "2023-07-01", "2023-09-30")
    assert not beyond.covered and (beyond.low, beyond.high) == (700, 700)
    with pytest.raises(ValueError, match="before it starts"):
        compare.bracket(months_table(), "2023-07-01", "2023-06-01")


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
    assert compare.Entry.of("g", undated, reference="the paper's ceiling").gap_text() == "no comparison: the document states no period"
    assert compare.Entry.of("g", count).gap_text() == "reference"


def test_table_carries_the_reason_in_place_of_a_rate():
    rows = compare.table([
        compare.Entry.of("returns", figure(21000)),
        compare.Entry.of("mpp", figure(60000, start=None, end=date(2020, 1, 31)), reference="DHS", reference_value=57640),
    ])
    assert list(rows.columns) == compare.COLUMNS
    assert rows.loc[0, "days"] == 142 and rows.loc[0, "per day"] == round(21000 / 142, 1)
    assert rows.loc[1, "per day"] == compare.NO_START and rows.loc[1, "days"] == "—"
    assert rows.loc[1, "gap to the reference"] == "+2,360 (+4.1%)"
