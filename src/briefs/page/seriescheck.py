"""Putting a document's figure beside an official series, and saying so when the series is missing.

A mismatch between a document and the official record is a finding, so a
check has to show both numbers and the gap rather than a verdict alone; and a
series that was not fetched must leave a sentence on the page saying that the
check was not made, never a silent gap or a number from nowhere. Window sums
report the months they covered, because a file that stops early would
otherwise pass off a partial sum as the document's period.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from briefs.data.official import series
from briefs.page.claims import Ledger
from briefs.data.package import Figure, sha256


@dataclass(frozen=True)
class Gap:
    """How far a series value sits from the document's figure."""

    series: float
    document: float

    @property
    def difference(self) -> float:
        return self.series - self.document

    @property
    def relative(self) -> float:
        return self.difference / self.document if self.document else float("nan")

    def text(self, fmt: str = "{:,.0f}") -> str:
        """'+1,234 (+5.6%)': signed, so a reader sees which way the series leans."""
        sign = "+" if self.difference >= 0 else "−"
        return f"{sign}{fmt.format(abs(self.difference))} ({sign}{abs(self.relative):.1%})"


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

    def rounding_bound(self, step: float) -> float:
        """Largest distance from the unrounded sum when every month was rounded to `step`."""
        return self.months * step / 2


def month_start(day) -> pd.Timestamp:
    return pd.Timestamp(day).to_period("M").start_time


def sum_months(values: pd.Series, start, end) -> WindowSum:
    """Sum a Series indexed by month (Timestamp) over the months from `start` to `end`, both included."""
    lo, hi = month_start(start), month_start(end)
    inside = values[(values.index >= lo) & (values.index <= hi)].dropna()
    return WindowSum(
        total=float(inside.sum()),
        first=inside.index.min() if len(inside) else None,
        last=inside.index.max() if len(inside) else None,
        months=int(inside.index.nunique()),
        requested=len(pd.period_range(lo, hi, freq="M")),
    )


def against(figure: Figure, name: str, where: str) -> str:
    """A ledger source for a series check: the document's figure, then the series and window it was set against."""
    return f"{figure.citation()}; checked against {series.title(name)}, {where}"


def glue_md(ledger: Ledger, key: str, text: str) -> None:
    """Glue a Markdown passage (shown with `{glue:md}`) and record it with the brief's glued values."""
    from IPython.display import Markdown
    from myst_nb import glue

    if key in ledger.values:
        raise ValueError(f"{ledger.brief}: glue key {key!r} used twice")
    ledger.values[key] = text
    glue(key, Markdown(text), display=False)


def glue_absent(ledger: Ledger, key: str, name: str) -> None:
    """Glue the plain statement that a series is missing, in place of the check it would have allowed."""
    glue_md(ledger, key, series.absent_note(name))


def not_checked(name: str) -> str:
    """The short form of the absent note, for a page's key findings."""
    return f"Not checked against “{series.title(name)}”, which this build does not have."


def covers(values: pd.Series, start, end) -> bool:
    """Whether a monthly Series has every month from `start` to `end`."""
    return sum_months(values, start, end).complete


def coverage(name: str) -> str:
    """'Jan 2018 – Dec 2024' for a loaded series, from its own months (newer files have more)."""
    frame = series.load(name)
    if frame is None:
        return "not available in this build"
    if "month" in frame.columns:
        months = frame["month"]
    elif {"Calendar Year", "Month"} <= set(frame.columns):
        from briefs.data.official.ohss import monthly

        months = monthly(frame).index.to_series()
    else:
        return "months not recorded"
    return f"{months.min():%b %Y} – {months.max():%b %Y}"


def series_used_html(names: list[str]) -> str:
    """The official series a brief consulted: title, file, sha256 and months, or that it was absent."""
    items = []
    for name in names:
        title = html.escape(series.title(name))
        if series.available(name):
            path = series.path_of(name)
            items.append(
                f"<li>{title}: <code>{html.escape(path.name)}</code>, {html.escape(coverage(name))}, "
                f"sha256 <code>{sha256(path)[:16]}…</code></li>"
            )
        else:
            items.append(f"<li>{title}: not available in this build, so the checks that need it were not made.</li>")
    return f'<div class="briefs-sources"><p>Official series consulted:</p><ul>{"".join(items)}</ul></div>'


def show_series_used(names: list[str]) -> None:
    from IPython.display import display

    text = "; ".join(f"{n}: {'read' if series.available(n) else 'absent'}" for n in names)
    display({"text/html": series_used_html(names), "text/plain": f"Official series: {text}"}, raw=True)


def glue_not_covered(ledger: Ledger, key: str, name: str, start, end) -> None:
    """Glue the statement that a series is present but stops short of the window a check needs."""
    glue_md(
        ledger,
        key,
        f"The official series “{series.title(name)}” in this build does not cover every month from "
        f"{pd.Timestamp(start):%B %Y} to {pd.Timestamp(end):%B %Y}, so this check was not made.",
    )
