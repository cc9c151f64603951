"""The figure ledger's rows: each quantity as one source states it, its daily rate, and its gap to a reference.

The rates themselves (a count over its own window, a monthly ceiling over an
average month, or the reason there is none) come from `periods`; this module
only lays them out as rows, so the ledger page can show every value beside
what it is set against.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from briefs.data.package import Figure
from briefs.page.periods import Rate, daily_rate, period_text
from briefs.page.seriescheck import Gap


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
