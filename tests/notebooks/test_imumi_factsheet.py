"""The IMUMI factsheet brief (document 001): what each claim rests on, the readings it fixes, and a break.

The brief draws on the factsheet's own numbers (INM's tables and the figures its text and
notes print) and, for the dates of MPP's two runs, on DHS's monthly book-outs; the test re-derives the shared reading of
the U.S. statements against INM's table, and re-runs the brief on a copy of the data in
which the sworn declaration no longer exceeds INM's count, to see the claims table name the
argument that broke and say what the data show instead.
"""

from __future__ import annotations


import nbformat
import pandas as pd
import pytest

from briefs.execute import readback
from briefs.execute.run import run_brief
from brief_helpers import by_id, claims_html, modified_package
from conftest import REPO, slow_fixture

BRIEF = "imumi-factsheet"


@pytest.fixture(scope="module")
@slow_fixture
def run(tmp_path_factory):
    result = run_brief(BRIEF, root=REPO, output=tmp_path_factory.mktemp("out") / f"{BRIEF}.ipynb")
    nb = nbformat.read(result.notebook, as_version=4)
    return result, nb, readback.claims(nb)


def test_every_claim_rests_on_the_factsheets_own_numbers_or_dhs_table_and_every_value_has_a_derivation(run):
    result, _, ledger = run
    # One claim, MPP's two runs (note 3), rests on DHS's monthly book-outs; every other on the factsheet's own numbers.
    assert {c["id"] for c in result.claims if c["basis"] != "own_numbers"} == {"mpp_runs_ohss"}
    assert ledger["summary"]["by_basis"] == {
        "own_numbers": {"claims": len(result.claims) - 1, "contradicted": 1},
        "official_series": {"claims": 1, "contradicted": 1},
    }
    plain = [k for k, rec in ledger["derivations"].items() if rec.get("kind") == "number"]
    assert plain == [] and set(ledger["derivations"]) == set(ledger["values"])


def test_the_chnv_reading_is_the_bracket_not_the_may_column(run):
    _, _, ledger = run
    nat = pd.read_csv(REPO / "data" / "inm_returns_by_nationality.csv", parse_dates=["period_start", "period_end"])
    chnv = nat[nat.nationality.isin(["Cuba", "Haiti", "Nicaragua", "Venezuela"])]
    floor = chnv[(chnv.period_start >= "2023-05-12") & (chnv.period_end <= "2023-09-30")].people.sum()
    ceiling = chnv[(chnv.period_end >= "2023-05-12") & (chnv.period_start <= "2023-09-30")].people.sum()
    assert ledger["values"]["inm_chnv_floor"] == f"{floor:,}" and ledger["values"]["inm_chnv_may_sep"] == f"{ceiling:,}"
    assert ledger["values"]["chnv_reading"] == "between the floor and the ceiling"
    assert "chnv_inm_vs_declaration" not in by_id(run[0])


def test_the_misreadings_are_gone_from_the_page():
    text = (REPO / "notebooks" / f"{BRIEF}.md").read_text(encoding="utf-8")
    assert "adult men (" not in text and "mostly adult men" not in text
    assert "both governments announced" not in text
    assert "more than once" in text  # note 36's warning travels with the people counted per trip
    assert "not only people the United States" in text  # the bus data cover every migrant INM moved


def test_the_other_row_is_a_contradicted_number_with_what_the_table_holds(run):
    claim = by_id(run[0])["named_nationalities"]
    assert (claim["status"], claim["kind"]) == ("contradicted", "number")
    assert claim["instead"].startswith("The table's 'Other' row holds 51 people")


@pytest.mark.slow
def test_data_that_break_an_argument_show_which_one_and_what_the_data_show_instead(tmp_path):
    def lower(frame):
        frame.loc[frame["id"] == "declaration_non_mexicans", "value"] = "12000"
        return frame

    package = modified_package(tmp_path, "imumi_figures.csv", lower)
    result = run_brief(BRIEF, {"data_package": str(package)}, root=REPO, output=tmp_path / f"{BRIEF}.ipynb")
    claim = by_id(result)["us_declaration_vs_inm"]
    assert (claim["status"], claim["kind"]) == ("contradicted", "argument")
    assert "need not disagree" in claim["instead"] and "12,000" in claim["instead"]
    html = claims_html(nbformat.read(result.notebook, as_version=4))
    row = html[html.index('id="claim-us_declaration_vs_inm"') :]
    row = row[: row.index("</tr>")]
    assert "contradicted: the argument" in row and "What the data show instead" in row and "12,000" in row
