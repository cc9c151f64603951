"""Rows a brief leaves out because they fall outside its window, said on the page.

A brief computes over a window (its parameters, or a figure's own period). When
a resource grows (a new month appended to a monthly table), the brief keeps
computing over its window, which is right; but a reader must be told that the
table now holds rows the page did not use, and which periods they cover, or
the page reads as if it had used everything. `show_outside` is the one line a
notebook adds after loading: it displays that note, and nothing when every row
lies inside the window.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from briefs.page.periods import period_label, period_text

NOTE_CLASS = "briefs-outside-window"


@dataclass(frozen=True)
class Outside:
    """The rows of one table that do not lie wholly inside a window."""

    resource: str
    rows: int
    periods: tuple[str, ...]  # their periods, labelled as the tables label them, in date order

    def text(self) -> str:
        return f"{self.resource}: {self.rows} row{'s' if self.rows != 1 else ''} ({', '.join(self.periods)})"


def outside(frame: pd.DataFrame, start, end, resource: str = "") -> Outside:
    """The rows whose period (`period_start` to `period_end`) does not lie wholly inside [start, end]."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    mask = ~((frame["period_start"] >= start) & (frame["period_end"] <= end))
    rows = frame[mask]
    spans = rows[["period_start", "period_end"]].drop_duplicates().sort_values(["period_start", "period_end"])
    return Outside(resource, int(mask.sum()), tuple(period_label(s, e) for s, e in zip(spans.period_start, spans.period_end)))


def note(found: list[Outside], start, end) -> str:
    """One sentence naming every table with rows outside the window; "" when there are none."""
    found = [o for o in found if o.rows]
    if not found:
        return ""
    return (
        f"Outside this page's window ({period_text(start, end)}), and so left out of every number computed "
        f"over it: {'; '.join(o.text() for o in found)}."
    )


def show_outside(pkg, names: list[str], start, end) -> None:
    """Display the note for the package resources `names` over [start, end], if any row lies outside it.

    Returns nothing, so that as the last line of a cell it adds no output of its own.
    """
    from IPython.display import display

    text = note([outside(pkg.table(name), start, end, name) for name in names], start, end)
    if text:
        display({"text/html": f'<p class="{NOTE_CLASS}">{html.escape(text)}</p>', "text/plain": text}, raw=True)
