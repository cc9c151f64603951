"""Periods, windows and rates: every piece of date arithmetic a brief needs, in one place.

Two documents rarely count the same thing over the same days: one gives a
total over four months, another over seventeen, a third a monthly ceiling, a
fourth no period at all. Set side by side as printed, the larger window always
looks like the larger number. Spread over its own window, each becomes a daily
rate that can be compared; a figure whose document gave no window, or only one
end of it, has no rate, and the reason travels with it so the page can say so
instead of guessing a period. A table of part-months (INM's, for instance) set
against a window that cuts through its rows gives a floor and a ceiling, never
a prorated guess; a monthly series summed over a window reports the months it
actually had, because a file that stops early would otherwise pass off a
partial sum as the document's period.

Windows are closed: both the first and the last day count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from briefs.data.package import Figure
from briefs.errors import DataError, UsageError

DAYS_PER_MONTH = 365.25 / 12  # an average month: a monthly ceiling as a daily one
DAYS_PER_UNIT = {"days": 1, "weeks": 7, "months": DAYS_PER_MONTH, "years": 365.25}

# Why a figure has no daily rate: the page shows these words in place of the number.
NO_VALUE = "no rate: the document prints no value"
NO_PERIOD = "no rate: the document states no period"
NO_START = "no rate: the document states when the count ends but not when it starts"
NO_END = "no rate: the document states when the count starts but not when it ends"
STOCK = "no rate: a level at one moment, not a flow"
DURATION = "no rate: a length of time, not a count"
DURATION_UNITS = set(DAYS_PER_UNIT)


def _missing(value) -> bool:
    if value is None or value is pd.NaT:  # NaT passes for a date in isinstance checks
        return True
    return not isinstance(value, (str, date)) and bool(pd.isna(value))


def _ordered(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end < start:
        raise DataError(f"a window cannot end ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})")
    return start, end


# --- windows --------------------------------------------------------------------------------


def window_days(start, end) -> int | None:
    """Days from `start` to `end`, both included; None when either end is missing."""
    if _missing(start) or _missing(end):
        return None
    start, end = _ordered(start, end)
    return int((end - start).days) + 1


def months_in(start, end) -> int:
    """Calendar months the window touches, a part month counting as one ('Jan-Sep 2019' is 9)."""
    start, end = _ordered(start, end)
    return len(pd.period_range(start, end, freq="M"))


def years_in(start, end) -> int:
    """Calendar years the window touches ('2017 to 2019' is 3)."""
    start, end = _ordered(start, end)
    return end.year - start.year + 1


def months_between(earlier, later) -> int:
    """Calendar months from `earlier`'s month to `later`'s: 0 in the same month, negative when `later` comes first."""
    a, b = pd.Timestamp(earlier), pd.Timestamp(later)
    return (b.year - a.year) * 12 + b.month - a.month


def average_months(start, end) -> float:
    """The window's length in average months (its days over DAYS_PER_MONTH)."""
    days = window_days(start, end)
    if days is None:
        raise DataError("a window needs both a start and an end to be measured in months")
    return days / DAYS_PER_MONTH


def duration_days(value: float, unit: str) -> float:
    """Days in a stated length of time: `value` days, weeks, months (average ones) or years."""
    try:
        return value * DAYS_PER_UNIT[unit.strip().lower()]
    except KeyError:
        raise UsageError(f"{unit!r} is not a length of time (one of {', '.join(DAYS_PER_UNIT)})") from None


def parse_window(text: str, parameter: str = "window") -> tuple[pd.Timestamp, pd.Timestamp]:
    """'2020-03-01/2021-01-31' as its first and last day; a parameter that is not such a window is refused."""
    parts = str(text).split("/")
    try:
        if len(parts) != 2:
            raise ValueError
        start, end = (pd.Timestamp(date.fromisoformat(p.strip())) for p in parts)
    except ValueError:
        raise UsageError(
            f"parameter {parameter!r}: {text!r} is not a window written FIRST/LAST (YYYY-MM-DD/YYYY-MM-DD)"
        ) from None
    if end < start:
        raise UsageError(f"parameter {parameter!r}: {text!r} ends before it starts")
    return start, end


