"""The book compiled with Sphinx's parallel jobs is the same bytes as compiled serially; a book
that loads an extension not declared safe for parallel reading compiles serially, not fails."""

from __future__ import annotations

import shutil
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


def test_an_extension_not_declared_parallel_safe_means_a_serial_compile(built_project, tmp_path, monkeypatch):
    source = shutil.copytree(built_project.root / "build" / "book" / "src", tmp_path / "src")
    config = source / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "use_jupyterbook_latex: false" in text
    config.write_text(text.replace("use_jupyterbook_latex: false", "use_jupyterbook_latex: true"), encoding="utf-8")
    monkeypatch.setenv("BRIEFS_SPHINX_JOBS", "2")
    html = compile_book(source, tmp_path / "out")  # sphinx-jupyterbook-latex says nothing about parallel reading
    assert (html / "briefs" / "imumi-factsheet.html").exists()


def test_the_briefs_are_dealt_to_every_process():
    from briefs.book.parallel import dealt

    pages = sorted([f"briefs/b{i}" for i in range(7)] + [f"guides/g{i}" for i in range(8)] + ["intro"])
    chunks = dealt(pages, 2)
    assert len(chunks) == 2 and sorted(p for c in chunks for p in c) == pages  # every page once
    assert sorted(sum(p.startswith("briefs/") for p in c) for c in chunks) == [3, 4]
    assert dealt(pages[:1], 4) == [pages[:1]] and dealt(pages, 1) == [pages]


def test_with_one_helper_the_pages_are_written_in_the_main_process():
    from briefs.book.parallel import serial_with_one_helper

    calls = []

    class Builder:
        def _write_serial(self, docnames):
            calls.append(("serial", list(docnames)))

    def original(builder, docnames, nproc):
        calls.append(("parallel", list(docnames), nproc))

    write = serial_with_one_helper(original)
    write(Builder(), ["a", "b"], 1)  # two jobs: the main process and one helper
    write(Builder(), ["a", "b"], 3)
    assert calls == [("serial", ["a", "b"]), ("parallel", ["a", "b"], 3)]
