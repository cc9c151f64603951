"""Series checks: the gap to a document's figure, and what a page says when a check cannot be made."""

from __future__ import annotations

import pytest

from briefs.page import seriescheck
from briefs.data.official import series
from briefs.page.claims import Ledger


def test_gap_is_signed_towards_the_series():
    assert seriescheck.Gap(series=144116, document=146000).text() == "−1,884 (−1.3%)"
    assert seriescheck.Gap(series=154617, document=134000).text() == "+20,617 (+15.4%)"


def test_glued_passages_are_recorded_and_keys_stay_unique():
    ledger = Ledger("test")
    seriescheck.glue_absent(ledger, "x_check", "ohss_enforcement_monthly")
    assert ledger.values["x_check"] == series.absent_note("ohss_enforcement_monthly")
    with pytest.raises(ValueError, match="used twice"):
        seriescheck.glue_md(ledger, "x_check", "again")
