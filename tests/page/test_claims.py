"""The claims engine: rules, status, ledger, strict mode."""

from __future__ import annotations

import pytest

from briefs.page import claims
from briefs.errors import ClaimContradicted


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
    assert glued == {"share": "75.3%", "total": "10 [contradicted]", "total_published": "11",
                     "total_instead": "The data give 10, 1 (-9.1%) below the published figure's 11."}
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
