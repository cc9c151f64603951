"""Small stand-ins shared by tests: a document's figure, a table of part months, a miniature OHSS table."""

from __future__ import annotations

from datetime import date

import pandas as pd

from briefs.data.package import Figure


def figure(
    value=1000.0, unit="people", start=date(2023, 5, 12), end=date(2023, 9, 30), precision="approximate", id="f", printed=None
):
    return Figure(
        id=id,
        quantity="something counted",
        value=value,
        unit=unit,
        precision=precision,
        period_start=start,
        period_end=end,
        status="published",
        document="001",
        document_name="IMUMI factsheet",
        location="text",
        note=24,
        cited_work=None,
        printed=printed,
    )


def months_table() -> pd.DataFrame:
    """Rows shaped like INM's: a part month at each end."""
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2023-05-11", "2023-06-01", "2023-07-01", "2023-08-01"]),
            "period_end": pd.to_datetime(["2023-05-31", "2023-06-30", "2023-07-31", "2023-08-24"]),
            "people": [100, 200, 300, 400],
        }
    )


def ohss_raw() -> pd.DataFrame:
    """A miniature OHSS table: a fiscal-year total row (Month 0), "X" where a measure did not apply."""
    return pd.DataFrame(
        {
            "Calendar Year": [2018, 2018, 2019, 2019, 2019],
            "Fiscal Year": [2019, 2019, 2019, 2019, 2019],
            "Month": [0, 12, 1, 2, 3],
            "Repatriations:Total": ["999", "100", "110", "120", "130"],
            "Book-outs:MPP": ["X", "X", "X", "X", "370"],
        }
    )
