"""What changed, told to a reader: numbers as numbers, words as words, inputs first, verdicts first.

Nothing here runs a brief: the digests are built in memory and the inputs are small files in a
temporary folder, so each rule is checked on a case made for it. The end-to-end checks on real
runs are in test_diff.py (one changed cell) and tests/publish/test_release.py (two editions).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from briefs.review import changes, words
from briefs.review import diff as bdiff
from briefs.review.digest import Chart, Digest, Table
from briefs.review.inputs import Files
from briefs.review.inputs import compare as compare_inputs
from briefs.review.numbers import canonical, pair, same, shown
from briefs.review.outputs_lock import cell
from briefs.review.prose import Paragraph


# --- numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        (129513, 129513.0),
        ("129513.0", 129513),
        ("129513.0", "129513"),
        (0.1 + 0.2, 0.3),
        ("", None),
        (float("nan"), None),
        (98.79292929292929, "98.7929292929"),
    ],
)
def test_the_same_number_however_written_is_no_change(a, b):
    assert same(a, b) and same(b, a)


@pytest.mark.parametrize(
    "a, b",
    [
        (129513, 129514),
        ("129513", "129514.0"),
        (74.77272727, 74.82323232),
        ("", 0),
        ("001", "1"),
        ("1,450", "1450"),
    ],
)
def test_different_values_are_a_change(a, b):
    assert not same(a, b)


def test_numbers_are_shown_as_a_reader_reads_them():
    assert shown(129513.0) == "129,513" and shown("129513.0") == "129,513" and shown(None) == "—" and shown("") == "—"
    # As many decimals as it takes to see the difference, and no more.
    assert pair(74.77272727, 74.82323232) == ("74.77", "74.82")
    assert pair(0.5, 0.75) == ("0.5", "0.8") or pair(0.5, 0.75) == ("0.5", "0.75")
    assert pair(98.79292929, 98.7979798) == ("98.79", "98.80")


def test_the_lock_writes_one_spelling_per_number():
    assert cell(590.0) == cell("590.0") == "590"
    assert cell(98.79292929292929) == cell("98.79292929292929") == canonical(98.79292929292929) == "98.7929292929"
    assert cell(0.1 + 0.2) == "0.3"
    # Text that is not written as a machine writes a number is left alone.
    assert cell("001") == "001" and cell("2019-03-01") == "2019-03-01" and cell("1,450") == "1,450"


def test_a_count_turned_float_by_a_missing_month_shows_no_change():
    """The issue's case: one month without a value made the whole column floats in the new run."""
    old = [{"month": f"2024-{m:02d}", "count": str(129500 + m)} for m in range(1, 7)]
    new = [{"month": f"2024-{m:02d}", "count": f"{129500 + m}.0"} for m in range(1, 7)] + [{"month": "2024-07", "count": ""}]
    chart = bdiff.compare_charts(Chart("c", "Encounters", "", old), Chart("c", "Encounters", "", new))
    assert chart.rows_changed == [] and chart.rows_added == [{"month": "2024-07", "count": ""}]
    entry = changes._chart_entry(chart, "b", changes.Links(None))
    assert entry.summary == "1 data point added" and [line.text for line in entry.lines] == ["added 2024-07: count —"]


# --- words ---------------------------------------------------------------------------------------------


def test_prose_changes_are_marked_word_by_word():
    old = "INM counted 14,719 people to the end of September, a gap of 6,281."
    new = "INM counted 15,719 people to the end of September, a gap of 5,281."
    runs = words.diff(old, new)
    assert [r.text for r in runs if r.op == words.DELETE] == ["14,719", "6,281"]
    assert [r.text for r in runs if r.op == words.INSERT] == ["15,719", "5,281"]
    assert words.to_html(runs) == (
        "INM counted <del>14,719</del> <ins>15,719</ins> people to the end of September, "
        "a gap of <del>6,281</del> <ins>5,281</ins>."
    )
    assert words.to_text(runs).startswith("INM counted [-14,719-]{+15,719+} people")


def test_a_long_paragraph_is_cut_to_the_words_around_its_change():
    filler = " ".join(f"word{i}" for i in range(60))
    runs = words.excerpt(words.diff(f"{filler} 7 of 7 months. {filler}", f"{filler} 6 of 7 months. {filler}"), 5)
    text = words.to_text(runs)
    assert text.startswith("… ") and text.endswith(" …") and "[-7-]{+6+} of 7 months." in text
    assert len(text.split()) < 20


