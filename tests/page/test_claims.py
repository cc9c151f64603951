"""The claims engine: rules, status, ledger, strict mode."""

from __future__ import annotations

import pytest

from briefs.page import claims, lineage
from briefs.errors import ClaimContradicted, UsageError
from tiny_data import figure, months_table


@pytest.mark.parametrize(
    "rule,value,published,expected",
    [
        (claims.equal(), 19561, 19561, True),
        (claims.equal(), 19562, 19561, False),
        (claims.within(0.05, relative=True), 104, 100, True),
        (claims.within(0.05, relative=True), 106, 100, False),
        (claims.rounds_to(0), 33.2, 33, True),
        (claims.rounds_to(0), 33.6, 33, False),
        (claims.above(0.5), 0.75, None, True),
        (claims.above(0.5), 0.5, None, False),
        (claims.below(), 98.8, 1000, True),
        (claims.at_least(0.99), 0.99, None, True),
        (claims.at_most(0), 1, None, False),
    ],
)
def test_rule_status(rule, value, published, expected):
    assert claims.status(value, published, rule) == (claims.HOLDS if expected else claims.CONTRADICTED)


def test_missing_value_never_holds():
    assert claims.status(float("nan"), 1, claims.equal()) == claims.CONTRADICTED


def test_ledger_records_and_glues(monkeypatch):
    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda key, value, display=True: glued.__setitem__(key, value))
    ledger = claims.Ledger("t")
    ledger.claim("share", "Most were men", 0.753, claims.above(0.5), fmt="{:.1%}")
    ledger.claim("total", "Total matches", 10, claims.equal(), published=11, source="doc, note 1")
    assert glued == {
        "share": "75.3%",
        "total": "10 [contradicted]",
        "total_published": "11",
        "total_instead": "The data give 10, 1 (9.1%) below the threshold of 11.",
    }
    assert [c.id for c in ledger.contradicted] == ["total"]
    record = ledger.record()
    assert record["claims"][1]["status"] == "contradicted" and record["claims"][1]["source"] == "doc, note 1"
    html = ledger.to_html()
    assert "briefs-claim-contradicted" in html and "1 of 2 claims are contradicted" in html


def test_strict_ledger_fails_naming_the_claim(monkeypatch):
    monkeypatch.setattr("myst_nb.glue", lambda *a, **k: None)
    ledger = claims.Ledger("t", strict=True)
    with pytest.raises(ClaimContradicted, match="claim 'total' is contradicted: computed 10, but the rule says it equals 11"):
        ledger.claim("total", "Total matches", 10, claims.equal(), published=11)


def test_duplicate_claim_ids_are_refused(monkeypatch):
    monkeypatch.setattr("myst_nb.glue", lambda *a, **k: None)
    ledger = claims.Ledger("t")
    ledger.claim("a", "x", 1, claims.equal(), published=1)
    with pytest.raises(ValueError, match="used twice"):
        ledger.claim("a", "x", 1, claims.equal(), published=1)


# --- what a claim rests on -----------------------------------------------------------------------


import pandas as pd  # noqa: E402


@pytest.fixture
def quiet(monkeypatch):
    monkeypatch.setattr("myst_nb.glue", lambda *a, **k: None)


def cap(doc="001", id="cap"):
    f = figure(30000.0, unit="people per month", id=id)
    return f if doc == "001" else f.__class__(**{**f.__dict__, "document": doc, "document_name": f"doc {doc}"})


PER_MONTH = lineage.constant(365.25 / 12, "days in an average month", unit="days")


