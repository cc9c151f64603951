"""Bad input stops a run before anything executes: one exact line, exit status 2, `build/` untouched.

The corpus lives in `tests/bad_inputs/cases.py`. Every case runs in its own
copy of the project, through `briefs.cli.main` as a user would, with the
outputs of an earlier build in place: they must come out byte-identical.
"""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from trees import tree_digest
from bad_inputs.cases import CASES, NAT, sparse
from briefs.cli.main import main
from briefs.data.package import load_package
from briefs.errors import DataError
from conftest import copy_project


def seed_build(root: Path) -> None:
    """Stand-ins for the executed notebook and the book of an earlier good build."""
    runs, html = root / "build" / "runs", root / "build" / "html"
    (html / "briefs").mkdir(parents=True)
    runs.mkdir(parents=True)
    (runs / "imumi-factsheet.ipynb").write_text('{"cells": [], "note": "the last good run"}\n')
    (html / "index.html").write_text("<p>the last good book</p>\n")
    (html / "briefs" / "imumi-factsheet.html").write_text("<p>the last good page</p>\n")


def test_the_corpus_is_large_and_its_cases_named_once():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_one_line_and_exit_2(case, tmp_path, monkeypatch, capsys):
    root = copy_project(tmp_path / "project")
    seed_build(root)
    if case.edit:
        case.edit(root)
    before = tree_digest(root / "build")
    monkeypatch.chdir(root)

    status = main(list(case.argv))

    err = capsys.readouterr().err
    expected = case.expected(root) if callable(case.expected) else case.expected
    assert err == f"error: {expected}\n"
    assert status == 2
    assert tree_digest(root / "build") == before
    assert not list(tmp_path.rglob("PWNED"))


def test_an_oversized_file_is_refused_without_being_read(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "project")
    sparse(NAT, 400 * 2**20)(root)
    import briefs.data.package

    real = briefs.data.package.sha256
    big = (root / NAT).resolve()
    monkeypatch.setattr(
        "briefs.data.package.sha256",
        lambda path: pytest.fail(f"{path} was hashed") if Path(path).resolve() == big else real(path),
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pkg = load_package(root / "data" / "datapackage.json")
    with pytest.raises(DataError, match=r"the file is 400 MiB, over the 64 MiB limit"):
        pkg.table("inm_returns_by_nationality")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    assert grown_kib < 50 * 1024, f"peak memory grew by {grown_kib} KiB"