# --- one brief's section ------------------------------------------------------------------------------


def _claim(cid: str, statement: str, value: float, status: str = "holds") -> dict:
    return {
        "id": cid,
        "statement": statement,
        "value": value,
        "text": f"{value:,.0f}",
        "status": status,
        "rule": "equals 100",
        "published": 100,
        "published_text": "100",
    }


def _digest(name: str, title: str, **kw) -> Digest:
    return Digest(name=name, title=title, origin="memory", **kw)


def test_a_brief_tells_verdicts_then_text_then_tables_then_charts_with_links_and_no_ids():
    table_old = Table("by-nat", "Returns by nationality", "Nationality", ["Cuba", "Haiti"], ["Jun", "Jul"], [[1, 2], [3, 4]])
    table_new = Table(
        "by-nat", "Returns by nationality", "Nationality", ["Cuba", "Haiti", "Peru"], ["Jun", "Jul"], [[1, 2], [3, 5], [7, 8]]
    )
    old = _digest(
        "b",
        "A brief",
        claims=[_claim("total_ok", "The total matches", 100)],
        prose=[Paragraph("INM counted 100 people.", "Key findings")],
        tables={"by-nat": table_old},
        charts={"c": Chart("c", "By month", "", [{"m": "Jun", "n": "3"}])},
    )
    new = _digest(
        "b",
        "A brief",
        claims=[_claim("total_ok", "The total matches", 101, "contradicted")],
        prose=[Paragraph("INM counted 101 people.", "Key findings")],
        tables={"by-nat": table_new},
        charts={"c": Chart("c", "By month", "", [{"m": "Jun", "n": "4"}])},
    )
    page = changes.to_markdown(changes.layout(bdiff.compare({"b": old}, {"b": new}), links=""))
    order = [page.index(h) for h in ("### Verdicts that changed", "### Numbers in the text", "### Tables", "### Charts")]
    assert order == sorted(order)
    assert '- <a href="briefs/b.html#claim-total_ok">The total matches</a>: no longer holds: 100 → 101' in page
    assert '<a href="briefs/b.html#key-findings">Key findings</a>' in page and "<del>100</del> <ins>101</ins>" in page
    assert '<a href="briefs/b.html#table-by-nat">Returns by nationality</a>: 1 cell changed; 1 row added' in page
    assert "  - Haiti, Jul: 4 → 5" in page and "  - added row Peru: Jun 7, Jul 8" in page
    assert '<a href="briefs/b.html#chart-c">By month</a>: 1 data point changed' in page and "Jun: n 3 → 4" in page
    # The claim's id is only ever part of an address.
    assert page.count("total_ok") == page.count("#claim-total_ok") == 1


def test_briefs_with_flipped_verdicts_come_first():
    quiet_old = _digest("a-charts", "Charts only", charts={"c": Chart("c", "C", "", [{"m": "Jun", "n": "1"}])})
    quiet_new = _digest("a-charts", "Charts only", charts={"c": Chart("c", "C", "", [{"m": "Jun", "n": "2"}])})
    flip_old = _digest("z-flips", "Verdicts", claims=[_claim("x", "X holds", 100)])
    flip_new = _digest("z-flips", "Verdicts", claims=[_claim("x", "X holds", 90, "contradicted")])
    report = bdiff.compare({"a-charts": quiet_old, "z-flips": flip_old}, {"a-charts": quiet_new, "z-flips": flip_new})
    page = changes.to_markdown(changes.layout(report))
    assert page.index("## Verdicts") < page.index("## Charts only")


def test_identical_changes_are_folded_into_one_line_with_a_count():
    rows = [f"Region {i}" for i in range(6)]
    old = Table("t", "T", "Region", rows, ["Jun"], [[0] for _ in rows])
    new = Table("t", "T", "Region", rows, ["Jun"], [[None] for _ in rows])
    entry = changes._table_entry(bdiff.compare_tables(old, new), "b", changes.Links(None))
    assert [line.text for line in entry.lines] == ["Jun: 0 → — in 6 rows (" + "; ".join(rows) + ")"]
    same_sentence = [changes.Entry("The chart", None, "drawn differently; its data did not change") for _ in range(6)]
    (folded,) = changes._fold(same_sentence)
    assert folded.count == 6 and "(6 times)" in "\n".join(changes._md_entry(folded))


