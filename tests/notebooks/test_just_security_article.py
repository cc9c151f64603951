"""The Just Security brief (document 003), run without the official series and with them.

Without the series the brief must still run, keep only the article's own
arithmetic as claims, and say on the page that each check was not made. With
them, the checks are findings: the test names exactly which of the article's
figures the series contradicts, and recomputes the key series values itself
from the CSV files, so a brief that summed the wrong rows would fail here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from briefs.data.official import series
from briefs.data.package import load_package
from brief_helpers import by_id, chart_names, run_with, underived
from snapshot_helpers import shared_data
from conftest import slow_fixture

REPO = Path(__file__).resolve().parents[2]
BRIEF = "just-security-article"
CHECKS = {
    "us_check": "us_sw_border_encounters",
    "mx_check": "mx_irregular_events_by_nationality",
    "mpp_check": "ohss_enforcement_monthly",
    "dep_check": "mx_deportations_and_returns",
}
ARTICLE_CLAIMS = {"js_mx_ratio", "js_mx_pace_ratio", "js_us_cut_article"}
US_CLAIMS = {"js_us_may_all", "js_us_aug_all", "js_us_may_over", "js_us_fell_may_aug", "js_us_halved_by_sep"}
MX_CLAIMS = {"js_mx_2019_all", "js_mx_2018_all", "js_mx_pace_series"}
DEP_CLAIMS = {"js_mx_deportations_rise"}
MPP_CLAIMS = {"js_mpp_ohss"}
# The project's own alternative readings are findings, not claims of the article.
FINDINGS = {"js_us_may_measure", "js_us_aug_measure", "js_mx_2019_count", "js_mx_2018_count"}
# What the official series contradict: May 2019 is no longer "over" the article's figure (a revision-sized gap, a
# number); the article's Mexican figures are not the plain counts of all nationalities for the periods it names.
CONTRADICTED = {"js_us_may_over", "js_mx_2019_all", "js_mx_2018_all"}


@pytest.fixture(scope="module")
@slow_fixture
def absent(tmp_path_factory):
    empty = tmp_path_factory.mktemp("no-series")
    return run_with(BRIEF, empty, tmp_path_factory.mktemp("out") / f"{BRIEF}.ipynb")


@pytest.fixture(scope="module")
@slow_fixture
def present(tmp_path_factory):
    return run_with(BRIEF, shared_data(), tmp_path_factory.mktemp("out") / f"{BRIEF}.ipynb")


@pytest.fixture(scope="module")
def pkg():
    return load_package(REPO / "data" / "datapackage.json")


def load(name: str) -> pd.DataFrame:
    return pd.read_csv(
        shared_data() / series.path_of(name, REPO).name, keep_default_na=False, na_values=[""], dtype={"month": str}
    )


# --- without the series -----------------------------------------------------------------------


def test_without_series_only_the_articles_own_arithmetic_is_claimed(absent):
    result, _, _ = absent
    assert set(by_id(result)) == ARTICLE_CLAIMS
    assert result.contradicted == []


def test_without_series_each_check_says_plainly_it_was_not_made(absent):
    _, _, ledger = absent
    for key, name in CHECKS.items():
        assert ledger["values"][key] == series.absent_note(name)
        assert "not available" in ledger["values"][key]


def test_without_series_no_series_chart_or_table_is_drawn(absent):
    _, nb, _ = absent
    assert chart_names(nb) == {"mexico-arrests-per-month"}


def test_article_arithmetic_uses_the_transcribed_figures(absent, pkg):
    result, _, _ = absent
    claims = by_id(result)
    mx18, mx19 = pkg.figure("js_mx_arrests_2018").value, pkg.figure("js_mx_arrests_2019_jan_sep").value
    assert claims["js_mx_ratio"]["value"] == pytest.approx(mx19 / mx18)
    assert claims["js_mx_pace_ratio"]["value"] == pytest.approx((mx19 / 9) / (mx18 / 12))
    may, aug = pkg.figure("js_us_may_2019").value, pkg.figure("js_us_aug_2019").value
    assert claims["js_us_cut_article"]["value"] == pytest.approx(100 * (1 - aug / may))
    assert claims["js_us_cut_article"]["published"] == pkg.figure("js_us_cut_by_september").value


# --- with the series --------------------------------------------------------------------------


def test_with_series_every_check_is_claimed(present):
    result, _, ledger = present
    assert set(by_id(result)) == ARTICLE_CLAIMS | US_CLAIMS | MX_CLAIMS | DEP_CLAIMS | MPP_CLAIMS
    assert len(result.claims) == 13
    assert {f["id"] for f in ledger["findings"]} == FINDINGS
    assert ledger["summary"]["by_basis"] == {
        "official_series": {"claims": 10, "contradicted": 3},
        "own_numbers": {"claims": 3, "contradicted": 0},
    }


def test_with_series_exactly_the_expected_figures_are_contradicted(present):
    result, _, _ = present
    assert {c["id"] for c in result.contradicted} == CONTRADICTED


def test_the_article_counted_all_encounters_not_border_patrol_alone(present):
    result, _, ledger = present
    claims = by_id(result)
    enc = load("us_sw_border_encounters")
    may = enc[enc.month == "2019-05"]
    assert claims["js_us_may_all"]["value"] == may.encounters.sum()
    finding = {f["id"]: f for f in ledger["findings"]}["js_us_may_measure"]
    values = {c["key"]: c["value"] for c in finding["candidates"]}
    assert values["bp"] == may[may.component == "U.S. Border Patrol"].encounters.sum()
    assert finding["matches"] == ["all encounters (Border Patrol and Field Operations together)"]
    assert claims["js_us_may_all"]["status"] == "holds" and claims["js_us_aug_all"]["status"] == "holds"
    assert "Only all encounters" in ledger["values"]["us_check"]


def test_nine_months_against_a_year_is_a_finding_against_the_article_not_a_success(present):
    result, _, ledger = present
    finding = {f["id"]: f for f in ledger["findings"]}["js_mx_2018_count"]
    assert finding["matches"] == ["Central Americans, January to September 2018"]
    claim = by_id(result)["js_mx_2018_all"]
    assert claim["status"] == "contradicted" and "nine months, not a year" in claim["instead"]
    assert by_id(result)["js_mx_pace_series"]["status"] == "holds"  # the rise the article argues is there


def test_mexicos_official_count_is_recomputed_from_the_series(present, pkg):
    result, _, _ = present
    claims = by_id(result)
    ev = load("mx_irregular_events_by_nationality")
    in_2018 = ev[ev.month.str.startswith("2018")].events.sum()
    assert claims["js_mx_2018_all"]["value"] == in_2018
    assert claims["js_mx_2018_all"]["published"] == pkg.figure("js_mx_arrests_2018").value
    gap = abs(in_2018 - pkg.figure("js_mx_arrests_2018").value) / pkg.figure("js_mx_arrests_2018").value
    assert gap > 0.05  # the finding shown on the page, not a tolerance tuned to the data


def test_mpp_check_sums_cbp_book_outs_up_to_the_articles_month(present):
    result, _, ledger = present
    raw = load("ohss_enforcement_monthly")
    months = raw[(raw.Month != 0) & (raw["Calendar Year"] * 100 + raw.Month <= 202001)]
    expected = pd.to_numeric(months["Southwest Border Book-outs/CBP:Migrant Protection Protocols"], errors="coerce").sum()
    assert by_id(result)["js_mpp_ohss"]["value"] == expected
    assert "more than" in ledger["values"]["mpp_check"]


@pytest.mark.slow
def test_series_checks_are_independent_of_each_other(tmp_path):
    """With only the DHS table present, only its check is made and the other two say they were not."""
    mirror = shared_data()
    only = tmp_path / "only-ohss"
    only.mkdir()
    shutil.copy(mirror / series.path_of("ohss_enforcement_monthly", REPO).name, only)
    result, _, ledger = run_with(BRIEF, only, tmp_path / f"{BRIEF}.ipynb")
    assert set(by_id(result)) == ARTICLE_CLAIMS | MPP_CLAIMS
    assert ledger["values"]["dep_check"] == series.absent_note("mx_deportations_and_returns")
    assert ledger["values"]["us_check"] == series.absent_note("us_sw_border_encounters")
    assert ledger["values"]["mx_check"] == series.absent_note("mx_irregular_events_by_nationality")


def test_every_glued_value_records_what_it_was_computed_from_and_every_claim_its_basis(present):
    result, _, ledger = present
    assert underived(ledger) == []
    assert all(c["basis"] in ("official_series", "other_document", "own_numbers", "restated") for c in result.claims)
