"""Windows, rates and window sums: the date arithmetic every brief shares."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from briefs.data.official import ohss
from briefs.errors import DataError, UsageError
from briefs.page import periods
from tiny_data import figure, months_table, ohss_raw


# --- windows --------------------------------------------------------------------------------


def test_window_days_count_both_ends():
    assert periods.window_days(date(2023, 5, 12), date(2023, 5, 12)) == 1
    assert periods.window_days("2023-01-01", "2023-12-31") == 365
    assert periods.window_days(pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-29")) == 29  # leap year
    assert periods.window_days(pd.Timestamp("2023-05-11"), pd.Timestamp("2023-11-24")) == 198


def test_window_days_is_none_when_an_end_is_missing_and_refuses_a_reversed_window():
    assert periods.window_days(None, date(2020, 1, 31)) is None
    assert periods.window_days(pd.NaT, date(2020, 1, 31)) is None
    assert periods.window_days(date(2020, 3, 1), float("nan")) is None
    with pytest.raises(DataError, match="before it starts"):
        periods.window_days(date(2020, 2, 1), date(2020, 1, 31))


def test_months_in_counts_every_calendar_month_touched():
    assert periods.months_in("2019-01-01", "2019-09-30") == 9
    assert periods.months_in(date(2018, 1, 1), date(2018, 12, 31)) == 12
    assert periods.months_in("2023-05-11", "2023-06-02") == 2  # two part months
    assert periods.months_in("2011-05-01", "2021-04-30") == 120
    with pytest.raises(DataError, match="before it starts"):
        periods.months_in("2019-02-01", "2019-01-01")


def test_years_in_and_months_between_count_calendar_units():
    assert periods.years_in(date(2017, 1, 1), date(2019, 12, 31)) == 3
    assert periods.years_in("2019-12-31", "2020-01-01") == 2
    assert periods.months_between("2021-07-31", "2021-07-01") == 0
    assert periods.months_between(date(2020, 1, 31), pd.Timestamp("2021-03-01")) == 14
    assert periods.months_between("2021-03-01", "2020-01-31") == -14


def test_month_end_of_this_month_or_another():
    assert periods.month_end("2024-02-01") == pd.Timestamp("2024-02-29")
    assert periods.month_end(date(2021, 7, 31), -1) == pd.Timestamp("2021-06-30")
    assert periods.month_end("2020-12-15", 2) == pd.Timestamp("2021-02-28")


def test_average_months_is_days_over_an_average_month():
    assert periods.average_months("2021-01-01", "2021-12-31") == pytest.approx(365 * 12 / 365.25)
    assert round(periods.average_months("2021-01-20", "2021-06-19")) == 5
    with pytest.raises(DataError, match="both a start and an end"):
        periods.average_months(None, "2021-06-19")


def test_duration_days_knows_each_unit_and_refuses_a_count():
    assert periods.duration_days(8, "weeks") == 56
    assert periods.duration_days(5, "months") == pytest.approx(5 * 365.25 / 12)
    assert periods.duration_days(2, "Years") == 730.5
    assert periods.duration_days(3, "days") == 3
    with pytest.raises(UsageError, match="'people' is not a length of time"):
        periods.duration_days(3, "people")


def test_parse_window_reads_first_and_last_day_and_names_the_parameter():
    assert periods.parse_window("2020-03-01/2021-01-31") == (pd.Timestamp("2020-03-01"), pd.Timestamp("2021-01-31"))
    for bad in ("2020-03-01", "2020-03-01/2021-02-30", "March/April", "2020-03-01/2021-01-31/2022-01-01"):
        with pytest.raises(UsageError, match="parameter 'trump_months'.*FIRST/LAST"):
            periods.parse_window(bad, "trump_months")
    with pytest.raises(UsageError, match="ends before it starts"):
        periods.parse_window("2021-03-01/2020-01-31")


def test_month_start():
    assert periods.month_start(date(2021, 7, 31)) == pd.Timestamp("2021-07-01")
    assert periods.month_start("2019-01-01") == pd.Timestamp("2019-01-01")


# --- how a window is written ----------------------------------------------------------------


def test_period_text_names_what_the_document_gave():
    assert periods.period_text(date(2023, 5, 11), date(2023, 11, 24)) == "11 May 2023 – 24 Nov 2023"
    assert periods.period_text(None, date(2020, 1, 31)) == "to 31 Jan 2020"
    assert periods.period_text(date(2020, 3, 1), None) == "from 1 Mar 2020"
    assert periods.period_text(date(2019, 6, 7), date(2019, 6, 7)) == "7 Jun 2019"
    assert periods.period_text(None, pd.NaT) == "not stated"


def test_period_labels_mark_partial_months():
    assert periods.period_label(pd.Timestamp("2023-05-11"), pd.Timestamp("2023-05-31")) == "May 2023 (11–31)"
    assert periods.period_label(pd.Timestamp("2023-06-01"), pd.Timestamp("2023-06-30")) == "Jun 2023"
    assert periods.period_labels(months_table()) == ["May 2023 (11–31)", "Jun 2023", "Jul 2023", "Aug 2023 (1–24)"]


# --- rates ----------------------------------------------------------------------------------


def test_a_count_is_spread_over_its_own_window():
    rate = periods.daily_rate(figure(21000, start=date(2023, 5, 12), end=date(2023, 9, 30)))
    assert rate.days == 142
    assert rate.per_day == pytest.approx(21000 / 142)
    assert rate.known and rate.text() == f"{21000 / 142:,.1f}"
    assert periods.per_day(figure(21000)) == rate.per_day


def test_stated_rates_are_taken_as_they_are_or_over_an_average_month():
    assert periods.daily_rate(figure(1000, unit="people per day")).per_day == 1000
    monthly = periods.daily_rate(figure(30000, unit="people per month", start=None, end=None))
    assert monthly.per_day == pytest.approx(30000 * 12 / 365.25)
    assert monthly.days is None and "per month" in monthly.basis


@pytest.mark.parametrize(
    "start, end, reason",
    [
        (None, None, periods.NO_PERIOD),
        (None, date(2020, 1, 31), periods.NO_START),
        (date(2020, 3, 1), None, periods.NO_END),
    ],
)
def test_a_count_without_a_full_window_has_no_rate_and_says_why(start, end, reason):
    rate = periods.daily_rate(figure(60000, start=start, end=end))
    assert not rate.known and rate.per_day is None and rate.days is None
    assert rate.basis == reason and rate.text() == reason
    assert periods.per_day(figure(60000, start=start, end=end)) is None


def test_levels_durations_and_missing_values_are_never_rates():
    assert periods.daily_rate(figure(25000, unit="people"), stock=True).basis == periods.STOCK
    assert periods.daily_rate(figure(2, unit="years", start=None, end=None)).basis == periods.DURATION
    assert periods.daily_rate(figure(None)).basis == periods.NO_VALUE
    assert periods.daily_rate(figure(float("nan"))).basis == periods.NO_VALUE


def test_per_month_spreads_a_count_over_the_calendar_months_of_its_window():
    assert periods.per_month(figure(1047, unit="trips", start=date(2023, 1, 1), end=date(2023, 12, 31))) == 1047 / 12
    assert periods.per_month(figure(311, unit="trips", start=date(2024, 1, 1), end=date(2024, 4, 30))) == 311 / 4


# --- tables of periods ----------------------------------------------------------------------


def test_within_keeps_rows_wholly_inside():
    inside = periods.within(months_table(), "2023-05-01", "2023-07-31")
    assert list(inside["people"]) == [100, 200, 300]
    assert list(inside.index) == [0, 1, 2]


def test_sum_periods_counts_only_whole_rows_and_stays_an_integer():
    total = periods.sum_periods(months_table(), "2023-05-11", "2023-07-31")
    assert total == 600 and type(total) is int
    assert periods.sum_periods(months_table(), "2023-05-12", "2023-07-20") == 200  # only June lies wholly inside
    assert periods.sum_periods(months_table(), "2024-01-01", "2024-12-31") == 0


def test_daily_rates_gives_each_row_its_days_and_rate():
    rates = periods.daily_rates(months_table())
    assert list(rates["days"]) == [21, 30, 31, 24]
    assert list(rates["per_day"]) == [100 / 21, 200 / 30, 300 / 31, 400 / 24]
    assert "days" not in months_table()  # the table passed in is left as it was


def test_bracket_gives_a_floor_from_rows_inside_and_a_ceiling_from_rows_touching():
    b = periods.bracket(months_table(), "2023-05-12", "2023-07-20")
    assert (b.low, b.high) == (200, 600)  # June alone lies inside; May, June and July touch
    assert b.inner == (pd.Timestamp("2023-06-01"), pd.Timestamp("2023-06-30"))
    assert b.outer == (pd.Timestamp("2023-05-11"), pd.Timestamp("2023-07-31"))
    assert b.covered and not b.exact
    assert b.holds(450) and not b.holds(650) and not b.holds(150)


def test_bracket_is_exact_on_row_boundaries_and_knows_when_the_table_stops_short():
    aligned = periods.bracket(months_table(), "2023-06-01", "2023-07-31")
    assert aligned.exact and aligned.low == aligned.high == 500
    beyond = periods.bracket(months_table(), "2023-07-01", "2023-09-30")
    assert not beyond.covered and (beyond.low, beyond.high) == (700, 700)
    with pytest.raises(DataError, match="before it starts"):
        periods.bracket(months_table(), "2023-07-01", "2023-06-01")


# --- monthly series -------------------------------------------------------------------------


def ohss_monthly() -> pd.DataFrame:
    return ohss.monthly(ohss_raw())


def test_sum_column_reports_the_months_it_actually_covered():
    m = ohss_monthly()
    w = periods.sum_column(m, "Book-outs:MPP", "2019-01-15", "2019-03-31")
    assert (w.total, w.months, w.requested, w.complete) == (370, 1, 3, False)
    assert w.first == w.last == pd.Timestamp("2019-03-01")
    assert w.rounding_bound(ohss.ROUNDING) == 5
    full = periods.sum_column(m, "Repatriations:Total", "2018-12-01", "2019-03-01")
    assert full.complete and full.total == 460 and full.per_month == 115


def test_sum_column_refuses_an_unknown_measure():
    with pytest.raises(UsageError, match="no measure 'Repatriations:Nothing'"):
        periods.sum_column(ohss_monthly(), "Repatriations:Nothing", "2019-01-01", "2019-02-01")


def test_covers_needs_every_month():
    values = pd.Series([1.0, 2.0], index=pd.to_datetime(["2019-01-01", "2019-03-01"]))
    assert not periods.covers(values, "2019-01-01", "2019-03-31")
    assert periods.covers(values, "2019-03-01", "2019-03-31")