def test_a_value_computed_only_from_the_figure_it_is_compared_with_is_refused(quiet):
    ledger = claims.Ledger("t", derivations=True)
    printed = cap()
    per_day = lineage.figure(printed) / PER_MONTH
    with pytest.raises(UsageError, match="tautology.*only from the figure it is compared with.*restated"):
        ledger.claim(
            "daily", "The ceiling a day", per_day * PER_MONTH, claims.equal(), published=printed, basis=claims.OWN_NUMBERS
        )
    with pytest.raises(UsageError, match="needs a reason"):
        ledger.claim("daily", "The ceiling a day", per_day * PER_MONTH, claims.equal(), published=printed, basis=claims.RESTATED)
    ledger.claim(
        "daily",
        "The ceiling a day",
        per_day * PER_MONTH,
        claims.equal(),
        published=printed,
        basis=claims.RESTATED,
        reason="no series of paroles is in the build",
    )
    assert ledger.claims[0].basis == "restated"


def test_one_printed_figure_against_a_constant_is_refused(quiet):
    ledger = claims.Ledger("t", derivations=True)
    growth = lineage.figure(figure(2.0, unit="times", id="growth"))
    years = lineage.constant(3, "years from 2017 to 2019", unit="")
    with pytest.raises(UsageError, match="one printed figure \\(growth\\) against a constant"):
        ledger.claim("implied", "Demand kept growing", growth**years, claims.above(1), basis=claims.OWN_NUMBERS)
    with pytest.raises(UsageError, match="constants and parameters"):
        ledger.claim("nothing", "Nothing", years * years, claims.above(1), basis=claims.OWN_NUMBERS)


def test_the_declared_basis_must_fit_the_leaves(quiet):
    ledger = claims.Ledger("t", derivations=True)
    rows = lineage.rows(months_table(), "people", resource="inm", label="INM returns", unit="people")
    encounters = lineage.series(
        900,
        "us_sw_border_encounters",
        label="encounters",
        unit="people",
        first=pd.Timestamp("2023-05-01"),
        last=pd.Timestamp("2023-08-01"),
    )
    with pytest.raises(UsageError, match="declared against an official series, but nothing"):
        ledger.claim("a", "x", rows, claims.equal(), published=figure(1000.0), basis=claims.OFFICIAL_SERIES)
    with pytest.raises(UsageError, match="declare basis='official_series'"):
        ledger.claim("b", "x", encounters, claims.below(), published=figure(1000.0), basis=claims.OWN_NUMBERS)
    with pytest.raises(UsageError, match="declared against another document, but its numbers come from one document"):
        ledger.claim("c", "x", lineage.figure(cap(id="p")), claims.equal(), published=cap(), basis=claims.OTHER_DOCUMENT)
    with pytest.raises(UsageError, match="draws on documents 000, 001: declare basis='other_document'"):
        ledger.claim("d", "x", lineage.figure(cap("000", id="p")), claims.equal(), published=cap(), basis=claims.OWN_NUMBERS)
    with pytest.raises(UsageError, match="must declare its basis"):
        ledger.claim("e", "x", rows, claims.equal(), published=figure(1000.0))
    ledger.claim("f", "x", encounters, claims.below(), published=figure(1000.0), basis=claims.OFFICIAL_SERIES)
    ledger.claim("g", "x", lineage.figure(cap("000", id="p")), claims.equal(), published=cap(), basis=claims.OTHER_DOCUMENT)
    ledger.claim("h", "x", rows, claims.equal(), published=figure(1000.0), basis=claims.OWN_NUMBERS)
    assert [c.basis for c in ledger.claims] == ["official_series", "other_document", "own_numbers"]


