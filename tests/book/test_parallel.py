"""The book compiled with Sphinx's parallel jobs is the same bytes as compiled serially."""

from __future__ import annotations

from pathlib import Path

from briefs.book.compile import compile_book


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_parallel_and_serial_compiles_give_the_same_pages(built_project, tmp_path, monkeypatch):
    source = built_project.root / "build" / "book" / "src"  # what the build staged and compiled
    monkeypatch.setenv("BRIEFS_SPHINX_JOBS", "1")
    serial = files(compile_book(source, tmp_path / "serial"))
    # Two jobs: with -W, a Sphinx that fell back to reading serially would fail the build.
    monkeypatch.setenv("BRIEFS_SPHINX_JOBS", "2")
    parallel = files(compile_book(source, tmp_path / "parallel"))
    assert len(serial) > 50 and any(name.startswith("briefs/") for name in serial)
    assert sorted(serial) == sorted(parallel)
    assert [name for name in serial if serial[name] != parallel[name]] == []
