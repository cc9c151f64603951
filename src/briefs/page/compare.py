"""The figure ledger's rows: each quantity as one source states it, its daily rate, and its gap to a reference.

The rates themselves (a count over its own window, a monthly ceiling over an
average month, or the reason there is none) come from `periods`; this module
only lays them out as rows, so the ledger page can show every value beside
what it is set against.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from briefs.data.package import Figure, Package
from briefs.page import lineage
from briefs.page.periods import Bracket, Rate, bracket, daily_rate, period_text, within
from briefs.page.seriescheck import Gap


def gap(value: float, reference: float) -> Gap:
    """`value` less `reference`, signed, with the share of the reference (reuses the series checks' Gap)."""
    return Gap(series=float(value), document=float(reference))


def series_gap(series_value: float, document_value: float) -> Gap:
    """How far an official series stands from a document's figure: the series less the figure, as a share of
    the figure. The ONE reading of a document-against-series gap, on every page: a brief's check, the figure
    ledger's table and its text all use it, so the same two numbers never print as two different gaps (the
    claims' relative tolerance is measured from the document's figure too)."""
    return Gap(series=float(series_value), document=float(document_value))


ABOVE, BELOW, BETWEEN = "above the ceiling", "below the floor", "between the floor and the ceiling"


@dataclass(frozen=True)
class BracketCheck:
    """A document's count over a window set against a table of part months over the same days.

    The table's rows wholly inside the window give a floor, the rows that touch it a
    ceiling (see `periods.bracket`); the figure is above, below or between them. The
    IMUMI page and the figure ledger read the U.S. statements against INM's table with
    this one helper, so the two pages cannot disagree on which way a gap runs.
    """

    figure: lineage.Quantity
    low: lineage.Quantity
    high: lineage.Quantity
    bracket: Bracket

    @property
    def reading(self) -> str:
        if self.figure.value > self.high.value:
            return ABOVE
        if self.figure.value < self.low.value:
            return BELOW
        return BETWEEN

    @property
    def gap_to_ceiling(self) -> Gap:
        return gap(self.figure.value, self.high.value)


def bracket_check(
    fig: Figure,
    frame: pd.DataFrame,
    *,
    resource: str,
    label: str,
    pkg: Package | None = None,
    where: str | None = None,
    value: str = "people",
) -> BracketCheck:
    """`fig` against the floor and ceiling a table of periods (`frame`: period_start, period_end, `value`) gives
    for the figure's own window; both bounds are quantities over the table's rows."""
    b = bracket(frame, fig.period_start, fig.period_end, value)
    if not b.covered:
        from briefs.errors import DataError

        raise DataError(
            f"{resource}: the table does not reach both ends of {fig.id}'s window "
            f"({period_text(fig.period_start, fig.period_end)})"
        )
    start, end = pd.Timestamp(fig.period_start), pd.Timestamp(fig.period_end)
    inside = within(frame, start, end)
    touching = frame[(frame["period_end"] >= start) & (frame["period_start"] <= end)]
    scope = f"{where}; " if where else ""
    low = lineage.rows(
        inside,
        value,
        resource=resource,
        pkg=pkg,
        unit="people",
        where=f"{scope}months wholly inside the window",
        label=f"{label}, months wholly inside {period_text(start, end)} (floor)",
    )
    high = lineage.rows(
        touching,
        value,
        resource=resource,
        pkg=pkg,
        unit="people",
        where=f"{scope}months touching the window",
        label=f"{label}, every month touching {period_text(start, end)} (ceiling)",
    )
    return BracketCheck(figure=lineage.figure(fig), low=low, high=high, bracket=b)


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
    reference_is_series: bool = False  # the reference is an official series: the gap reads as `series_gap`

    def _gap(self, mine: float, theirs: float) -> Gap:
        return series_gap(theirs, mine) if self.reference_is_series else gap(mine, theirs)

    def gap_text(self) -> str:
        """The gap to the reference: per day when both rates exist, else as levels, else why there is none.

        Against another document it is this row less the reference, as a share of the reference; against
        an official series it is the series less this row, as a share of this row (`series_gap`)."""
        if self.reference is None:
            return "reference"
        lead = "series " if self.reference_is_series else ""
        if self.rate.known and self.reference_per_day is not None:
            return f"{lead}{self._gap(self.rate.per_day, self.reference_per_day).text('{:,.1f}')} a day"
        if self.value is not None and self.reference_value is not None:
            return f"{lead}{self._gap(self.value, self.reference_value).text()}"
        return "no comparison: " + (
            self.rate.basis.removeprefix("no rate: ") if not self.rate.known else "the reference has no rate"
        )

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


COLUMNS = [
    "group",
    "source",
    "figure",
    "quantity",
    "period",
    "value",
    "qualifier",
    "days",
    "per day",
    "reference",
    "gap to the reference",
]


def table(entries: list[Entry]) -> pd.DataFrame:
    """The ledger's rows: every value, the days it was spread over, its rate (or why none) and its gap."""
    rows = []
    for e in entries:
        rows.append(
            {
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
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