def test_the_summary_counts_claims_by_basis_and_by_kind_of_contradiction(quiet):
    ledger = claims.Ledger("t", derivations=True)
    rows = lineage.rows(months_table(), "people", resource="inm", label="INM returns", unit="people")
    encounters = lineage.series(
        900,
        "us_sw_border_encounters",
        label="encounters",
        unit="people",
        first=pd.Timestamp("2023-05-01"),
        last=pd.Timestamp("2023-08-01"),
    )
    ledger.claim("a", "Matches the printed total", rows, claims.equal(), published=figure(1001.0), basis=claims.OWN_NUMBERS)
    ledger.claim(
        "b",
        "More than the series",
        encounters,
        claims.above(),
        published=figure(1000.0),
        basis=claims.OFFICIAL_SERIES,
        kind=claims.ARGUMENT,
    )
    ledger.claim("c", "Below the series", encounters, claims.below(), published=figure(1000.0), basis=claims.OFFICIAL_SERIES)
    summary = ledger.record()["summary"]
    assert summary["by_basis"] == {
        "official_series": {"claims": 2, "contradicted": 1},
        "own_numbers": {"claims": 1, "contradicted": 1},
    }
    assert (summary["contradicted_numbers"], summary["contradicted_arguments"]) == (1, 1)
    html = ledger.to_html()
    assert html.index("Checked against an official series (2)") < html.index(
        "Checked against the document&#x27;s own numbers (1)"
    )
    assert "contradicted: the argument" in html and "contradicted: the number" in html
    assert "1 on a number (the figure is off) and 1 on an argument" in ledger.summary_text()


def test_a_contradicted_row_reads_on_its_own(quiet):
    ledger = claims.Ledger("t", derivations=True)
    rows = lineage.rows(months_table(), "people", resource="inm", label="INM returns", unit="people")
    ledger.claim("a", "Matches the printed total", rows, claims.equal(), published=figure(1250.0), basis=claims.OWN_NUMBERS)
    c = ledger.claims[0]
    assert c.value_display == "1,000 people" and c.published_display == "1,250 people"
    assert c.period == "11 May 2023 – 24 Aug 2023"
    assert c.instead == "The data give 1,000 people, 250 people (20.0%) below the published 1,250 people."
    assert ledger.values["a_instead"] == c.instead
    ledger.claim(
        "b",
        "Above",
        rows,
        claims.at_least(),
        published=figure(2000.0),
        basis=claims.OWN_NUMBERS,
        kind=claims.ARGUMENT,
        instead="INM's table holds half as many.",
    )
    assert ledger.claims[1].instead == "INM's table holds half as many."
    assert "What the data show instead: INM&#x27;s table holds half as many." in ledger.to_html()


def test_a_finding_says_which_reading_matches_and_is_not_a_claim(quiet):
    ledger = claims.Ledger("t", derivations=True)
    may = figure(146000.0, id="may")

    def enc(v, where):
        return lineage.series(
            v,
            "us_sw_border_encounters",
            label=where,
            unit="people",
            first=pd.Timestamp("2019-05-01"),
            last=pd.Timestamp("2019-05-01"),
        )

    found = ledger.finding(
        "may_measure",
        "Which U.S. count is the article's May figure?",
        may,
        {"all": enc(144116, "all encounters"), "bp": enc(132856, "Border Patrol alone")},
        claims.within(0.05, relative=True),
    )
    assert found.matches == ["all encounters"] and ledger.values["may_measure"] == "all encounters"
    assert ledger.claims == [] and ledger.record()["summary"]["findings"] == 1
    assert ledger.values["may_measure_bp"] == "132,856"
    assert "Findings: which count matches the document" in ledger.to_html()


def test_a_figure_in_words_cannot_be_a_published_value_or_a_reference(monkeypatch):
    """A quantity the document gives only in words has no number to compare with: the ledger refuses it."""
    monkeypatch.setattr("myst_nb.glue", lambda *a, **k: None)
    ledger = claims.Ledger("t", derivations=True)
    total = lineage.rows(months_table(), "people", resource="inm", label="INM returns", unit="people")
    words = figure(value=None, precision="in_words", printed="thousands of families", id="w")
    with pytest.raises(UsageError, match="figure 'w' is stated only in words"):
        ledger.claim("t1", "A count in words", total, claims.at_least(), published=words, basis=claims.OWN_NUMBERS)
    with pytest.raises(UsageError, match="figure 'w' is stated only in words"):
        ledger.finding("f1", "Which count is it?", words, {"all": total}, claims.equal())
    assert ledger.claims == [] and ledger.findings == []
