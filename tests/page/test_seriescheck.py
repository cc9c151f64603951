"""Window sums over official series, and the OHSS table's quirks (fiscal-year totals, "X" cells)."""

from __future__ import annotations

import pandas as pd
import pytest

from briefs.page import seriescheck
from briefs.data.official import ohss, series
from briefs.page.claims import Ledger


def ohss_raw() -> pd.DataFrame:
    """A miniature OHSS table: a fiscal-year total row (Month 0), "X" where a measure did not apply."""
    return pd.DataFrame({
        "Calendar Year": [2018, 2018, 2019, 2019, 2019],
        "Fiscal Year": [2019, 2019, 2019, 2019, 2019],
        "Month": [0, 12, 1, 2, 3],
        "Repatriations:Total": ["999", "100", "110", "120", "130"],
        "Book-outs:MPP": ["X", "X", "X", "X", "370"],
    })


def test_monthly_drops_fiscal_year_totals_and_keeps_x_as_missing():
    m = ohss.monthly(ohss_raw())
    assert list(m.index) == list(pd.to_datetime(["2018-12-01", "2019-01-01", "2019-02-01", "2019-03-01"]))
    assert m["Repatriations:Total"].sum() == 460  # the 999 fiscal-year total is not counted again
    assert m["Book-outs:MPP"].isna().sum() == 3  # "X" is not zero


def test_window_reports_the_months_it_actually_covered():
    m = ohss.monthly(ohss_raw())
    w = ohss.window(m, "Book-outs:MPP", "2019-01-15", "2019-03-31")
    assert (w.total, w.months, w.requested, w.complete) == (370, 1, 3, False)
    assert w.first == pd.Timestamp("2019-03-01")
    assert w.rounding_bound(ohss.ROUNDING) == 5
    full = ohss.window(m, "Repatriations:Total", "2018-12-01", "2019-03-01")
    assert full.complete and full.total == 460


def test_window_refuses_an_unknown_measure():
    with pytest.raises(KeyError, match="no measure"):
        ohss.window(ohss.monthly(ohss_raw()), "Repatriations:Nothing", "2019-01-01", "2019-02-01")


def test_monthly_refuses_a_table_without_the_ohss_keys():
    with pytest.raises(ValueError, match="not the OHSS monthly table"):
        ohss.monthly(pd.DataFrame({"month": ["2019-01"], "events": [1]}))


def test_covers_needs_every_month():
    values = pd.Series([1.0, 2.0], index=pd.to_datetime(["2019-01-01", "2019-03-01"]))
    assert not seriescheck.covers(values, "2019-01-01", "2019-03-31")
    assert seriescheck.covers(values, "2019-03-01", "2019-03-31")


def test_gap_is_signed_towards_the_series():
    assert seriescheck.Gap(series=144116, document=146000).text() == "−1,884 (−1.3%)"
    assert seriescheck.Gap(series=154617, document=134000).text() == "+20,617 (+15.4%)"


def test_glued_passages_are_recorded_and_keys_stay_unique():
    ledger = Ledger("test")
    seriescheck.glue_absent(ledger, "x_check", "ohss_enforcement_monthly")
    assert ledger.values["x_check"] == series.absent_note("ohss_enforcement_monthly")
    with pytest.raises(ValueError, match="used twice"):
        seriescheck.glue_md(ledger, "x_check", "again")
