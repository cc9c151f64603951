"""The outputs lock: committed, current, deterministic, and `briefs check` names what went stale.

The briefs run once for the module (`outputs_lock.fresh`, into a temporary folder),
plus once more in the end-to-end test of `briefs check`.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from briefs.review.numbers import as_number

from briefs.project import paths
from briefs.review import outputs_lock
from briefs.cli.main import main
from briefs.errors import UsageError
from conftest import slow_fixture

ROOT = Path(__file__).resolve().parents[2]
BRIEF = "imumi-factsheet"


# What the tests themselves write into build/ (screenshots of the browser tests), maybe at this very
# moment in another worker: not the check's doing, so not watched.
TEST_ARTIFACTS = ROOT / "build" / "test-artifacts"


def build_state() -> dict | None:
    build = ROOT / "build"
    if not build.exists():
        return None
    return {p: p.stat().st_mtime_ns for p in build.rglob("*") if p != TEST_ARTIFACTS and TEST_ARTIFACTS not in p.parents}


@pytest.fixture(scope="module")
@slow_fixture
def fresh(tmp_path_factory):
    """Every brief run once for the module, as `briefs check` runs them (the same function)."""
    work = tmp_path_factory.mktemp("fresh")
    before = build_state()
    snapshots = outputs_lock.fresh(ROOT, workdir=work)
    return {"snapshots": snapshots, "runs": work, "build_before": before, "build_after": build_state()}


def test_a_fresh_run_for_the_check_writes_nothing_into_build(fresh):
    assert fresh["build_after"] == fresh["build_before"], "briefs check must not write into build/"
    assert sorted(p.stem for p in fresh["runs"].glob("*.ipynb")) == sorted(fresh["snapshots"])


def _edit(path: Path, row_label: str, column: str, value: str) -> str:
    """Set one cell of a lock CSV (row found by its first column); returns the old value."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    col = rows[0].index(column)
    (row,) = [r for r in rows[1:] if r[0] == row_label]
    old, row[col] = row[col], value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return old


@pytest.fixture
def stale(tmp_path):
    folder = tmp_path / "outputs"
    shutil.copytree(paths.lock_dir(ROOT), folder)
    return folder


def test_committed_lock_matches_a_fresh_run(fresh):
    result = outputs_lock.compare_lock(fresh["snapshots"], paths.lock_dir(ROOT))
    assert result.ok, f"outputs/ is stale ({result.files}); run `briefs lock --run` and commit it"


def test_lock_holds_every_claim_and_table(fresh):
    snap = fresh["snapshots"][BRIEF]
    files = outputs_lock.lock_files(snap)
    claims = list(csv.DictReader(io.StringIO(files[f"{BRIEF}/claims.csv"])))
    assert [c["id"] for c in claims] == [c["id"] for c in snap.claims] and len(claims) >= 10
    total = next(c for c in claims if c["id"] == "total_returns")
    assert (total["status"], total["value"], total["published"]) == ("holds", "19561", "19561")
    table_files = sorted(f for f in files if "/tables/" in f)
    assert len(table_files) == len(snap.tables) >= 3
    nationality = list(csv.reader(io.StringIO(files[f"{BRIEF}/tables/returns-by-nationality.csv"])))
    assert nationality[0][0] == "Nationality" and nationality[-1][0] == "Total" and nationality[-1][-1] == "19561"
    values = dict(list(csv.reader(io.StringIO(files[f"{BRIEF}/values.csv"])))[1:])
    assert "total_returns" not in values and "inm_may_sep" in values  # claims live in claims.csv only


def test_lock_is_deterministic_and_rewrites_nothing_when_current(fresh, tmp_path):
    folder = tmp_path / "outputs"
    (folder / "old-brief" / "tables").mkdir(parents=True)
    (folder / "old-brief" / "claims.csv").write_text("id\n", encoding="utf-8")
    (folder / "old-brief" / "tables" / "gone.csv").write_text("x\n", encoding="utf-8")
    (folder / "README.md").write_text("kept\n", encoding="utf-8")
    written = outputs_lock.lock(ROOT, folder=folder, runs=fresh["runs"])
    assert "old-brief/claims.csv" in written and not (folder / "old-brief").exists()
    assert (folder / "README.md").read_text(encoding="utf-8") == "kept\n"
    assert outputs_lock.lock(ROOT, folder=folder, runs=fresh["runs"]) == []
    for rel, text in outputs_lock.read_files(paths.lock_dir(ROOT)).items():
        assert (folder / rel).read_bytes() == text.encode("utf-8")


