"""The OHSS monthly table's quirks: fiscal-year totals between the months, "X" cells."""

from __future__ import annotations

import pandas as pd
import pytest

from briefs.data.official import ohss
from briefs.errors import DataError
from tiny_data import ohss_raw


def test_monthly_drops_fiscal_year_totals_and_keeps_x_as_missing():
    m = ohss.monthly(ohss_raw())
    assert list(m.index) == list(pd.to_datetime(["2018-12-01", "2019-01-01", "2019-02-01", "2019-03-01"]))
    assert m["Repatriations:Total"].sum() == 460  # the 999 fiscal-year total is not counted again
    assert m["Book-outs:MPP"].isna().sum() == 3  # "X" is not zero


def test_monthly_refuses_a_table_without_the_ohss_keys():
    with pytest.raises(DataError, match="not the OHSS monthly table: no column Calendar Year, Fiscal Year, Month"):
        ohss.monthly(pd.DataFrame({"month": ["2019-01"], "events": [1]}))
