"""The book compiled with Sphinx's parallel jobs is the same bytes as compiled serially; a book
that loads an extension not declared safe for parallel reading compiles serially, not fails."""

from __future__ import annotations

import os
import shutil
import time
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


def test_the_root_is_written_first_then_the_heaviest_pages_on_every_job(tmp_path):
    """A stand-in builder: a helper copies the static files while the main process resolves the
    book's root and the first batch; once they are copied, the main process writes the root, and
    each forked helper writes its batch (files, since a helper's memory is its own), the others
    resolved heaviest first; every page is written once, none before the static files."""
    from types import SimpleNamespace

    from briefs.book.parallel import heaviest_first, write_in_parallel

    doctrees, out = tmp_path / "doctrees", tmp_path / "out"
    doctrees.mkdir()
    out.mkdir()
    sizes = {"intro": 10, "briefs/a": 300, "briefs/b": 500, "guides/c": 20, "guides/d": 40}
    for name, size in sizes.items():
        (doctrees / f"{name.replace('/', '-')}.doctree").write_bytes(b"x" * size)
    resolved = []

    class Env:
        def get_and_resolve_doctree(self, docname, builder):
            resolved.append(docname)
            return f"tree of {docname}"

    class Builder:
        app = SimpleNamespace(phase=None)
        config = SimpleNamespace(root_doc="intro")
        env = Env()
        doctreedir = str(doctrees)

        def write_doc_serialized(self, docname, doctree):
            pass

        def write_doc(self, docname, doctree):
            assert (out / "_static").exists(), "a page written before the static files were copied"
            (out / f"{docname.replace('/', '-')}.html").write_text(f"{doctree} in {os.getpid()}")

    def copy_assets():  # slower than resolving every page here: the pages must wait for it
        time.sleep(0.5)
        (out / "_static").write_text(f"copied in {os.getpid()}")

    names = sorted(sizes)
    flat = [n.replace("/", "-") for n in names]  # the stand-in keeps its doctrees flat
    assert heaviest_first(flat, doctrees) == ["briefs-b", "briefs-a", "guides-d", "guides-c", "intro"]
    assert heaviest_first(["missing", "intro"], doctrees) == ["intro", "missing"]  # no doctree: last

    builder = Builder()
    builder.briefs_assets_later = copy_assets  # as copy_assets_later leaves it
    write_in_parallel(builder, flat, 1)  # two jobs
    # The root; then the heaviest first, dealt in turn into two batches: (b, d) and (a, c).
    assert resolved == ["intro", "briefs-b", "guides-d", "briefs-a", "guides-c"]
    written = {p.stem: p.read_text() for p in out.glob("*.html")}
    assert sorted(written) == sorted(flat)
    writers = {text.split(" in ")[1] for name, text in written.items() if name != "intro"}
    assert written["intro"].endswith(f" in {os.getpid()}") and len(writers) == 2 and str(os.getpid()) not in writers
    assert not (out / "_static").read_text().endswith(f" in {os.getpid()}"), "the static files were copied by a helper"


# A compile in one process (Sphinx serial), after the code was highlighted ahead as a build's compile
# process does while the briefs run; prints the (language, first line) of each block Pygments lexed.
HIGHLIGHTED_AHEAD = r"""
import json, sys
from sphinx.highlighting import PygmentsBridge
from briefs.book import parallel, sphinxext
source, out, paths = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
kept = sphinxext.prehighlight(paths)
lexed, draw = [], PygmentsBridge.highlight_block
def highlight_block(self, source, lang, *args, **kwargs):
    lexed.append((lang, source.splitlines()[0] if source else ""))
    return draw(self, source, lang, *args, **kwargs)
PygmentsBridge.highlight_block = highlight_block
sys.argv[1:] = ["build", source, "--path-output", out, "--builder", "html", "-W", "-n", "--keep-going"]
try:
    parallel.main()
except SystemExit as end:
    assert not end.code, end.code
print(json.dumps({"kept": kept, "lexed": lexed}))
"""


def test_the_code_highlighted_while_the_briefs_run_is_all_the_compile_needs(built_project, tmp_path, monkeypatch):
    import json
    import subprocess
    import sys

    from briefs.book.build import code_sources

    root = built_project.root
    source = root / "build" / "book" / "src"
    paths = [str(path) for path in code_sources(root)]
    monkeypatch.setenv("BRIEFS_SPHINX_JOBS", "1")
    run = subprocess.run(
        [sys.executable, "-c", HIGHLIGHTED_AHEAD, str(source), str(tmp_path / "one"), json.dumps(paths)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["kept"] > 100  # the briefs' code cells and the guides' code
    assert [lang for lang, _ in report["lexed"] if lang not in ("default", "none")] == [], report["lexed"]

    # The pages are those of a compile that highlights everything itself (every build in the suite
    # also sends its compile process the files to highlight: tests/book/test_compile.py).
    monkeypatch.setenv("BRIEFS_SPHINX_JOBS", "2")  # the same pages as a serial compile (the test above)
    alone = files(compile_book(source, tmp_path / "alone"))
    ahead = files(tmp_path / "one" / "_build" / "html")
    assert sorted(ahead) == sorted(alone)
    assert [name for name in alone if alone[name] != ahead[name]] == []
