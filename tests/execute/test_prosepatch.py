"""An edit to a brief's prose alone patches its executed notebook without a kernel, and the
result is the notebook a full run writes, byte for byte; any other change runs the brief."""

from __future__ import annotations

import pytest

from briefs.execute.schedule import run_briefs
from briefs.project import catalog
from conftest import copy_project

pytestmark = pytest.mark.slow  # every test here runs briefs

BRIEF = "imumi-factsheet"


def run(root, names, **kwargs):
    states: dict[str, list[str]] = {}
    runs, failures, _ = run_briefs(
        [b for b in catalog.discover(root) if b.name in names],
        root,
        progress=lambda item, state: states.setdefault(item, []).append(state),
        **kwargs,
    )
    assert not failures, failures
    return states


@pytest.fixture()
def root(tmp_path):
    root = copy_project(tmp_path / "project")
    states = run(root, {BRIEF})
    assert "running" in states[BRIEF]
    return root


def edit(root, old, new):
    path = root / "notebooks" / f"{BRIEF}.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in the brief once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_prose_edit_gives_a_full_runs_bytes_without_a_kernel(root, tmp_path):
    edit(root, "## Key findings\n", "## Key findings\n\nA sentence added to the prose alone.\n")
    states = run(root, {BRIEF})
    assert "running" not in states[BRIEF] and states[BRIEF][-1].startswith("prose updated, not re-run")
    patched = (root / "build" / "runs" / f"{BRIEF}.ipynb").read_bytes()
    assert b"A sentence added to the prose alone." in patched
    run(root, {BRIEF}, into=tmp_path / "full")  # the same source, run in a kernel
    assert patched == (tmp_path / "full" / f"{BRIEF}.ipynb").read_bytes()
    assert run(root, {BRIEF})[BRIEF] == ["unchanged, not re-run"]


@pytest.mark.parametrize(
    "old, new",
    [
        ('end = "2023-11-24"', 'end = "2023-11-23"'),  # a code cell
        ("  order: 1\n", "  order: 1\n  fresh_kernel: true\n"),  # the front matter
    ],
)
def test_any_other_edit_runs_the_brief(root, old, new):
    edit(root, old, new)
    assert "running" in run(root, {BRIEF})[BRIEF]


def test_a_changed_data_file_runs_the_brief_even_with_a_prose_edit(root):
    edit(root, "## Key findings\n", "## Key findings\n\nMore prose.\n")
    data = root / "data" / "inm_returns_by_sex.csv"
    data.write_text(data.read_text().replace("Men,2150", "Men,2151"))
    assert "running" in run(root, {BRIEF})[BRIEF]


def test_briefs_run_by_a_pool_remember_the_code_they_ran(root):
    """A pool's runs say which code they ran (`RunResult.code`, from the source each read), and a
    prose edit after them is patched rather than run again."""
    from briefs.execute import prosepatch

    other = "mpi-brief"
    briefs = [b for b in catalog.discover(root) if b.name in (BRIEF, other)]
    runs, failures, _ = run_briefs(briefs, root, force=True, workers=2)
    assert not failures and len(runs) == 2
    for result in runs:
        brief = next(b for b in briefs if b.name == result.brief)
        assert result.code == prosepatch.key_of(brief.name, brief.path, {})
    edit(root, "## Key findings\n", "## Key findings\n\nOne more sentence of prose.\n")
    states = run(root, {BRIEF, other}, workers=2)
    assert states[other] == ["unchanged, not re-run"] and len(states[BRIEF]) == 1
    assert states[BRIEF][0].startswith("prose updated, not re-run")