def month_start(day) -> pd.Timestamp:
    """The first day of the calendar month `day` falls in."""
    return pd.Timestamp(day).to_period("M").start_time


def month_end(day, offset: int = 0) -> pd.Timestamp:
    """The last day of the calendar month `day` falls in, or of the month `offset` months away (-1: the month before)."""
    return (pd.Timestamp(day).to_period("M") + offset).end_time.normalize()


# --- how a window is written ----------------------------------------------------------------


def period_text(start, end) -> str:
    """'11 May 2023 – 24 Nov 2023', 'to 31 Jan 2020', 'from 1 Mar 2020' or 'not stated'."""
    if _missing(start) and _missing(end):
        return "not stated"
    if _missing(start):
        return f"to {pd.Timestamp(end):%-d %b %Y}"
    if _missing(end):
        return f"from {pd.Timestamp(start):%-d %b %Y}"
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return f"{start:%-d %b %Y}" if start == end else f"{start:%-d %b %Y} – {end:%-d %b %Y}"


def period_label(start, end) -> str:
    """A table column's label: 'Jun 2023', or 'May 2023 (11–31)' when the period covers part of a month."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    month = start.strftime("%b %Y")
    if start.month == end.month and start.year == end.year:
        if start.day != 1 or end.day != end.days_in_month:
            return f"{month} ({start.day}–{end.day})"
        return month
    return f"{start:%d %b %Y} – {end:%d %b %Y}"


def period_labels(frame: pd.DataFrame) -> list[str]:
    """`period_label` of every row of a table with `period_start` and `period_end` columns."""
    return [period_label(s, e) for s, e in zip(frame["period_start"], frame["period_end"])]


# --- rates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A figure as a number per day, or the reason it cannot be one."""

    per_day: float | None
    days: int | None  # the window the figure was spread over; None for a figure already stated as a rate
    basis: str  # how the rate was obtained, or why there is none

    @property
    def known(self) -> bool:
        return self.per_day is not None

    def text(self, fmt: str = "{:,.1f}") -> str:
        return fmt.format(self.per_day) if self.known else self.basis


def rate_over(total: float, start, end) -> Rate:
    """A total counted over [start, end] as a number per day."""
    days = window_days(start, end)
    if days is None:
        return Rate(None, None, NO_PERIOD if _missing(start) and _missing(end) else (NO_START if _missing(start) else NO_END))
    return Rate(float(total) / days, days, f"over its own window of {days:,} days")


def daily_rate(figure: Figure, *, stock: bool = False) -> Rate:
    """A document's figure per day: stated per day, a monthly figure over an average month, or a count over its own window.

    `stock` marks a level (troops in a force, people on a list at one date) that
    no window turns into a flow.
    """
    if figure.value is None or (isinstance(figure.value, float) and math.isnan(figure.value)):
        return Rate(None, None, NO_VALUE)
    unit = figure.unit.strip().lower()
    if unit.endswith(" per day"):
        return Rate(float(figure.value), None, "stated per day")
    if unit.endswith(" per month"):
        return Rate(float(figure.value) / DAYS_PER_MONTH, None, "stated per month, over an average month")
    if unit in DURATION_UNITS:
        return Rate(None, None, DURATION)
    if stock:
        return Rate(None, None, STOCK)
    return rate_over(figure.value, figure.period_start, figure.period_end)


def per_day(figure: Figure) -> float | None:
    """A figure's number per day (see `daily_rate`), or None when it has none."""
    return daily_rate(figure).per_day


def per_month(figure: Figure) -> float:
    """A count spread evenly over the calendar months its window touches (a year's total over 12)."""
    return figure.value / months_in(figure.period_start, figure.period_end)


