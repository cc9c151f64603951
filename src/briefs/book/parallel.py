"""`jupyter-book build` with Sphinx's parallel jobs: pages read and written on every core.

Jupyter Book 1.x passes no job count to Sphinx (its `build_sphinx` takes one and its command
line never sets it), so the compile process runs that command with `build_sphinx` given the
count: `python -m briefs.book.parallel build SOURCE ...`, as `book.compile` does. Every
extension the book loads says it is safe to run in parallel (`book.sphinxext` vouches for the
one that does not say). The pages are the same bytes either way (tests/book/test_parallel.py).
`BRIEFS_SPHINX_JOBS` sets the count (default: one per core; 1 compiles serially).
"""

from __future__ import annotations

import functools
import os
import sys


def jobs() -> int:
    value = os.environ.get("BRIEFS_SPHINX_JOBS", "").strip()
    return max(1, int(value)) if value.isdigit() else (os.cpu_count() or 1)


def dealt(arguments: list[str], nproc: int, maxbatch: int = 10) -> list[list[str]]:
    """The pages for Sphinx's parallel processes, dealt out in turn: one chunk per process.

    Sphinx cuts the sorted page names into consecutive runs (`sphinx.util.parallel.make_chunks`),
    so the book's briefs, by far its heaviest pages and neighbours in that order (`briefs/...`),
    all land in one process while the other gets the light guides. Dealt in turn, each process
    gets its share of them. Every page is still read and written on its own: only which process
    does it changes, never the pages (tests/book/test_parallel.py compares them byte for byte).
    """
    count = max(1, min(nproc, len(arguments)))
    return [list(arguments[i::count]) for i in range(count)]


# What the compile imports before its first page, about a second of a core: a compile started
# ahead (`python -m briefs.book.parallel --ahead`, see book.compile.Ahead) imports it while the
# briefs run, then reads its command line from its standard input.
AHEAD_IMPORTS = (
    "sphinx.application",
    "sphinx.builders.html",
    "sphinx.search.en",
    "jupyter_book.cli.main",
    "jupyter_book.sphinx",
    "myst_nb.sphinx_ext",
    "myst_parser.sphinx_ext.main",
    "pydata_sphinx_theme",
    "sphinx_book_theme",
    "sphinx_comments",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx_external_toc",
    "sphinx_multitoc_numbering",
    "sphinx_thebe",
    "sphinx_togglebutton",
    "briefs.book.sphinxext",
)


def wait_for_arguments() -> bool:
    """Import what the compile needs, then take the command line from the first line of standard
    input (a JSON list). False when the line never comes (the build needed no compile, or died)."""
    import importlib
    import json

    for name in AHEAD_IMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    try:
        line = sys.stdin.readline()
    except KeyboardInterrupt:  # Ctrl-C in the terminal reaches the whole group: the build says it
        return False
    if not line.strip():
        return False
    sys.argv[1:] = json.loads(line)
    return True


def serial_with_one_helper(write_parallel):
    """Sphinx's `Builder._write_parallel`, except with a single helper process (two jobs): then the
    pages are written in the main process. Sphinx's main process resolves every page and pickles it
    to its helpers, so one helper only adds that traffic (on this book: 2.2 s of writing against
    1.6 s serially). Reading stays parallel. Serial and parallel writes give the same pages
    (tests/book/test_parallel.py)."""

    def write(builder, docnames, nproc: int) -> None:
        if nproc < 2:
            builder._write_serial(docnames)
        else:
            write_parallel(builder, docnames, nproc)

    return write


def main() -> None:
    if sys.argv[1:] == ["--ahead"] and not wait_for_arguments():
        return
    import sphinx.builders as sphinx_builders
    from jupyter_book import sphinx
    from jupyter_book.cli.main import main as jupyter_book_command

    sphinx.build_sphinx = functools.partial(sphinx.build_sphinx, jobs=jobs())
    sphinx_builders.make_chunks = dealt  # the reads and writes of `Builder` (sphinx/builders/__init__.py)
    sphinx_builders.Builder._write_parallel = serial_with_one_helper(sphinx_builders.Builder._write_parallel)
    jupyter_book_command()


if __name__ == "__main__":
    main()
