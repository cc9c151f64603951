"""How a glued value is computed, as the outputs lock keeps it: stable when only the data change."""

from __future__ import annotations

from briefs.review import formulas
from briefs.review.diff import compare_formulas

RECORD = {
    "claim": "daily_average",
    "formula": "people returned divided by days in the window",
    "symbols": "14,719 ÷ 143",
    "value": 102.93,
    "unit": "people per day",
    "label": "people returned a day",
    "period": "11 May 2023 – 30 Sep 2023",
    "inputs": [
        {
            "label": "people returned",
            "value": 14719,
            "unit": "people",
            "source": {"kind": "resource", "resource": "inm_returns_by_nationality", "rows": "May to Sep", "sha256": "aa"},
        },
        {"label": "days in the window", "value": 143, "unit": "days", "source": {"kind": "parameter", "name": "end"}},
    ],
}


def test_a_line_names_the_formula_and_its_inputs_without_values_or_hashes():
    line = formulas.row("daily_average", RECORD)
    assert line["formula"] == RECORD["formula"] and line["unit"] == "people per day"
    assert (
        line["inputs"] == "people returned [resource inm_returns_by_nationality (May to Sep)]; days in the window [parameter end]"
    )
    assert "14,719" not in str(line) and "aa" not in line["inputs"]


def test_new_data_change_no_line_a_new_input_does():
    newer = dict(RECORD, value=110.0, symbols="15,730 ÷ 143")
    newer["inputs"] = [
        dict(RECORD["inputs"][0], value=15730, source=dict(RECORD["inputs"][0]["source"], sha256="bb")),
        RECORD["inputs"][1],
    ]
    assert formulas.row("k", newer) == formulas.row("k", RECORD)
    other = dict(RECORD, inputs=[RECORD["inputs"][0], {"label": "days in a year", "source": {"kind": "constant", "why": "365"}}])
    (change,) = compare_formulas({"k": formulas.row("k", RECORD)}, {"k": formulas.row("k", other)})
    assert change.key == "k" and "parameter end" in change.old and "constant (365)" in change.new


def test_no_change_is_reported_when_one_side_kept_no_derivations():
    assert compare_formulas(None, {"k": formulas.row("k", RECORD)}) == []
    assert compare_formulas({"k": formulas.row("k", RECORD)}, {}) == []


def test_a_text_glued_from_a_figure_names_the_figure():
    line = formulas.row("note", {"kind": "text", "source": {"kind": "figure", "figure": "cap", "citation": "MPI brief, note 3"}})
    assert line["formula"] == "text" and line["inputs"] == "[figure cap (MPI brief, note 3)]"
