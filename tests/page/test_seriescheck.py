"""Series checks: the gap to a document's figure, and what a page says when a check cannot be made."""

from __future__ import annotations

import pytest

from briefs.page import seriescheck
from briefs.data.official import series
from briefs.page.claims import Ledger
from briefs.errors import UsageError


def test_gap_is_signed_towards_the_series():
    assert seriescheck.Gap(series=144116, document=146000).text() == "−1,884 (−1.3%)"
    assert seriescheck.Gap(series=154617, document=134000).text() == "+20,617 (+15.4%)"


def test_glued_passages_are_recorded_and_keys_stay_unique():
    ledger = Ledger("test")
    seriescheck.glue_md(ledger, "x_check", "*once*")
    assert ledger.values["x_check"] == "*once*"
    with pytest.raises(ValueError, match="used twice"):
        seriescheck.glue_md(ledger, "x_check", "again")


OH, US = "ohss_enforcement_monthly", "us_sw_border_encounters"


@pytest.fixture()
def external(tmp_path, monkeypatch):
    """An empty folder of official series; `fetched(name)` puts a (stand-in) file there."""
    monkeypatch.setenv("BRIEFS_EXTERNAL", str(tmp_path))

    def fetched(name):
        series.path_of(name).write_text("stand-in\n")

    return fetched


def test_an_absent_series_glues_the_absent_note_and_its_short_form(external):
    ledger = Ledger("test")
    state = seriescheck.readiness(
        ledger, "mpp", OH, covered=True, window=("2019-01-01", "2020-01-31"), not_covered="never shown: the series is absent"
    )
    assert state.state == seriescheck.ABSENT and not state.ready and state.missing == (OH,)
    assert ledger.values["mpp_check"] == series.absent_note(OH)
    assert ledger.values["mpp_finding"] == f"Not checked against “{series.title(OH)}”, which this build does not have."


def test_a_series_short_of_the_window_says_which_months_and_the_briefs_own_finding(external):
    external(OH)
    ledger = Ledger("test")
    state = seriescheck.readiness(
        ledger,
        ("mpp", "t42"),
        OH,
        covered=False,
        window=("2019-01-01", "2021-07-31"),
        not_covered="The DHS table does not cover the chapter's period.",
    )
    assert state.state == seriescheck.NOT_COVERED and not state.ready
    for key in ("mpp", "t42"):
        assert ledger.values[f"{key}_check"] == (
            f"The official series “{series.title(OH)}” in this build does not cover every month from "
            "January 2019 to July 2021, so this check was not made."
        )
        assert ledger.values[f"{key}_finding"] == "The DHS table does not cover the chapter's period."


def test_a_ready_check_glues_nothing_so_the_brief_can_say_what_it_found(external):
    external(OH)
    ledger = Ledger("test")
    state = seriescheck.readiness(ledger, "mpp", OH, covered=True, window=("2019-01-01", "2020-01-31"))
    assert state.ready and state.note() == "" and ledger.values == {}


def test_readiness_of_several_series_names_only_the_missing_ones(external):
    external(OH)
    state = seriescheck.Readiness.of(OH, US)
    assert state.state == seriescheck.ABSENT and state.missing == (US,)
    assert state.note() == series.absent_note(US)
    external(US)
    assert seriescheck.Readiness.of(OH, US).ready


def test_not_covered_without_a_window_is_refused(external):
    external(OH)
    with pytest.raises(UsageError, match="needs the window"):
        seriescheck.Readiness.of(OH, covered=False).note()
