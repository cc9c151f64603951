"""The NIJC/FWD.us chapter brief (document 004), run without the official series and with them.

Without the series only the chapter's own arithmetic is claimed and each check
says it was not made. With them the test names exactly which figures the DHS
and Mexican tables contradict, and recomputes the sums and ratios itself from
the CSV files rather than trusting the brief's code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from briefs.data.official import series
from briefs.data.package import load_package
from brief_helpers import by_id, chart_names, run_with, underived
from snapshot_helpers import shared_data
from conftest import slow_fixture

REPO = Path(__file__).resolve().parents[2]
BRIEF = "nijc-fwd-chapter"
CHECKS = {
    "mpp_check": "ohss_enforcement_monthly",
    "t42_check": "ohss_enforcement_monthly",
    "haiti_check": "mx_deportations_and_returns",
    "haiti_t42_check": "us_sw_border_encounters",
}
CHAPTER_CLAIMS = {"nijc_aca_share_granted", "nijc_t42_nearly_million"}
OHSS_CLAIMS = {"nijc_mpp_ohss", "nijc_t42_ohss_june", "nijc_t42_biden_pace"}
HAITI_CLAIMS = {"nijc_haiti_ratio_all", "nijc_haiti_rise"}
CBP_CLAIMS = {"nijc_haiti_t42_thousands"}
FINDINGS = {"nijc_t42_month_counted", "nijc_haiti_count"}
# What the official tables contradict: Mexico's returns of Haitians do not give the chapter's 2,330% (a number
# that is off), though they show the steep rise it argues (nijc_haiti_rise holds).
CONTRADICTED = {"nijc_haiti_ratio_all"}
T42 = "Repatriations:Title 42 Expulsions"


@pytest.fixture(scope="module")
@slow_fixture
def absent(tmp_path_factory):
    return run_with(BRIEF, tmp_path_factory.mktemp("no-series"), tmp_path_factory.mktemp("out") / f"{BRIEF}.ipynb")


@pytest.fixture(scope="module")
@slow_fixture
def present(tmp_path_factory):
    return run_with(BRIEF, shared_data(), tmp_path_factory.mktemp("out") / f"{BRIEF}.ipynb")


@pytest.fixture(scope="module")
def pkg():
    return load_package(REPO / "data" / "datapackage.json")


@pytest.fixture(scope="module")
def ohss_months():
    raw = pd.read_csv(shared_data() / series.path_of("ohss_enforcement_monthly", REPO).name, keep_default_na=False)
    raw = raw[raw.Month != 0]
    raw = raw.assign(ym=raw["Calendar Year"] * 100 + raw.Month)
    return raw.set_index("ym").apply(pd.to_numeric, errors="coerce")


# --- without the series -----------------------------------------------------------------------


def test_without_series_only_the_chapters_own_arithmetic_is_claimed(absent):
    result, _, _ = absent
    assert set(by_id(result)) == CHAPTER_CLAIMS
    assert result.contradicted == []


def test_without_series_each_check_says_plainly_it_was_not_made(absent):
    _, nb, ledger = absent
    for key, name in CHECKS.items():
        assert ledger["values"][key] == series.absent_note(name)
    assert chart_names(nb) == {"mpp-in-numbers"}


def test_chapter_arithmetic_uses_the_transcribed_figures(absent, pkg):
    result, _, _ = absent
    claims = by_id(result)
    assert claims["nijc_aca_share_granted"]["value"] == 0
    assert claims["nijc_aca_share_granted"]["basis"] == "restated" and claims["nijc_aca_share_granted"]["reason"]
    assert claims["nijc_t42_nearly_million"]["published"] == pkg.figure("nijc_t42_nearly_million").value


def test_the_misreadings_are_gone(absent):
    _, _, ledger = absent
    values = ledger["values"]
    assert "metering_vs_enrolled" not in values  # a stock over a cumulative count
    assert "nijc_mpp_attacks_per_100" not in values  # no 'at least' from a quotient of two floors
    text = (REPO / "notebooks" / f"{BRIEF}.md").read_text(encoding="utf-8")
    assert "neither a floor nor a ceiling" in text and "different and larger group" in text


# --- with the series --------------------------------------------------------------------------


def test_with_series_every_check_is_claimed(present):
    result, _, ledger = present
    assert set(by_id(result)) == CHAPTER_CLAIMS | OHSS_CLAIMS | HAITI_CLAIMS | CBP_CLAIMS
    assert {f["id"] for f in ledger["findings"]} == FINDINGS


def test_with_series_exactly_the_expected_figures_are_contradicted(present):
    result, _, _ = present
    assert {c["id"] for c in result.contradicted} == CONTRADICTED


def test_title42_windows_are_recomputed_from_the_dhs_table(present, ohss_months, pkg):
    result, _, ledger = present
    claims = by_id(result)
    col = ohss_months[T42]
    to_june = col.loc[202003:202106].sum()
    to_july = col.loc[202003:202107].sum()
    assert claims["nijc_t42_ohss_june"]["value"] == to_june
    finding = {f["id"]: f for f in ledger["findings"]}["nijc_t42_month_counted"]
    assert {c["key"]: c["value"] for c in finding["candidates"]} == {"june": to_june, "july": to_july}
    assert finding["matches"] == ["to the end of June 2021"]
    chapter = pkg.figure("nijc_t42_expulsions").value
    # The finding: the chapter's figure is nearer the count that stops at June than the one including July.
    assert abs(to_june - chapter) < abs(to_july - chapter)
    assert "fits a count up to the end of June" in ledger["values"]["t42_check"]


def test_biden_pace_compares_monthly_averages(present, ohss_months):
    result, _, _ = present
    col = ohss_months[T42]
    trump, biden = col.loc[202003:202101].mean(), col.loc[202102:202107].mean()
    assert by_id(result)["nijc_t42_biden_pace"]["value"] == pytest.approx(biden / trump)


def result_values(run) -> dict:
    return run[2]["values"]


def test_mpp_total_counts_only_months_with_values(present, ohss_months):
    result, _, _ = present
    col = ohss_months["Southwest Border Book-outs/CBP:Migrant Protection Protocols"]
    assert col.loc[201901:201902].isna().all()  # MPP began in January 2019, but the table marks those months "X"
    assert by_id(result)["nijc_mpp_ohss"]["value"] == col.loc[201901:202107].sum()
    # The gap reads as on the figure ledger's page: DHS less the chapter's figure, as a share of the figure.
    from briefs.page import compare

    gap = compare.series_gap(col.loc[201901:202107].sum(), 71021).text()
    assert gap == "−3,471 (−4.9%)" and gap in result_values(present)["mpp_check"]


def test_haitian_ratio_is_recomputed_from_mexicos_table(present, pkg):
    result, _, ledger = present
    ret = pd.read_csv(
        shared_data() / series.path_of("mx_deportations_and_returns", REPO).name, keep_default_na=False, dtype={"month": str}
    )
    hti = ret[ret.nationality_iso3 == "HTI"]
    per_year = hti.groupby(hti.month.str[:4])["people"].sum()
    claim = by_id(result)["nijc_haiti_ratio_all"]
    assert claim["value"] == pytest.approx(per_year["2019"] / per_year["2018"])
    assert claim["published"] == pytest.approx(1 + pkg.figure("nijc_haiti_deportations_rise").value / 100)
    assert f"{per_year['2018']:,} Haitians" in ledger["values"]["haiti_check"]
    assert (claim["kind"], by_id(result)["nijc_haiti_rise"]["status"]) == (
        "number",
        "holds",
    )  # the number is off, not the argument


def test_haitian_families_expelled_are_recomputed_from_cbp(present):
    result, _, _ = present
    enc = pd.read_csv(shared_data() / series.path_of("us_sw_border_encounters").name, keep_default_na=False, dtype={"month": str})
    rows = enc[
        (enc.month >= "2020-03")
        & (enc.month <= "2021-06")
        & (enc.authority == "Title 42")
        & (enc.citizenship_iso3 == "HTI")
        & (enc.demographic == "FMUA")
    ]
    assert by_id(result)["nijc_haiti_t42_thousands"]["value"] == pd.to_numeric(rows.encounters).sum()


def test_every_glued_value_records_what_it_was_computed_from_and_every_claim_its_basis(present):
    result, _, ledger = present
    assert underived(ledger) == []
    assert all(c["basis"] in ("official_series", "other_document", "own_numbers", "restated") for c in result.claims)