def test_long_lists_are_folded_behind_details():
    entry = changes.Entry("Many", None, "20 data points added", [changes.Line(f"added {i}") for i in range(20)])
    text = "\n".join(changes._md_entry(entry))
    assert text.count("  - added") == 20
    shown_part, folded = text.split("<details>")
    assert shown_part.count("  - added") == changes.FOLD and "<summary>14 more</summary>" in folded


# --- inputs ---------------------------------------------------------------------------------------------


PACKAGE = {
    "name": "p",
    "resources": [
        {
            "name": "returns",
            "path": "returns.csv",
            "title": "Returns by nationality",
            "schema": {
                "fields": [
                    {"name": "month", "type": "string"},
                    {"name": "nationality", "type": "string"},
                    {"name": "people", "type": "integer"},
                ],
                "primaryKey": ["month", "nationality"],
            },
        }
    ],
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _project(folder: Path, files: dict[str, str]) -> dict[str, str]:
    """Write a project's data files; returns the inputs record a brief reading them all would make."""
    inputs = {}
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        inputs[rel] = _sha(text.encode())
    return inputs


def test_a_changed_resource_is_named_with_its_changed_cells_and_added_rows(tmp_path):
    package = json.dumps(PACKAGE)
    before = "month,nationality,people\n2023-06,Honduras,549\n2023-06,Cuba,12\n"
    after = "month,nationality,people\n2023-06,Honduras,1549\n2023-06,Cuba,12\n2023-07,Honduras,330\n"
    old_in = _project(tmp_path / "old", {"data/datapackage.json": package, "data/returns.csv": before})
    new_in = _project(tmp_path / "new", {"data/datapackage.json": package, "data/returns.csv": after})
    old = {"b": _digest("b", "Brief B", inputs=old_in)}
    new = {"b": _digest("b", "Brief B", inputs=new_in)}
    (change,) = compare_inputs(old, new, Files.folder(tmp_path / "old"), Files.folder(tmp_path / "new"))
    assert change.title == "Returns by nationality" and change.path == "data/returns.csv" and change.briefs == ["b"]
    page = changes.page(old, new, old_files=Files.folder(tmp_path / "old"), new_files=Files.folder(tmp_path / "new"))
    assert page.startswith("# What changed in this edition\n\n## Inputs that changed\n")
    assert "**Returns by nationality**: data/returns.csv: 1 cell changed, 1 row added" in page
    assert "  - 2023-06, Honduras: people 549 → 1,549" in page
    assert "  - added row: month 2023-07, nationality Honduras, people 330" in page
    # The brief read it, but none of its outputs moved: its name links to its page, not to a section.
    assert 'read by <a href="briefs/b.html">Brief B</a>' in page and "No number, table or chart changed" in page
    # Bytes that are not the ones recorded are never compared: the page says so and gives both hashes.
    (tmp_path / "old" / "data" / "returns.csv").write_text(before.replace("549", "550"), encoding="utf-8")
    page = changes.page(old, new, old_files=Files.folder(tmp_path / "old"), new_files=Files.folder(tmp_path / "new"))
    assert "file changed" in page and old_in["data/returns.csv"] in page and "not at hand" in page


def _series_description(path: str, start: str, end: str, sha: str) -> dict:
    return {
        "resources": [
            {
                "name": "mx_events",
                "path": path,
                "title": "Mexico: monthly events",
                "hash": f"sha256:{sha}",
                "coverage": {"start": start, "end": end},
                "period": {"kind": "yearmonth", "field": "month"},
                "schema": {
                    "fields": [
                        {"name": "month", "type": "yearmonth"},
                        {"name": "code", "type": "string"},
                        {"name": "events", "type": "integer"},
                    ]
                },
            }
        ]
    }


def test_a_new_vintage_of_an_official_series_names_its_months_and_revisions(tmp_path):
    old_csv = "month,code,events\n2024-11,HND,10\n2024-12,HND,20\n"
    new_csv = "month,code,events\n2024-11,HND,10\n2024-12,HND,21\n2025-01,HND,30\n2025-02,HND,40\n"
    old_sha, new_sha = _sha(old_csv.encode()), _sha(new_csv.encode())
    package = json.dumps(PACKAGE)
    old_in = _project(
        tmp_path / "old",
        {
            "data/datapackage.json": package,
            "data/external/mx_events_2024dec.csv": old_csv,
            "data/external.json": json.dumps(_series_description("mx_events_2024dec.csv", "2024-11", "2024-12", old_sha)),
        },
    )
    new_in = _project(
        tmp_path / "new",
        {
            "data/datapackage.json": package,
            "data/external/mx_events_2025feb.csv": new_csv,
            "data/external.json": json.dumps(_series_description("mx_events_2025feb.csv", "2024-11", "2025-02", new_sha)),
        },
    )
    for inputs in (old_in, new_in):
        inputs.pop("data/external.json")  # a brief reads the series, not the whole description
    # The series' path changes with the vintage's file name; each side records its own.
    old = {"b": _digest("b", "Brief B", inputs=old_in)}
    new = {"b": _digest("b", "Brief B", inputs=new_in)}
    files = Files.folder(tmp_path / "old"), Files.folder(tmp_path / "new")
    page = changes.page(old, new, old_files=files[0], new_files=files[1])
    assert page.count("**Mexico: monthly events**") == 1  # the file's name changed with the vintage: still one series
    assert (
        "official series, new vintage: mx\\_events\\_2024dec.csv (2024-11 to 2024-12) → "
        "mx\\_events\\_2025feb.csv (2024-11 to 2025-02)"
    ) in page
    assert "  - 1 earlier month revised: 2024-12 (1 value)" in page
    # When the vintage keeps its file name, the two are one input: vintage, months, revisions.
    (tmp_path / "new" / "data" / "external" / "mx_events_2025feb.csv").rename(
        tmp_path / "new" / "data" / "external" / "mx_events.csv"
    )
    (tmp_path / "old" / "data" / "external" / "mx_events_2024dec.csv").rename(
        tmp_path / "old" / "data" / "external" / "mx_events.csv"
    )
    for side, (start, end, sha) in (("old", ("2024-11", "2024-12", old_sha)), ("new", ("2024-11", "2025-02", new_sha))):
        (tmp_path / side / "data" / "external.json").write_text(json.dumps(_series_description("mx_events.csv", start, end, sha)))
    old = {"b": _digest("b", "Brief B", inputs={"data/external/mx_events.csv": old_sha})}
    new = {"b": _digest("b", "Brief B", inputs={"data/external/mx_events.csv": new_sha})}
    page = changes.page(old, new, old_files=files[0], new_files=files[1])
    assert (
        "**Mexico: monthly events**: official series, new vintage: mx\\_events.csv (2024-11 to 2024-12) → "
        "mx\\_events.csv (2024-11 to 2025-02)"
    ) in page
    assert "  - 2 months added: 2025-01 to 2025-02" in page
    assert "  - 1 earlier month revised: 2024-12 (1 value)" in page
    # Without the earlier vintage's file the page says what it knows: the vintages and both hashes.
    page = changes.page(old, new, old_files=None, new_files=files[1])
    assert f"sha256 {old_sha} → {new_sha}" in page and "revisions of its months were not looked for" in page


def test_vintages_recorded_by_the_notebook_are_used_first(tmp_path):
    old = {
        "b": _digest(
            "b",
            "B",
            inputs={"data/external/s.csv": "a" * 64},
            series=[{"name": "s", "file": "s.csv", "months": ["2018-01", "2024-12"]}],
        )
    }
    new = {
        "b": _digest(
            "b",
            "B",
            inputs={"data/external/s.csv": "b" * 64},
            series=[{"name": "s", "file": "s.csv", "months": ["2018-01", "2025-03"]}],
        )
    }
    (change,) = compare_inputs(old, new)
    assert change.kind == "series" and change.old_vintage["months"] == ["2018-01", "2024-12"]
    entry = changes.input_entry(change, {"b": "B"}, changes.Links(""))
    assert "s.csv (2018-01 to 2024-12) → s.csv (2018-01 to 2025-03)" in entry.summary
    assert "3 months added: 2025-01 to 2025-03" in [line.text for line in entry.lines]
