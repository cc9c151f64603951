"""Rows outside a brief's window: counted, labelled, and named in one sentence."""

from __future__ import annotations

import pandas as pd

from briefs.page import windows


def frame(periods):
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime([s for s, _ in periods]),
            "period_end": pd.to_datetime([e for _, e in periods]),
            "people": range(len(periods)),
        }
    )


def test_rows_not_wholly_inside_are_outside():
    table = frame(
        [
            ("2023-05-11", "2023-05-31"),
            ("2023-06-01", "2023-06-30"),
            ("2023-12-01", "2023-12-31"),
            ("2023-12-01", "2023-12-31"),
            ("2023-11-01", "2023-11-30"),
        ]
    )
    found = windows.outside(table, "2023-05-11", "2023-11-24", "t")
    # December lies beyond the window; November runs past its last day, so it is not wholly inside either.
    assert (found.rows, found.periods) == (3, ("Nov 2023", "Dec 2023"))
    assert found.text() == "t: 3 rows (Nov 2023, Dec 2023)"


def test_the_note_is_empty_when_everything_is_inside():
    table = frame([("2023-05-11", "2023-05-31")])
    assert windows.note([windows.outside(table, "2023-05-11", "2023-11-24", "t")], "2023-05-11", "2023-11-24") == ""


def test_the_note_names_every_table_with_rows_outside():
    inside = frame([("2023-06-01", "2023-06-30")])
    late = frame([("2023-06-01", "2023-06-30"), ("2023-12-01", "2023-12-31")])
    found = [windows.outside(inside, "2023-05-11", "2023-11-24", "a"), windows.outside(late, "2023-05-11", "2023-11-24", "b")]
    assert windows.note(found, "2023-05-11", "2023-11-24") == (
        "Outside this page's window (11 May 2023 – 24 Nov 2023), and so left out of every number computed over it: "
        "b: 1 row (Dec 2023)."
    )
