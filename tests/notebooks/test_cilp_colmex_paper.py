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
from briefs.execute.run import run_brief
from conftest import slow_fixture

ROOT = Path(__file__).resolve().parents[2]
BRIEF = "cilp-colmex-paper"
NOTES = 73  # the paper's notes run from 1 to 73

# Every argument the brief must check: the paper's own and its comparisons with the IMUMI factsheet.
EXPECTED = {
    "deportees_daily_rate", "deportees_vs_inm_daily", "deportees_outside_inm_rate",
    "chnv_cap_same_value", "chnv_caps_daily_match", "chnv_months_of_cap", "chnv_oversubscription",
    "chnv_paroles_vs_applications", "mexico_price_unpublished", "ukraine_vs_chnv_paroles",
    "ukraine_daily_vs_chnv_cap", "asylum_implied_growth",
}


@pytest.fixture(scope="module")
@slow_fixture
def result(tmp_path_factory):
    return run_brief(BRIEF, root=ROOT, output=tmp_path_factory.mktemp("runs") / f"{BRIEF}.ipynb")


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
    assert {c["id"] for c in result.claims} == EXPECTED
    assert len(result.claims) == len(EXPECTED)
    assert result.contradicted == []


def test_figures_carry_document_and_a_note_of_the_paper(pkg):
    figs = pkg.figures("000")
    assert not figs.empty
    assert (figs["document"] == "000").all()
    notes = figs["note"].dropna().astype(int)
    assert notes.between(1, NOTES).all()
    published = figs[figs["status"] == "published"]
    assert published["value"].notna().all()
    assert figs.loc[figs["status"] == "unpublished", "value"].isna().all()
    # Only the one sentence that carries no note may lack one, and it says so.
    unnoted = figs[figs["note"].isna()]
    assert list(unnoted["id"]) == ["chnv_removals_accepted"]
    assert "no note" in unnoted["quantity"].iloc[0]


def test_deportee_rate_and_its_gap_with_inm_are_computed_over_each_window(result, pkg):
    paper, inm = pkg.figure("non_mexican_deportees"), pkg.figure("inm_returns_total_text")
    paper_rate = paper.value / days(paper.period_start, paper.period_end)
    inm_rate = inm.value / days(inm.period_start, inm.period_end)
    assert claim(result, "deportees_daily_rate")["value"] == pytest.approx(paper_rate)
    gap = claim(result, "deportees_vs_inm_daily")["value"]
    assert gap == pytest.approx(paper_rate - inm_rate)
    assert gap != 0  # the discrepancy is shown, not averaged away
    outside = (paper.value - inm.value) / (days(paper.period_start, paper.period_end) - days(inm.period_start, inm.period_end))
    assert claim(result, "deportees_outside_inm_rate")["value"] == pytest.approx(outside)


def test_chnv_ratios_use_the_stated_cap_months_and_counts(result, pkg):
    cap = pkg.figure("chnv_parole_cap_monthly").value
    months = pkg.figure("chnv_sponsor_window_months").value
    sponsors = pkg.figure("chnv_sponsor_applicants").value
    paroles = pkg.figure("chnv_paroles_granted").value
    assert claim(result, "chnv_oversubscription")["value"] == pytest.approx(sponsors / (cap * months))
    assert claim(result, "chnv_months_of_cap")["value"] == pytest.approx(paroles / cap)
    # The IMUMI factsheet's expulsion ceiling, read a month at a time, is the comparison's reference.
    imumi = pkg.figure("chnv_expulsion_cap_monthly")
    assert imumi.document == "001"
    assert claim(result, "chnv_caps_daily_match")["published"] == pytest.approx(imumi.value * 12 / 365.25)


def test_ukraine_rate_is_per_day_over_the_stated_weeks(result, ledger, pkg):
    ukraine, weeks = pkg.figure("ukraine_eu_sheltered"), pkg.figure("ukraine_weeks")
    cap_per_day = pkg.figure("chnv_parole_cap_monthly").value * 12 / 365.25
    assert claim(result, "ukraine_daily_vs_chnv_cap")["value"] == pytest.approx(ukraine.value / (weeks.value * 7) / cap_per_day)
    assert ledger["values"]["ukraine_daily_rate"] == f"{ukraine.value / (weeks.value * 7):,.0f}"


def test_every_glue_key_in_the_prose_is_set(ledger):
    text = (ROOT / "notebooks" / f"{BRIEF}.md").read_text(encoding="utf-8")
    used = set(re.findall(r"\{glue:text\}`([^`]+)`", text))
    assert used, "the brief's prose should reach its numbers through glue"
    assert used <= set(ledger["values"]), sorted(used - set(ledger["values"]))
