"""The CILP/COLMEX brief: its figures are transcribed with provenance and its arguments recomputed.

The brief is run once (into a temporary folder) and its claim ledger is
checked against values recomputed here from the data package, so a slip in
the notebook's arithmetic, a figure moved to the wrong note or a glue key the
prose uses but the code never sets fails here rather than on the page.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from briefs.data.package import load_package
from conftest import slow_fixture

ROOT = Path(__file__).resolve().parents[2]
BRIEF = "cilp-colmex-paper"
NOTES = 73  # the paper's notes run from 1 to 73

# Every argument the brief checks: the paper's own, its agreement with the IMUMI factsheet, and CBP's series.
# The comparisons the paper never makes (its deportees against the daily ceiling or INM's rate, Ukrainians against
# CHNV paroles) are values on the page, not claims; the paper's asylum doubling is restated, with its reason.
EXPECTED = {
    "deportees_cover_inm",
    "chnv_cap_same_value",
    "chnv_oversubscription",
    "chnv_paroles_vs_applications",
    "asylum_implied_growth",
    "chnv_crossings_fell",
    "chnv_removals_within_cap",
}
BASES = {
    "deportees_cover_inm": "other_document",
    "chnv_cap_same_value": "other_document",
    "chnv_oversubscription": "own_numbers",
    "chnv_paroles_vs_applications": "own_numbers",
    "asylum_implied_growth": "restated",
    "chnv_crossings_fell": "official_series",
    "chnv_removals_within_cap": "official_series",
}


@pytest.fixture(scope="module")
@slow_fixture
def result(tmp_path_factory):
    from brief_helpers import run_with
    from snapshot_helpers import shared_data

    return run_with(BRIEF, shared_data(), tmp_path_factory.mktemp("runs") / f"{BRIEF}.ipynb")[0]


@pytest.fixture(scope="module")
def ledger(result):
    from briefs.execute import readback
    import nbformat

    return readback.claims(nbformat.read(result.notebook, as_version=4))


@pytest.fixture(scope="module")
def pkg():
    return load_package(ROOT / "data")


def claim(result, claim_id):
    return next(c for c in result.claims if c["id"] == claim_id)


def days(start: date, end: date) -> int:
    return (end - start).days + 1


def test_claims_are_the_expected_ones_and_none_is_contradicted(result):
    assert {c["id"]: c["basis"] for c in result.claims} == BASES
    assert len(result.claims) == len(EXPECTED)
    assert result.contradicted == []
    assert claim(result, "asylum_implied_growth")["reason"]


def test_figures_carry_document_and_a_note_of_the_paper(pkg):
    figs = pkg.figures("000")
    assert not figs.empty
    assert (figs["document"] == "000").all()
    notes = figs["note"].dropna().astype(int)
    assert notes.between(1, NOTES).all()
    published = figs[figs["status"] == "published"]
    in_words = published["precision"] == "in_words"  # stated only in words: the paper's phrase, no value
    assert published.loc[~in_words, "value"].notna().all()
    assert published.loc[in_words, "value"].isna().all() and published.loc[in_words, "printed"].str.len().gt(0).all()
    assert figs.loc[figs["status"] == "unpublished", "value"].isna().all()
    # Only the one sentence that carries no note may lack one, and it says so.
    unnoted = figs[figs["note"].isna()]
    assert list(unnoted["id"]) == ["chnv_removals_accepted"]
    assert "no note" in unnoted["quantity"].iloc[0]


def test_deportee_rate_and_its_gap_with_inm_are_computed_over_each_window(result, ledger, pkg):
    paper, inm = pkg.figure("non_mexican_deportees"), pkg.figure("inm_returns_total_text")
    paper_rate = paper.value / days(paper.period_start, paper.period_end)
    inm_rate = inm.value / days(inm.period_start, inm.period_end)
    values = ledger["values"]
    assert values["deportees_daily_rate"] == f"{paper_rate:,.1f}" and values["inm_daily_rate"] == f"{inm_rate:,.1f}"
    outside = (paper.value - inm.value) / (days(paper.period_start, paper.period_end) - days(inm.period_start, inm.period_end))
    assert values["deportees_outside_inm_rate"] == f"{outside:,.1f}"
    assert ledger["derivations"]["deportees_outside_inm_rate"]["symbols"] == "(70,000 − 19,561) ÷ (519 − 198)"
    cover = claim(result, "deportees_cover_inm")
    assert (cover["value"], cover["published"]) == (paper.value, inm.value)


def test_chnv_ratios_use_the_stated_cap_months_and_counts(result, pkg):
    cap = pkg.figure("chnv_parole_cap_monthly").value
    months = pkg.figure("chnv_sponsor_window_months").value
    sponsors = pkg.figure("chnv_sponsor_applicants").value
    paroles = pkg.figure("chnv_paroles_granted").value
    assert claim(result, "chnv_oversubscription")["value"] == pytest.approx(sponsors / (cap * months))
    assert claim(result, "chnv_paroles_vs_applications")["value"] == paroles


def test_the_misreadings_are_gone(result, ledger):
    text = (ROOT / "notebooks" / f"{BRIEF}.md").read_text(encoding="utf-8")
    assert "dwarf" not in text  # euros are not set beside people
    assert "flows-per-day" not in text  # no chart of four unlike quantities on one scale
    assert not {"ukraine_vs_chnv_paroles", "ukraine_daily_vs_chnv_cap", "chnv_caps_daily_match"} & set(ledger["values"])


def test_crossings_and_removals_are_recomputed_from_cbp(result):
    import pandas as pd
    from briefs.data.official import series
    from snapshot_helpers import shared_data

    enc = pd.read_csv(shared_data() / series.path_of("us_sw_border_encounters").name, keep_default_na=False, dtype={"month": str})
    enc["encounters"] = pd.to_numeric(enc.encounters)
    chnv = enc[enc.citizenship_iso3.isin(["CUB", "HTI", "NIC", "VEN"])]
    bp = chnv[chnv.component == "U.S. Border Patrol"].groupby("month").encounters.sum()
    before, after = bp.loc["2022-10":"2022-12"].sum(), bp.loc["2023-02":"2023-04"].sum()
    assert claim(result, "chnv_crossings_fell")["value"] == pytest.approx(after / before)
    t42 = chnv[(chnv.authority == "Title 42") & (chnv.encounter_type == "Expulsions")].groupby("month").encounters.sum()
    assert claim(result, "chnv_removals_within_cap")["value"] == t42.loc["2023-01":"2023-05"].max()


def test_every_glue_key_in_the_prose_is_set(ledger):
    text = (ROOT / "notebooks" / f"{BRIEF}.md").read_text(encoding="utf-8")
    used = set(re.findall(r"\{glue:text\}`([^`]+)`", text))
    assert used, "the brief's prose should reach its numbers through glue"
    assert used <= set(ledger["values"]), sorted(used - set(ledger["values"]))


def test_every_glued_value_records_what_it_was_computed_from(ledger):
    from brief_helpers import underived

    assert underived(ledger) == []
