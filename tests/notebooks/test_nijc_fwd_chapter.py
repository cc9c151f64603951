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
from brief_helpers import by_id, chart_names, run_with
from snapshot_helpers import shared_data
from conftest import slow_fixture

REPO = Path(__file__).resolve().parents[2]
BRIEF = "nijc-fwd-chapter"
CHECKS = {"mpp_check": "ohss_enforcement_monthly", "t42_check": "ohss_enforcement_monthly",
          "haiti_check": "mx_deportations_and_returns"}
CHAPTER_CLAIMS = {"nijc_mpp_attacks_per_100", "nijc_aca_share_granted", "nijc_t42_nearly_million", "nijc_mpp_admitted_share"}
OHSS_CLAIMS = {"nijc_mpp_ohss", "nijc_mpp_ohss_over", "nijc_t42_ohss_june", "nijc_t42_ohss_july", "nijc_t42_biden_pace"}
HAITI_CLAIMS = {"nijc_haiti_ratio_all", "nijc_haiti_ratio_deportations"}
# What the official tables contradict: DHS never reaches "more than 71,021" in MPP; a Title 42 count that
# includes July 2021 is far above the chapter's; neither cut of Mexico's returns of Haitians gives its 2,330%.
CONTRADICTED = {"nijc_mpp_ohss_over", "nijc_t42_ohss_july", "nijc_haiti_ratio_all", "nijc_haiti_ratio_deportations"}
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
    raw = pd.read_csv(shared_data() / series.FILES["ohss_enforcement_monthly"], keep_default_na=False)
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
    enrolled = pkg.figure("nijc_mpp_enrolled").value
    assert claims["nijc_mpp_attacks_per_100"]["value"] == pytest.approx(100 * pkg.figure("nijc_mpp_violence_cases").value / enrolled)
    assert claims["nijc_mpp_admitted_share"]["value"] == pytest.approx(pkg.figure("nijc_mpp_admitted").value / enrolled)
    assert claims["nijc_aca_share_granted"]["value"] == 0
    assert claims["nijc_t42_nearly_million"]["published"] == pkg.figure("nijc_t42_nearly_million").value


# --- with the series --------------------------------------------------------------------------


def test_with_series_every_check_is_claimed(present):
    result, _, _ = present
    assert set(by_id(result)) == CHAPTER_CLAIMS | OHSS_CLAIMS | HAITI_CLAIMS
    assert len(result.claims) == 11


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
    assert claims["nijc_t42_ohss_july"]["value"] == to_july
    chapter = pkg.figure("nijc_t42_expulsions").value
    # The finding: the chapter's figure is nearer the count that stops at June than the one including July.
    assert abs(to_june - chapter) < abs(to_july - chapter)
    assert "fits a count up to the end of June" in ledger["values"]["t42_check"]


def test_biden_pace_compares_monthly_averages(present, ohss_months):
    result, _, _ = present
    col = ohss_months[T42]
    trump, biden = col.loc[202003:202101].mean(), col.loc[202102:202107].mean()
    assert by_id(result)["nijc_t42_biden_pace"]["value"] == pytest.approx(biden / trump)


def test_mpp_total_counts_only_months_with_values(present, ohss_months):
    result, _, _ = present
    col = ohss_months["Southwest Border Book-outs/CBP:Migrant Protection Protocols"]
    assert col.loc[201901:201902].isna().all()  # MPP began in January 2019, but the table marks those months "X"
    assert by_id(result)["nijc_mpp_ohss"]["value"] == col.loc[201901:202107].sum()


def test_haitian_ratio_is_recomputed_from_mexicos_table(present, pkg):
    result, _, ledger = present
    ret = pd.read_csv(shared_data() / series.FILES["mx_deportations_and_returns"], keep_default_na=False, dtype={"month": str})
    hti = ret[ret.nationality_iso3 == "HTI"]
    per_year = hti.groupby(hti.month.str[:4])["people"].sum()
    claim = by_id(result)["nijc_haiti_ratio_all"]
    assert claim["value"] == pytest.approx(per_year["2019"] / per_year["2018"])
    assert claim["published"] == pytest.approx(1 + pkg.figure("nijc_haiti_deportations_rise").value / 100)
    assert f"{per_year['2018']:,} Haitians" in ledger["values"]["haiti_check"]
