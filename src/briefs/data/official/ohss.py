"""The DHS OHSS monthly enforcement table as month-by-month numbers.

The raw table interleaves fiscal-year totals (Month 0) with months, writes "X"
where a measure did not apply or was withheld, and rounds every cell to 10.
A brief that sums a window must not count a fiscal-year total twice, must not
read "X" as zero (MPP did not exist before 2019; a zero would claim it
returned nobody), and must know which months of its window had no value
(`briefs.page.periods.sum_column` reports the months it actually covered).
"""

from __future__ import annotations

import pandas as pd

from briefs.errors import DataError

ROUNDING = 10  # OHSS rounds every published cell to the nearest 10
KEYS = ("Calendar Year", "Fiscal Year", "Month")


def monthly(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar month (a Timestamp index), one float column per measure, NaN for "X"."""
    missing = [k for k in KEYS if k not in raw.columns]
    if missing:
        raise DataError(f"not the OHSS monthly table: no column {', '.join(missing)}")
    months = raw[pd.to_numeric(raw["Month"], errors="coerce") > 0].copy()
    index = pd.to_datetime({"year": months["Calendar Year"].astype(int), "month": months["Month"].astype(int), "day": 1})
    measures = months.drop(columns=list(KEYS)).apply(pd.to_numeric, errors="coerce")
    measures.index = pd.DatetimeIndex(index, name="month")
    return measures.sort_index()
