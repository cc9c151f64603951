"""The figure ledger page, run without the official series and with them.

Without the series the page compares the documents with each other only, and
each series check says plainly that it was not made. With them, the test
recomputes from the raw CSV files (not through the page's code) the sums,
floors, ceilings and rates the page's claims rest on. It also checks that the
page lands in its own part of the table of contents, after the briefs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from briefs.project import catalog
from briefs.data.official import series
from briefs.book.stage import toc
from briefs.media import CHART_MIME, TABLE_MIME
from briefs.data.package import load_package
from briefs.page import compare
from brief_helpers import by_id, outputs, run_with, underived
from snapshot_helpers import shared_data
from conftest import slow_fixture

REPO = Path(__file__).resolve().parents[2]
PAGE = "figure-ledger"
GROUPS = {
    "Non-Mexicans returned to Mexico",
    "People sent to wait in Mexico under MPP",
    "The CHNV bargain",
    "Title 42 expulsions",
    "Mexico's National Guard",
}
# Comparisons no document's own page makes. Those a brief already checks (the U.S. statements against INM's
# ceiling, the MPP and Title 42 counts against DHS, the two parole ceilings, the exact Title 42 count against its
# round figure) are shown here with the same helper and base, not claimed twice; tautologies are gone.
DOCUMENT_CLAIMS = {
    "returns_paper_above_inm_daily",
    "returns_chnv_inm_floor",
    "returns_chnv_inm_ceiling",
    "returns_us_extra_days_rate",
    "mpp_chapter_above_article",
    "chnv_stay_equal",
}
SERIES_CLAIMS = {"mpp_dhs_passes_chapter_later", "chnv_t42_below_cap", "t42_dhs_passes_round_not_before_chapter"}
CHECKS = {
    "mpp_check": "ohss_enforcement_monthly",
    "t42_check": "ohss_enforcement_monthly",
    "chnv_check": "us_sw_border_encounters",
}
MPP = "Southwest Border Book-outs/CBP:Migrant Protection Protocols"
T42 = "Repatriations:Title 42 Expulsions"


def ledger_rows(nb) -> pd.DataFrame:
    (record,) = [t for t in outputs(nb, TABLE_MIME) if t["name"] == "figure-ledger"]
    return pd.DataFrame(record["data"], columns=record["columns"], index=pd.Index(record["index"], name=record["index_name"]))


@pytest.fixture(scope="module")
@slow_fixture
def absent(tmp_path_factory):
    return run_with(PAGE, tmp_path_factory.mktemp("no-series"), tmp_path_factory.mktemp("out") / f"{PAGE}.ipynb")


@pytest.fixture(scope="module")
@slow_fixture
def present(tmp_path_factory):
    return run_with(PAGE, shared_data(), tmp_path_factory.mktemp("out") / f"{PAGE}.ipynb")


@pytest.fixture(scope="module")
def pkg():
    return load_package(REPO / "data" / "datapackage.json")


@pytest.fixture(scope="module")
def inm():
    return pd.read_csv(REPO / "data" / "inm_returns_by_nationality.csv", parse_dates=["period_start", "period_end"])


@pytest.fixture(scope="module")
def ohss_months():
    raw = pd.read_csv(shared_data() / series.path_of("ohss_enforcement_monthly", REPO).name, keep_default_na=False)
    raw = raw[raw.Month != 0]
    raw = raw.assign(ym=raw["Calendar Year"] * 100 + raw.Month)
    return raw.set_index("ym").apply(pd.to_numeric, errors="coerce")


def glue_keys_in_prose() -> set[str]:
    text = (REPO / "notebooks" / f"{PAGE}.md").read_text(encoding="utf-8")
    return set(re.findall(r"\{glue:text\}`([^`]+)`", text)) | set(re.findall(r"```\{glue:md\} (\S+)", text))


# --- the page in the book -----------------------------------------------------------------------


def test_the_page_is_in_its_own_part_after_the_briefs():
    pages = catalog.discover(REPO)
    ledger = catalog.get(PAGE, REPO)
    assert ledger.part == "Across the documents" and ledger.document == ""
    across = {b.name for b in pages if b.part == ledger.part}  # the ledger and the other pages that span documents
    assert all(b.part == catalog.DEFAULT_PART and b.document for b in pages if b.name not in across)
    lines = toc(pages).splitlines()
    captions = [i for i, line in enumerate(lines) if "caption:" in line]
    assert [lines[i].split("caption: ")[1] for i in captions] == ['"Briefs"', '"Across the documents"']
    assert all(lines.index(f"      - file: briefs/{name}") > captions[1] for name in across)
    assert all(lines.index(f"      - file: briefs/{b.name}") < captions[1] for b in pages if b.name not in across)


def test_toc_orders_parts_by_their_first_page_and_keeps_the_briefs_first():
    def brief(name, order, part=catalog.DEFAULT_PART):
        return catalog.Brief(name, REPO / f"{name}.md", name, "", "", order, part=part)

    text = toc([brief("a-late-part", 0, "Later"), brief("b", 1), brief("c-annex", 2, "Annex: tables")])
    parts = [line for line in text.splitlines() if "caption" in line or "file" in line]
    assert parts == [
        '  - caption: "Briefs"',
        "      - file: briefs/b",
        '  - caption: "Later"',
        "      - file: briefs/a-late-part",
        '  - caption: "Annex: tables"',
        "      - file: briefs/c-annex",
    ]


# --- without the series -------------------------------------------------------------------------


def test_without_series_only_the_documents_are_compared(absent):
    result, _, _ = absent
    assert set(by_id(result)) == DOCUMENT_CLAIMS
    assert result.contradicted == []


def test_without_series_every_group_is_there_and_no_series_row(absent):
    _, nb, _ = absent
    rows = ledger_rows(nb)
    assert set(rows.index) == GROUPS
    assert not rows["qualifier"].eq("official series").any()
    assert not rows["source"].isin([series.title(n, REPO) for n in series.names(REPO)]).any()


def test_without_series_each_check_says_plainly_it_was_not_made(absent):
    _, nb, ledger = absent
    for key, name in CHECKS.items():
        assert ledger["values"][key] == series.absent_note(name)
    assert {c["name"] for c in outputs(nb, CHART_MIME)} == {"returns-same-days-chart", "returns-per-day"}


@pytest.mark.slow  # its runs are fetched by name (getfixturevalue), unseen at collection
@pytest.mark.parametrize("run", ["absent", "present"])
def test_every_glue_key_the_prose_uses_is_set(run, request):
    _, _, ledger = request.getfixturevalue(run)
    assert glue_keys_in_prose() - set(ledger["values"]) == set()


def test_rates_are_counts_over_their_own_windows_or_a_stated_reason(absent, pkg):
    _, nb, _ = absent
    rows = ledger_rows(nb)
    known = set(pkg.figures()["id"])
    levels = {"js_national_guard", "nijc_guard_southern_border"}  # strengths of a force: never a flow
    checked = 0
    for _, row in rows[rows.figure.isin(known)].iterrows():
        f, per_day = pkg.figure(row["figure"]), row["per day"]
        if isinstance(per_day, str):  # the column holds the reason when there is no rate
            assert per_day.startswith("no rate: ")
            assert f.period_start is None or f.period_end is None or f.unit == "years" or f.id in levels
        elif f.unit.endswith("per month"):
            assert per_day == pytest.approx(f.value * 12 / 365.25, abs=0.05)
        else:
            days = (f.period_end - f.period_start).days + 1
            assert row["days"] == days and per_day == pytest.approx(f.value / days, abs=0.05)
        checked += 1
    assert checked >= 15
    undated = rows[rows.figure == "nijc_mpp_enrolled"].iloc[0]
    assert undated["per day"] == "no rate: the document states no period"


def test_returns_floors_and_ceilings_are_recomputed_from_inms_table(absent, pkg, inm):
    result, _, ledger = absent
    claims = by_id(result)
    values = ledger["values"]

    def bounds(figure_id, nationalities=None):
        f = pkg.figure(figure_id)
        rows = inm if nationalities is None else inm[inm.nationality.isin(nationalities)]
        start, end = pd.Timestamp(f.period_start), pd.Timestamp(f.period_end)
        inside = rows[(rows.period_start >= start) & (rows.period_end <= end)].people.sum()
        touching = rows[(rows.period_end >= start) & (rows.period_start <= end)].people.sum()
        return inside, touching, f.value

    low, high, us = bounds("declaration_non_mexicans")
    assert values["returns_declaration_vs_inm_ceiling"] == f"{high:,}" and us > high  # the discrepancy
    low, high, us = bounds("dhs_factsheet_non_mexicans")
    assert values["returns_factsheet_vs_inm_ceiling"] == f"{high:,}" and us > high
    low, high, us = bounds("declaration_chnv", ["Cuba", "Haiti", "Nicaragua", "Venezuela"])
    assert (claims["returns_chnv_inm_floor"]["value"], claims["returns_chnv_inm_ceiling"]["value"]) == (low, high)
    assert low <= us <= high  # for CHNV nationals the two governments' counts cannot be told apart
    # The IMUMI page reads the same bracket with the same helper and says the same (test_imumi_factsheet).
    _, nb, _ = absent
    (table,) = [t for t in outputs(nb, TABLE_MIME) if t["name"] == "returns-same-days"]
    readings = dict(zip(table["index"], [row[-1] for row in table["data"]]))
    assert readings["Sworn declaration, CHNV nationals"] == compare.BETWEEN


# --- with the series ----------------------------------------------------------------------------


def test_with_series_every_check_is_claimed_and_the_discrepancies_hold(present):
    result, _, ledger = present
    assert set(by_id(result)) == DOCUMENT_CLAIMS | SERIES_CLAIMS
    assert result.contradicted == []
    for key in CHECKS:
        assert "not available in this build" not in ledger["values"][key]


def test_with_series_the_groups_carry_series_rows_where_they_exist(present):
    _, nb, _ = present
    rows = ledger_rows(nb)
    assert set(rows.index) == GROUPS
    with_series = set(rows[rows["qualifier"] == "official series"].index)
    assert with_series == {"People sent to wait in Mexico under MPP", "Title 42 expulsions"}
    assert {c["name"] for c in outputs(nb, CHART_MIME)} == {
        "returns-same-days-chart",
        "returns-per-day",
        "mpp-running-total",
        "chnv-expulsions-vs-ceiling",
        "title42-running-total",
    }


def test_mpp_running_totals_are_recomputed_from_the_dhs_table(present, ohss_months, pkg):
    result, nb, ledger = present
    claims = by_id(result)
    col = ohss_months[MPP]
    to_article, to_chapter = col.loc[:202001].sum(), col.loc[:202107].sum()
    article, chapter = pkg.figure("js_mpp_received").value, pkg.figure("nijc_mpp_enrolled").value
    assert to_article < article and to_chapter < chapter
    # One reading of the gap on every page: DHS less the document's figure, as a share of the figure.
    for gap in (compare.series_gap(to_article, article).text(), compare.series_gap(to_chapter, chapter).text()):
        assert gap in ledger["values"]["mpp_check"] and gap in ledger["values"]["mpp_finding"]
    assert compare.series_gap(to_chapter, chapter).text() == "−3,471 (−4.9%)"
    rows = ledger_rows(nb)
    assert rows[rows.figure == "nijc_mpp_enrolled"].iloc[0]["gap to the reference"] == "series −3,471 (−4.9%)"
    running = col.dropna().cumsum()
    first_over = running[running > pkg.figure("nijc_mpp_enrolled").value].index.min()
    assert claims["mpp_dhs_passes_chapter_later"]["value"] == (first_over // 100 - 2021) * 12 + first_over % 100 - 7


def test_title42_rates_are_recomputed_from_the_dhs_table(present, ohss_months, pkg):
    result, _, _ = present
    by_id(result)  # the run had to give its claims
    chapter = pkg.figure("nijc_t42_expulsions")
    days = (chapter.period_end - chapter.period_start).days + 1
    dhs = ohss_months[T42].loc[202003:202107].sum()
    _, nb, ledger = present
    row = ledger_rows(nb).query("figure == 'nijc_t42_expulsions'").iloc[0]
    assert row["per day"] == pytest.approx(round(chapter.value / days, 1))
    assert row["gap to the reference"] == f"series {compare.series_gap(dhs / days, chapter.value / days).text('{:,.1f}')} a day"
    to_june = ohss_months[T42].loc[202003:202106].sum()
    assert compare.series_gap(to_june, chapter.value).text() in ledger["values"]["t42_check"]


def test_chnv_expulsions_are_recomputed_from_cbps_series(present, pkg):
    result, _, _ = present
    raw = pd.read_csv(
        shared_data() / series.path_of("us_sw_border_encounters", REPO).name, keep_default_na=False, dtype={"month": str}
    )
    cap = pkg.figure("chnv_expulsion_cap_monthly")
    rows = raw[
        (raw.authority == "Title 42")
        & (raw.encounter_type == "Expulsions")
        & raw.citizenship_iso3.isin(["CUB", "HTI", "NIC", "VEN"])
        & raw.month.between("2023-01", "2023-05")
    ]
    days = (cap.period_end - cap.period_start).days + 1
    claim = by_id(result)["chnv_t42_below_cap"]
    assert claim["value"] == pytest.approx(rows.encounters.sum() / days)
    assert claim["published"] == pytest.approx(cap.value * 12 / 365.25)


def test_every_glued_value_records_what_it_was_computed_from_and_every_claim_its_basis(present):
    result, _, ledger = present
    assert underived(ledger) == []
    assert all(c["basis"] in ("official_series", "other_document", "own_numbers", "restated") for c in result.claims)
