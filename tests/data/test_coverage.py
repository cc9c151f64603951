"""The audit of the documents (`data/coverage.csv`) cannot drift from what the book carries.

Every reference in `carried_ids` must point at something that exists (a figure or
resource in the data package; a claim, table, chart or glued value in the outputs
lock), and every claim in the lock and every figure in the package must be named by
at least one statement, so a claim or figure added, renamed or dropped without the
audit fails here. The rules between a row's cells are checked, and shown to catch
a bad row; the summaries are checked for sentences lifted from the documents.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from briefs.data import coverage
from briefs.data.package import load_package
from briefs.data.verdicts import validate

REPO = Path(__file__).resolve().parents[2]
OUTPUTS = REPO / "outputs"
SEEDS = REPO.parent / "shared" / "seeds"
AUDIT_PAGE = "coverage"  # the page that shows the audit: its claims are about the audit, not about a document

# Claims or figures the audit does not name, each with the reason (none today: every one is named).
UNREFERENCED: dict[str, str] = {}


@pytest.fixture(scope="module")
def pkg():
    return load_package(REPO / "data" / "datapackage.json")


@pytest.fixture(scope="module")
def audit(pkg):
    return pkg.table("coverage")


def lock_index() -> dict[str, dict[str, set[str]]]:
    """What the outputs lock holds, per kind, as {brief: names}."""
    index: dict[str, dict[str, set[str]]] = {k: defaultdict(set) for k in ("claim", "table", "chart", "value")}
    for folder in sorted(p for p in OUTPUTS.iterdir() if p.is_dir()):
        brief = folder.name
        for kind, name in (("claim", "claims.csv"), ("value", "values.csv")):
            path = folder / name
            if path.exists():
                with path.open(encoding="utf-8", newline="") as handle:
                    key = "id" if kind == "claim" else "key"
                    index[kind][brief] |= {row[key] for row in csv.DictReader(handle)}
        for kind, sub in (("table", "tables"), ("chart", "charts")):
            index[kind][brief] |= {p.stem for p in (folder / sub).glob("*.csv")}
    return index


def resolve(ref: coverage.Ref, pkg, figure_ids: set[str], index) -> str | None:
    """Why the reference points at nothing, or None when it resolves."""
    if ref.kind == "figure":
        return None if ref.name in figure_ids else "no such figure in the figures resources"
    if ref.kind == "resource":
        return None if ref.name in pkg.resource_names() else "no such resource in data/datapackage.json"
    held = index[ref.kind]
    if ref.brief:
        if ref.brief not in held and not (OUTPUTS / ref.brief).is_dir():
            return f"no brief {ref.brief!r} in outputs/"
        return None if ref.name in held[ref.brief] else f"outputs/{ref.brief} has no {ref.kind} {ref.name!r}"
    briefs = [b for b, names in held.items() if ref.name in names]
    if not briefs:
        return f"no {ref.kind} {ref.name!r} in any outputs/*/"
    if len(briefs) > 1:
        return f"{ref.kind} {ref.name!r} is in {', '.join(briefs)}: write {ref.kind}:BRIEF/{ref.name}"
    return None


def test_the_resource_validates():
    (verdict,) = validate(["coverage"], package=REPO / "data")
    assert verdict.ok, verdict.problem
    assert verdict.rows > 0


def test_every_row_obeys_the_rules_between_its_cells(audit):
    assert coverage.row_problems(audit) == []


def test_every_document_is_audited_and_every_statement_names_a_known_document(pkg, audit):
    assert set(audit["document"]) == set(pkg.documents())


def test_every_reference_points_at_something_that_exists(pkg, audit):
    figure_ids = set(pkg.figures()["id"])
    index = lock_index()
    broken = []
    for n, row in enumerate(audit.itertuples(index=False), start=2):
        for ref in coverage.refs(row.carried_ids):
            why = resolve(ref, pkg, figure_ids, index)
            if why:
                broken.append(f"data/coverage.csv: row {n} ({row.statement}), column carried_ids: {ref}: {why}")
    assert not broken, "\n".join(broken)


def named(audit) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for cell in audit["carried_ids"]:
        for ref in coverage.refs(cell):
            out[ref.kind].add(ref.name)
    return out


def test_every_claim_in_the_lock_is_named_by_a_statement(audit):
    claims = {name for brief, names in lock_index()["claim"].items() if brief != AUDIT_PAGE for name in names}
    assert claims, "the outputs lock holds no claims"
    missing = sorted(claims - named(audit)["claim"] - set(UNREFERENCED))
    assert not missing, f"claims no statement in data/coverage.csv names: {', '.join(missing)}"


def test_every_figure_is_named_by_a_statement(pkg, audit):
    figures = set(pkg.figures()["id"])
    missing = sorted(figures - named(audit)["figure"] - set(UNREFERENCED))
    assert not missing, f"figures no statement in data/coverage.csv names: {', '.join(missing)}"


def test_the_exceptions_are_real_and_explained(pkg, audit):
    known = set(pkg.figures()["id"]) | {n for names in lock_index()["claim"].values() for n in names}
    for name, reason in UNREFERENCED.items():
        assert name in known, f"{name}: listed as an exception but no such claim or figure exists"
        assert name not in named(audit)["claim"] | named(audit)["figure"], f"{name}: listed as an exception but named"
        assert reason.strip(), f"{name}: an exception needs a reason"


def test_the_lock_index_finds_what_the_briefs_hold():
    index = lock_index()
    assert "total_returns" in index["claim"]["imumi-factsheet"]
    assert "returns-by-nationality" in index["table"]["imumi-factsheet"]
    assert "crossings-trend" in index["chart"]["mpi-brief"]
    assert "finding_trend" in index["value"]["mpi-brief"]


@pytest.mark.parametrize(
    "cell, why",
    [
        ("figure:no_such_figure", "no such figure"),
        ("claim:no_such_claim", "no claim 'no_such_claim'"),
        ("table:imumi-factsheet/no-such-table", "outputs/imumi-factsheet has no table"),
        ("chart:no-such-brief/crossings-trend", "no brief 'no-such-brief'"),
        ("resource:no_such_resource", "no such resource"),
    ],
)
def test_a_stale_reference_is_caught(pkg, cell, why):
    (ref,) = coverage.refs(cell)
    assert why in resolve(ref, pkg, set(pkg.figures()["id"]), lock_index())


@pytest.mark.parametrize(
    "token, why",
    [
        ("figures:x", "not a reference"),
        ("table:returns-by-nationality", "belongs to one brief"),
        ("figure:imumi-factsheet/total_returns", "takes no brief"),
    ],
)
def test_a_malformed_reference_is_refused(token, why):
    with pytest.raises(ValueError, match=why):
        coverage.parse(token)


@pytest.mark.parametrize(
    "column, value, reported, why",
    [
        ("carried_as", "not_carried", "carried_ids", "carried_as is not_carried"),
        ("carried_ids", "figure:inm_returns_total_text", "carried_ids", "no claim: reference"),
        ("check", "independent", "check", "needs an official series or another document"),
        ("testable", "no", "testable", "marked not testable"),
        ("statement", "002-s99", "statement", "does not start with its document id"),
    ],
)
def test_a_row_that_breaks_a_rule_is_reported_with_its_row_and_column(audit, column, value, reported, why):
    bad = audit.copy()
    row = bad.index[bad["statement"] == "001-s13"][0]  # carried by a claim, checked against the factsheet's own numbers
    bad.loc[row, column] = value
    problems = coverage.row_problems(bad)
    assert problems, f"setting {column} to {value!r} broke no rule"
    n, col, reason = problems[0]
    assert (n, col) == (row + 2, reported) and why in reason


def test_a_bad_cell_is_one_line_naming_file_row_and_column(tmp_path):
    import shutil

    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns("external"))
    path = tmp_path / "data" / "coverage.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",figure,", ",number,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    (verdict,) = validate(["coverage"], package=tmp_path / "data")
    assert not verdict.ok
    assert "coverage.csv: row 4, column kind: 'number' is not a known category" in verdict.problem
    assert "\n" not in verdict.problem


def words(text: str) -> list[str]:
    """Lower-case words; numbers are left out, since a summary keeps them as the document prints them."""
    return re.findall(r"[a-z]+", text.lower())


def test_the_summaries_do_not_copy_the_documents(pkg, audit):
    """No summary shares a run of eight words (numbers aside) with the document it summarises."""
    run = 8
    docs = pkg.documents()
    copied = []
    for row in audit.itertuples(index=False):
        seed = SEEDS / docs[row.document]["seed_file"]
        text = " ".join(words(seed.read_text(encoding="utf-8")))
        said = words(row.summary)
        for i in range(len(said) - run + 1):
            if " ".join(said[i : i + run]) in text:
                copied.append(f"{row.statement}: {' '.join(said[i : i + run])!r}")
                break
    assert not copied, "summaries that copy the document:\n" + "\n".join(copied)
