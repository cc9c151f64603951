"""A build validates its data once: the verdicts one process keeps (build/cache/validated.txt),
another trusts; an edited file is validated again; nothing is kept for bytes that fail."""

from __future__ import annotations

import pytest

from briefs.data import package
from briefs.errors import DataError
from briefs.execute import run
from briefs.project import paths


@pytest.fixture
def counted(monkeypatch):
    """A fresh process's state (nothing validated yet), and the number of files validated."""
    calls = []
    real = package.validate_table
    monkeypatch.setattr(package, "validate_table", lambda path, *a, **k: calls.append(path.name) or real(path, *a, **k))
    monkeypatch.setattr(package, "VALIDATED", set())
    monkeypatch.setattr(run, "_PASSED", {})
    monkeypatch.delenv(package.VALIDATED_ENV, raising=False)
    return calls


def new_process(monkeypatch) -> None:
    monkeypatch.setattr(package, "VALIDATED", set())
    monkeypatch.setattr(run, "_PASSED", {})


def test_verdicts_kept_by_one_process_spare_the_next_and_an_edit_is_validated_again(project, counted, monkeypatch):
    run.prevalidate(project)  # what a build does while its workers start
    first = len(counted)
    assert first >= 5 and paths.verdicts_file(project).exists()
    new_process(monkeypatch)  # a worker: the same bytes, validated by the build
    run.preflight({}, {}, project)
    assert len(counted) == first
    data = project / "data" / "inm_returns_by_sex.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("Men,2150", "Men,2151", 1), encoding="utf-8")
    new_process(monkeypatch)
    run.preflight({}, {}, project)
    assert counted[first:] == [data.name]  # only the edited file


def test_bytes_that_fail_leave_no_verdict(project, counted):
    data = project / "data" / "inm_returns_by_sex.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("Men,2150", "Men,many", 1), encoding="utf-8")
    run.prevalidate(project)  # a problem is left for each brief to report
    with pytest.raises(DataError, match="inm_returns_by_sex.csv"):
        run.preflight({}, {}, project)
    assert not paths.verdicts_file(project).exists()  # the package did not pass: nothing is kept