def test_every_number_in_the_committed_lock_is_written_in_its_one_canonical_form():
    """Integral floats as integers, others at 12 significant digits: float noise cannot reach the lock."""
    found = 0
    for rel, text in outputs_lock.read_files(paths.lock_dir(ROOT)).items():
        for row in csv.reader(io.StringIO(text)):
            for value in row:
                if as_number(value) is not None:
                    found += 1
                    assert outputs_lock.cell(value) == value, f"{rel}: {value!r} is not canonical"
                    assert not value.endswith(".0"), f"{rel}: {value!r}"
    assert found > 500


def test_lock_refuses_a_brief_never_run(tmp_path):
    with pytest.raises(UsageError, match=BRIEF):
        outputs_lock.lock(ROOT, folder=tmp_path / "outputs", runs=tmp_path / "empty")


def test_stale_claim_is_named(fresh, stale):
    _edit(stale / BRIEF / "claims.csv", "total_returns", "value", "19000")
    result = outputs_lock.compare_lock(fresh["snapshots"], stale)
    assert not result.ok and result.files == [f"{BRIEF}/claims.csv"]
    (brief,) = result.report.changed_briefs
    assert [(c.id, c.fields) for c in brief.claims] == [("total_returns", ["value"])]


def test_stale_table_cell_is_named(fresh, stale):
    old = _edit(stale / BRIEF / "tables" / "returns-by-nationality.csv", "Venezuela", "Jun 2023", "1449")
    result = outputs_lock.compare_lock(fresh["snapshots"], stale)
    assert result.files == [f"{BRIEF}/tables/returns-by-nationality.csv"]
    (table,) = result.report.changed_briefs[0].tables
    assert [(c.row, c.column, c.old, c.new) for c in table.cells] == [("Venezuela", "Jun 2023", "1449", old)]


def test_missing_brief_in_lock_is_stale(fresh, stale):
    shutil.rmtree(stale / BRIEF)
    result = outputs_lock.compare_lock(fresh["snapshots"], stale)
    assert not result.ok and result.report.changed_briefs[0].kind == "added"


def test_briefs_check_fails_on_a_stale_lock_naming_the_claim(fresh, stale, capsys, monkeypatch):
    """The command's wiring and messages; its runs are the module's (the same `outputs_lock.fresh`)."""
    _edit(stale / BRIEF / "claims.csv", "share_men", "status", "contradicted")
    monkeypatch.setattr(outputs_lock, "fresh", lambda root=None, workdir=None, progress=None, parameters=None: fresh["snapshots"])
    before = build_state()
    assert main(["check", "--dir", str(stale)]) == 1
    captured = capsys.readouterr()
    # The claim by its statement, with the verdict the fresh run gives (the lock's is the edited one).
    assert "Most of the people returned were men (of any age: the tables do not cross sex with age): now holds" in " ".join(
        captured.out.split()
    )
    assert f"{BRIEF}/claims.csv" in captured.err and "stale" in captured.err
    assert build_state() == before, "briefs check must not write into build/"


def test_a_changed_formula_is_named_apart_from_the_values(fresh, stale):
    """derivations.csv says how each glued value is computed; a change there is its own entry in the report."""
    from briefs.review.report import to_markdown

    path = stale / BRIEF / "derivations.csv"
    old = _edit(path, "daily_average", "formula", "people returned divided by the days of a calendar year")
    result = outputs_lock.compare_lock(fresh["snapshots"], stale)
    assert result.files == [f"{BRIEF}/derivations.csv"]
    (brief,) = result.report.changed_briefs
    assert [(f.key, f.old.split(" (")[0]) for f in brief.formulas] == [
        ("daily_average", "people returned divided by the days of a calendar year")
    ]
    assert f.new.startswith(old) if (f := brief.formulas[0]) else False
    assert not brief.values and not brief.prose and not [c for c in brief.claims if c.flipped]
    page = to_markdown(result.report, links="https://example.org/1.0/")
    assert "How numbers are computed" in page and "computed differently" in page
    assert f"https://example.org/1.0/briefs/{BRIEF}.html#derivation-daily_average" in page


def test_the_lock_keeps_how_values_are_computed_not_the_values(fresh):
    files = outputs_lock.lock_files(fresh["snapshots"][BRIEF])
    rows = list(csv.DictReader(io.StringIO(files[f"{BRIEF}/derivations.csv"])))
    assert rows[0].keys() == {"key", "claim", "label", "formula", "unit", "period", "inputs"}
    by_key = {r["key"]: r for r in rows}
    # every glued value of the brief has a line, and no line holds the value itself
    assert set(fresh["snapshots"][BRIEF].values) <= set(by_key)
    assert "19,561" not in files[f"{BRIEF}/derivations.csv"] and "19561" not in files[f"{BRIEF}/derivations.csv"]
    assert "resource inm_returns_by_nationality" in by_key["total_returns"]["inputs"]
