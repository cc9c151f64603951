"""Properties that must hold for any input, not just the project's data.

Tables: a recomputed table's totals are the sums of its parts, and pivoting
then melting gives back the tidy counts. Claims: a claim's status depends on
nothing but value, published value and rule, and the order rules are
monotone. Parameters: whatever string a user passes reaches the notebook as
one string literal, never as code.
"""

from __future__ import annotations

import ast
import math
from unittest import mock

import nbformat
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefs.page import claims, periods, tables

settings.register_profile("briefs", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("briefs")

# --- tables -----------------------------------------------------------------------------------

labels = st.text(min_size=1, max_size=12).filter(lambda s: s != tables.TOTAL)


@st.composite
def tidy(draw) -> pd.DataFrame:
    """Counts by category and calendar month, some combinations absent, some rows repeated."""
    cats = draw(st.lists(labels, min_size=1, max_size=5, unique=True))
    months = draw(st.lists(st.integers(0, 59), min_size=1, max_size=6, unique=True))
    cells = draw(
        st.lists(st.tuples(st.sampled_from(cats), st.sampled_from(months), st.integers(0, 10**6)), min_size=1, max_size=40)
    )
    rows = []
    for cat, month, people in cells:
        start = pd.Timestamp(2020, 1, 1) + pd.DateOffset(months=month)
        rows.append((start, start + pd.offsets.MonthEnd(0), cat, people))
    return pd.DataFrame(rows, columns=["period_start", "period_end", "category", "people"])


@given(tidy())
def test_totals_are_the_sums_of_their_parts(frame):
    wide = tables.crosstab(frame, "category")
    body = wide.drop(index=tables.TOTAL, columns=tables.TOTAL)
    assert (wide.loc[body.index, tables.TOTAL] == body.sum(axis=1)).all()
    assert (wide.loc[tables.TOTAL, body.columns] == body.sum(axis=0)).all()
    assert wide.loc[tables.TOTAL, tables.TOTAL] == frame["people"].sum() == body.to_numpy().sum()


@given(tidy(), st.randoms(use_true_random=False))
def test_row_order_changes_no_total(frame, rng):
    cats = sorted(frame["category"].unique())
    order = rng.sample(cats, len(cats))
    wide = tables.crosstab(frame, "category", order=order)
    assert list(wide.index) == [*order, tables.TOTAL]
    assert wide.loc[tables.TOTAL, tables.TOTAL] == frame["people"].sum()


@given(tidy(), st.booleans())
def test_crosstab_then_melt_gives_back_the_counts(frame, totals):
    long = tables.melt(tables.crosstab(frame, "category", totals=totals))
    label = {s: periods.period_label(s, e) for s, e in zip(frame.period_start, frame.period_end)}
    summed = frame.assign(column=frame.period_start.map(label)).groupby(["category", "column"])["people"].sum()
    got = long.set_index(["category", "column"])["people"]
    assert len(got) == frame["category"].nunique() * frame["period_start"].nunique()  # the full grid
    assert got[got != 0].sort_index().to_dict() == summed[summed != 0].sort_index().to_dict()


def test_a_category_named_total_is_refused():
    frame = pd.DataFrame(
        {
            "period_start": [pd.Timestamp("2023-06-01")],
            "period_end": [pd.Timestamp("2023-06-30")],
            "category": [tables.TOTAL],
            "people": [3],
        }
    )
    with pytest.raises(ValueError, match="category named 'Total'"):
        tables.crosstab(frame, "category")


# --- claims -----------------------------------------------------------------------------------

numbers = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
ORDER_RULES = {"above": claims.above, "below": claims.below, "at_least": claims.at_least, "at_most": claims.at_most}
RISING = {"above", "at_least"}  # holding at a value, they hold at every larger value


@st.composite
def rules(draw) -> tuple[claims.Rule, float | None]:
    """A rule with its reference: a target in the rule, or the published value."""
    kind = draw(st.sampled_from(["equal", "within", "rounds_to", *ORDER_RULES]))
    published = draw(numbers)
    if kind == "equal":
        return claims.equal(), published
    if kind == "within":
        return claims.within(draw(st.floats(0, 1e6)), relative=draw(st.booleans())), published
    if kind == "rounds_to":
        return claims.rounds_to(draw(st.integers(0, 3))), published
    if draw(st.booleans()):
        return ORDER_RULES[kind](draw(numbers)), None
    return ORDER_RULES[kind](), published


@given(rules(), numbers, numbers, rules())
def test_status_is_a_pure_function_of_its_arguments(rule_pub, value, other_value, other):
    rule, published = rule_pub
    first = claims.status(value, published, rule)
    claims.status(other_value, other[1], other[0])  # anything else evaluated in between changes nothing
    assert claims.status(value, published, rule) == first
    same = claims.Rule(rule.kind, rule.target, rule.tolerance, rule.relative)  # an equal rule, built afresh
    assert claims.status(value, published, same) == first


@given(rules(), numbers)
def test_a_ledger_decides_as_status_does(rule_pub, value):
    rule, published = rule_pub
    ledger = claims.Ledger("t")
    with mock.patch("myst_nb.glue"):
        ledger.claim("c", "statement", value, rule, published=published, fmt="{:.6g}")
    assert ledger.claims[0].status == claims.status(value, published, rule)


@given(st.sampled_from(sorted(ORDER_RULES)), numbers, numbers, numbers)
def test_order_rules_are_monotone(kind, reference, a, b):
    low, high = min(a, b), max(a, b)
    for rule, published in [(ORDER_RULES[kind](reference), None), (ORDER_RULES[kind](), reference)]:
        holds_low, holds_high = rule.holds(low, published), rule.holds(high, published)
        if kind in RISING:
            assert not holds_low or holds_high
        else:
            assert not holds_high or holds_low


@given(numbers, numbers)
def test_above_and_below_never_both_hold_and_at_least_is_above_or_equal(value, reference):
    assert not (claims.above(reference).holds(value, None) and claims.below(reference).holds(value, None))
    assert claims.at_least(reference).holds(value, None) == (claims.above(reference).holds(value, None) or value == reference)


@given(numbers, numbers, st.floats(0, 1e6), st.floats(0, 1e6))
def test_a_wider_tolerance_never_turns_a_claim_false(value, published, t1, t2):
    narrow, wide = min(t1, t2), max(t1, t2)
    if claims.within(narrow).holds(value, published):
        assert claims.within(wide).holds(value, published)


def test_a_missing_value_never_holds_under_any_rule():
    for rule in [claims.equal(), claims.within(10), claims.rounds_to(0), *(f(0) for f in ORDER_RULES.values())]:
        assert claims.status(math.nan, 0, rule) == claims.CONTRADICTED


# --- parameters -------------------------------------------------------------------------------


@given(st.text(max_size=80))
def test_any_string_parameter_reaches_the_notebook_as_one_literal(value):
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}, "papermill": {}}
    )
    nb.cells = [
        nbformat.v4.new_code_cell('label = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("label", metadata={"tags": []}),
    ]
    out = parameterize_notebook(nb, {"label": value})
    injected = [c for c in out.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    statements = [s for s in ast.parse(injected[0].source).body]
    assert len(statements) == 1 and isinstance(statements[0], ast.Assign)
    assert [t.id for t in statements[0].targets] == ["label"]
    assert ast.literal_eval(statements[0].value) == value
