"""Figures from different documents put on one footing, so that their disagreements can be measured.

Two documents rarely count the same thing over the same days: one gives a
total over four months, another over seventeen, a third a monthly ceiling, a
fourth no period at all. Set side by side as printed, the larger window always
looks like the larger number. Spread over its own window, each becomes a daily
rate that can be compared; a figure whose document gave no window, or only one
end of it, has no rate, and the reason travels with it so the page can say so
instead of guessing a period. A table of part-months (INM's, for instance) set
against a window that cuts through its rows gives a floor and a ceiling, never
a prorated guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from briefs.page.seriescheck import Gap
from briefs.data.package import Figure

DAYS_PER_MONTH = 365.25 / 12  # an average month: a monthly ceiling as a daily one

# Why a figure has no daily rate: the page shows these words in place of the number.
NO_VALUE = "no rate: the document prints no value"
NO_PERIOD = "no rate: the document states no period"
NO_START = "no rate: the document states when the count ends but not when it starts"
NO_END = "no rate: the document states when the count starts but not when it ends"
STOCK = "no rate: a level at one moment, not a flow"
DURATION = "no rate: a length of time, not a count"
DURATION_UNITS = {"days", "weeks", "months", "years"}


def window_days(start, end) -> int | None:
    """Days from `start` to `end`, both included; None when either end is missing."""
    if _missing(start) or _missing(end):
        return None
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
    if days < 1:
        raise ValueError(f"a window cannot end ({end}) before it starts ({start})")
    return int(days)


def _missing(value) -> bool:
    if value is None or value is pd.NaT:  # NaT passes for a date in isinstance checks
        return True
    return not isinstance(value, (str, date)) and bool(pd.isna(value))


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
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end < start:
        raise ValueError(f"a window cannot end ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})")
    inside = frame[(frame["period_start"] >= start) & (frame["period_end"] <= end)]
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


def gap(value: float, reference: float) -> Gap:
    """`value` less `reference`, signed, with the share of the reference (reuses the series checks' Gap)."""
    return Gap(series=float(value), document=float(reference))


@dataclass(frozen=True)
class Entry:
    """One line of the figure ledger: a quantity as one source states it, and what it is set against."""

    group: str
    source: str  # the document's short name, or the official series' title
    quantity: str  # in the project's words
    period: str
    value: float | None
    qualifier: str  # exact, approximate, at least, at most; 'official series' for a series sum
    rate: Rate
    reference: str | None = None  # what the gap is taken against, in words
    reference_per_day: float | None = None
    reference_value: float | None = None  # a level to compare with when no daily rate can be had
    figure: str | None = None  # the figure id in the data package, or the table or series the row was summed from
    citation: str | None = None

    def gap_text(self) -> str:
        """The gap to the reference: per day when both rates exist, else as levels, else why there is none."""
        if self.reference is None:
            return "reference"
        if self.rate.known and self.reference_per_day is not None:
            return f"{gap(self.rate.per_day, self.reference_per_day).text('{:,.1f}')} a day"
        if self.value is not None and self.reference_value is not None:
            return gap(self.value, self.reference_value).text()
        return "no comparison: " + (self.rate.basis.removeprefix("no rate: ") if not self.rate.known else "the reference has no rate")

    @classmethod
    def of(cls, group: str, figure: Figure, *, stock: bool = False, **kwargs) -> "Entry":
        """An entry for a document's figure, with its rate over its own window."""
        return cls(
            group=group,
            source=figure.document_name,
            quantity=kwargs.pop("quantity", figure.quantity),
            period=period_text(figure.period_start, figure.period_end),
            value=figure.value,
            qualifier=figure.precision.replace("_", " "),
            rate=daily_rate(figure, stock=stock),
            figure=figure.id,
            citation=figure.citation(),
            **kwargs,
        )


COLUMNS = ["group", "source", "figure", "quantity", "period", "value", "qualifier", "days", "per day",
           "reference", "gap to the reference"]


def table(entries: list[Entry]) -> pd.DataFrame:
    """The ledger's rows: every value, the days it was spread over, its rate (or why none) and its gap."""
    rows = []
    for e in entries:
        rows.append({
            "group": e.group,
            "source": e.source,
            "figure": e.figure or "—",
            "quantity": e.quantity,
            "period": e.period,
            "value": e.value if e.value is not None else "not printed",
            "qualifier": e.qualifier,
            "days": e.rate.days if e.rate.days is not None else ("stated as a rate" if e.rate.known else "—"),
            "per day": round(e.rate.per_day, 1) if e.rate.known else e.rate.basis,
            "reference": e.reference or "—",
            "gap to the reference": e.gap_text(),
        })
    return pd.DataFrame(rows, columns=COLUMNS)
