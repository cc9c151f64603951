"""The compile started ahead (book.compile.Ahead): it imports while the briefs run, gives the same
pages as a compile started after them, stops when unused, and a build starts one only when it
has briefs to run."""

from __future__ import annotations

from briefs.book.compile import Ahead, compile_book
from conftest import copy_project


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_compile_started_ahead_gives_the_pages_of_one_started_after(built_project, tmp_path):
    source = built_project.root / "build" / "book" / "src"  # what the build staged and compiled
    ahead = Ahead()
    waiting = ahead.process
    try:
        early = files(compile_book(source, tmp_path / "ahead", ahead))
    finally:
        ahead.close()
    assert waiting.args[-1] == "--ahead" and waiting.returncode == 0, "the process started ahead did the compile"
    late = files(compile_book(source, tmp_path / "after"))
    assert len(early) > 50 and sorted(early) == sorted(late)
    assert [name for name in early if early[name] != late[name]] == []


def test_a_dead_compile_started_ahead_is_replaced_and_an_unused_one_stops(built_project, tmp_path):
    source = built_project.root / "build" / "book" / "src"
    dead = Ahead()
    dead.process.kill()
    dead.process.wait()
    assert (compile_book(source, tmp_path / "out", dead) / "index.html").exists()
    unused = Ahead()
    unused.process.stdin.close()  # as when the build that started it dies
    assert unused.process.wait(timeout=120) == 0
    unused.close()
    closed = Ahead()
    process = closed.process
    closed.close()
    assert process.returncode is not None and closed.process is None


def test_a_build_starts_the_compile_ahead_only_when_it_has_briefs_to_run(built_project, tmp_path, monkeypatch):
    from briefs.book import build as building
    from briefs.book.build import build_book

    root = copy_project(tmp_path / "project", runs_from=built_project.root)
    started = []

    class Counted(Ahead):
        def __init__(self, highlight=None):
            super().__init__(highlight)
            started.append(self.process)

    monkeypatch.setattr(building, "Ahead", Counted)
    first = build_book(root, pdf=False)  # the runs are copied: only the book is compiled
    assert first.ok and first.runs == [] and started == []
    data = root / "data" / "inm_returns_by_sex.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("Men,2150", "Men,2151", 1), encoding="utf-8")
    second = build_book(root, pdf=False)
    assert [r.brief for r in second.runs] == ["imumi-factsheet"]
    assert len(started) == 1 and started[0].returncode == 0, "the compile started ahead built the book"
