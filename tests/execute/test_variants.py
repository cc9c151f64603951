"""A run with parameters other than the brief's own is one thing with one home, however it was asked for.

`briefs run NAME -p ...` is a sweep of one combination: its run is NAME@SET, named by the
parameters that differ from the brief's defaults once converted to their declared types, with
its notebook in build/variants/, its parameters in build/variants/index.json and its own cache
record, so a `--sweep` of the same value (or a library call) finds it up to date.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from briefs.cli.main import main
from briefs.execute import variants
from briefs.execute.run import check_parameters, parameters_of, run_brief
from briefs.execute.sweep import run_sweep
from briefs.execute.variants import set_id
from briefs.project import catalog
from conftest import REPO, copy_project, slow_fixture

BRIEF = "imumi-factsheet"  # parameters: data_package "", start 2023-05-11, end 2023-11-24, strict False
WINDOW = {"end": "2023-10-31"}  # still holds the U.S. statements the brief checks
RUN_ID = f"{BRIEF}@{set_id(WINDOW)}"


@pytest.fixture(scope="module")
def declared(tmp_path_factory) -> dict[str, dict]:
    source = tmp_path_factory.mktemp("declared") / f"{BRIEF}.ipynb"
    nbformat.write(catalog.get(BRIEF, REPO).read(), source)
    return parameters_of(source)


def own(declared, given):
    return variants.differing(declared, check_parameters(BRIEF, declared, given))


def test_the_set_is_named_by_the_checked_parameters_that_differ_from_the_defaults(declared):
    assert own(declared, {"strict": "yes"}) == own(declared, {"strict": "true"}) == own(declared, {"strict": True})
    assert own(declared, {"strict": "yes"}) == {"strict": True}
    # A value equal to the brief's own adds nothing; the order the values were given in does not count.
    assert own(declared, {"start": "2023-05-11", "end": "2023-10-31", "strict": "false"}) == WINDOW
    assert set_id(own(declared, {"strict": "1", "end": "2023-10-31"})) == set_id(
        own(declared, {"end": "2023-10-31", "strict": "true"})
    )
    assert set_id(own(declared, {"end": "2023-10-30"})) != set_id(WINDOW)
    assert re.fullmatch(r"[0-9a-f]{12}", set_id(WINDOW))
    # Every parameter as the brief has it: the published run, under the brief's own name.
    same = own(declared, {"strict": "no", "end": "2023-11-24"})
    assert same == {} and variants.ident(BRIEF, same) == BRIEF
    assert variants.home(BRIEF, same, Path("/p")) == Path("/p/build/runs") / f"{BRIEF}.ipynb"
    assert variants.home(BRIEF, WINDOW, Path("/p")) == Path("/p/build/variants") / f"{RUN_ID}.ipynb"


@pytest.fixture(scope="module")
@slow_fixture
def first_run(tmp_path_factory):
    """`briefs run NAME -p end 2023-10-31` in a fresh copy of the project, and what it printed."""
    import os

    root = copy_project(tmp_path_factory.mktemp("variants") / "project")
    here = os.getcwd()
    os.chdir(root)
    try:
        status = main(["run", BRIEF, "-p", "end", "2023-10-31"])
    finally:
        os.chdir(here)
    return root, status


def notebook(root: Path, run_id: str) -> Path:
    return root / "build" / "variants" / f"{run_id}.ipynb"


def index(root: Path) -> dict:
    return json.loads((root / "build" / "variants" / "index.json").read_text())


def test_a_p_run_is_a_variant_with_its_parameters_indexed(first_run, capsys):
    root, status = first_run
    assert status == 0
    path = notebook(root, RUN_ID)
    assert nbformat.read(path, as_version=4).metadata["briefs"]["parameters"] == WINDOW
    assert index(root)[RUN_ID] == {"brief": BRIEF, "parameters": WINDOW, "notebook": f"{RUN_ID}.ipynb"}
    record = json.loads((root / "build" / "cache" / "briefs" / f"{RUN_ID}.json").read_text())
    assert record["parameters"] == WINDOW  # its own record names what it ran with
    assert not (root / "build" / "runs").exists(), "a variant is never the published run"
    assert not (root / "build" / "custom").exists()


def test_a_one_value_sweep_of_the_same_value_finds_the_p_run_up_to_date(first_run, monkeypatch, capsys):
    root, _ = first_run
    path = notebook(root, RUN_ID)
    before = path.read_bytes(), path.stat().st_mtime_ns
    monkeypatch.chdir(root)
    # start as the brief has it: the same run, spelled another way.
    assert main(["run", BRIEF, "--sweep", "end=2023-10-31", "-p", "start", "2023-05-11"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"{RUN_ID} unchanged, not re-run" in err
    assert f"-> {path} (not published: parameters other than the brief's own: end=2023-10-31)" in err
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    # And the library's sweep says so too.
    again = run_sweep(BRIEF, [{"end": "2023-10-31", "strict": "false"}], root)
    assert again.unchanged == [RUN_ID] and again.runs == {} and again.ok
    assert again.outcome(RUN_ID).notebook == path and not again.outcome(RUN_ID).published


def test_two_different_p_runs_do_not_collide(first_run, monkeypatch, capsys):
    root, _ = first_run
    first = notebook(root, RUN_ID)
    kept = first.read_bytes()
    monkeypatch.chdir(root)
    assert main(["run", BRIEF, "-p", "end", "2023-10-31", "-p", "start", "2023-05-01"]) == 0
    other = {"end": "2023-10-31", "start": "2023-05-01"}
    other_id = f"{BRIEF}@{set_id(other)}"
    assert other_id != RUN_ID
    assert first.read_bytes() == kept
    assert notebook(root, other_id).read_bytes() != kept
    listed = index(root)
    assert listed[RUN_ID]["parameters"] == WINDOW and listed[other_id]["parameters"] == other


def test_a_library_run_with_a_default_spelled_out_is_the_same_run_and_bytes(first_run):
    root, _ = first_run
    path = notebook(root, RUN_ID)
    kept = path.read_bytes()
    result = run_brief(BRIEF, {"end": "2023-10-31", "strict": False}, root=root)
    assert result.notebook == path and not result.published and result.parameters == WINDOW
    assert path.read_bytes() == kept, "one SET, one set of bytes"
    assert run_sweep(BRIEF, [WINDOW], root).unchanged == [RUN_ID]


def test_a_failing_p_run_fails_in_one_line_with_its_own_status(first_run, monkeypatch, capsys):
    root, _ = first_run
    monkeypatch.chdir(root)
    # The shorter window's total cannot be the document's: --strict makes that a failure.
    assert main(["run", BRIEF, "-p", "end", "2023-10-31", "--strict"]) == 1
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in err
    assert errors[0].startswith("error: imumi-factsheet: claim 'total_returns' is contradicted: ")
    strict_id = f"{BRIEF}@{set_id({**WINDOW, 'strict': True})}"
    assert (root / "build" / "failed" / f"{strict_id}.ipynb").exists()
    assert not notebook(root, strict_id).exists() and strict_id not in index(root)


def test_a_p_run_with_the_briefs_own_values_is_the_published_run(first_run, monkeypatch, capsys):
    root, _ = first_run
    monkeypatch.chdir(root)
    listed = index(root)
    assert main(["run", BRIEF, "-p", "strict", "false", "-p", "end", "2023-11-24"]) == 0
    published = root / "build" / "runs" / f"{BRIEF}.ipynb"
    err = " ".join(capsys.readouterr().err.split())
    assert f"-> {published}" in err and "not published" not in err
    assert index(root) == listed
    # Byte for byte the run `briefs run NAME` makes: the values equal to the defaults are not injected.
    kept = published.read_bytes()
    assert nbformat.read(published, as_version=4).metadata["briefs"]["parameters"] == {}
    run_brief(BRIEF, root=root)
    assert published.read_bytes() == kept