# --- tables of periods ----------------------------------------------------------------------


def within(frame: pd.DataFrame, start, end) -> pd.DataFrame:
    """Rows whose whole period lies inside [start, end]."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    mask = (frame["period_start"] >= start) & (frame["period_end"] <= end)
    return frame[mask].reset_index(drop=True)


def sum_periods(frame: pd.DataFrame, start, end, value: str = "people") -> int | float:
    """`value` summed over the rows whose whole period lies inside [start, end] (a plain int for counts)."""
    return within(frame, start, end)[value].sum().item()


def daily_rates(frame: pd.DataFrame, value: str = "people") -> pd.DataFrame:
    """A table of periods with each row's `days` (both ends counted) and its `value` per day."""
    out = frame.copy()
    out["days"] = [window_days(s, e) for s, e in zip(out["period_start"], out["period_end"])]
    out["per_day"] = out[value] / out["days"]
    return out


@dataclass(frozen=True)
class Bracket:
    """A count from a table of periods over a window its rows do not fit exactly.

    `low` sums the rows wholly inside the window, `high` every row that
    overlaps it: the count for the window itself lies between them, and
    nothing in the table says where.
    """

    low: float
    high: float
    start: pd.Timestamp
    end: pd.Timestamp
    inner: tuple[pd.Timestamp, pd.Timestamp] | None  # span of the rows inside
    outer: tuple[pd.Timestamp, pd.Timestamp] | None  # span of the rows that overlap
    covered: bool  # the table's rows reach both ends of the window

    @property
    def exact(self) -> bool:
        return self.covered and self.low == self.high

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


def bracket(frame: pd.DataFrame, start, end, value: str = "people") -> Bracket:
    """Bound the count over [start, end] in a table with `period_start`, `period_end` and a `value` column."""
    start, end = _ordered(start, end)
    inside = within(frame, start, end)
    touching = frame[(frame["period_end"] >= start) & (frame["period_start"] <= end)]

    def span(rows: pd.DataFrame):
        return (rows["period_start"].min(), rows["period_end"].max()) if len(rows) else None

    covered = bool(len(frame)) and frame["period_start"].min() <= start and frame["period_end"].max() >= end
    return Bracket(
        low=float(inside[value].sum()),
        high=float(touching[value].sum()),
        start=start,
        end=end,
        inner=span(inside),
        outer=span(touching),
        covered=bool(covered),
    )


# --- monthly series -------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowSum:
    """A monthly measure summed over a window, with the months that actually had a value."""

    total: float
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    months: int
    requested: int

    @property
    def complete(self) -> bool:
        return self.months == self.requested

    @property
    def per_month(self) -> float:
        """The average over the months that had a value."""
        return self.total / self.months

    def rounding_bound(self, step: float) -> float:
        """Largest distance from the unrounded sum when every month was rounded to `step`."""
        return self.months * step / 2


def sum_months(values: pd.Series, start, end) -> WindowSum:
    """Sum a Series indexed by month (Timestamp) over the months from `start` to `end`, both included."""
    lo, hi = month_start(start), month_start(end)
    inside = values[(values.index >= lo) & (values.index <= hi)].dropna()
    return WindowSum(
        total=float(inside.sum()),
        first=inside.index.min() if len(inside) else None,
        last=inside.index.max() if len(inside) else None,
        months=int(inside.index.nunique()),
        requested=months_in(lo, hi),
    )


def sum_column(frame: pd.DataFrame, column: str, start, end) -> WindowSum:
    """Sum one measure of a month-indexed table over the months from `start` to `end`; months with no value are not counted."""
    if column not in frame.columns:
        raise UsageError(f"the table has no measure {column!r}")
    return sum_months(frame[column], start, end)


def covers(values: pd.Series, start, end) -> bool:
    """Whether a monthly Series has every month from `start` to `end`."""
    return sum_months(values, start, end).complete
