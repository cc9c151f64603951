"""`briefs build`: run the briefs whose inputs changed, then stage, compile and print the book.

The steps are one function each, in their own modules: `execute.schedule.run_briefs`
runs the briefs, `book.stage.stage` writes the book's source, `book.compile.compile_book`
runs Sphinx, `book.pdf.print_briefs` prints each brief. `assemble` chains the last
three for a build and for a release alike, so an edition has the same pages and PDFs
as `briefs build`. HTML is built aside and swapped into `build/html` only when Sphinx
succeeds: a failed build leaves the last good book in place. Every published file
changes by rename only (see `atomic`), so a build killed at any point leaves the last
good book and notebooks whole; `build/book` is scratch, rebuilt from nothing each time.
"""

from __future__ import annotations

import shutil
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from briefs import atomic
from briefs.book.compile import Ahead, compile_book
from briefs.book import vega
from briefs.book.stage import stage
from briefs.errors import BuildFailed
from briefs.execute import cache
from briefs.execute.run import RunResult
from briefs.execute.schedule import Progress, run_briefs
from briefs.project import buildlock, catalog, paths


@dataclass
class BuildResult:
    html: Path
    runs: list[RunResult] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class StageResult:
    source: Path
    runs: list[RunResult] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)


def want_pdf(requested: bool | None, say: Progress) -> bool:
    """PDFs are printed when asked, or by default whenever Chromium is there; asked for and impossible fails."""
    from briefs.book.pdf import unavailable

    reason = unavailable() if requested is not False else None
    if requested is None:
        if reason:
            say("pdf", f"skipped: {reason}")
        return reason is None
    if requested and reason:
        raise BuildFailed(f"cannot print the briefs to PDF: {reason}")
    return requested


def assemble(
    root: Path,
    briefs: list[catalog.Brief],
    notebooks: dict[str, Path],
    work: Path,
    *,
    pdf: bool,
    prepare: Callable[[Path], None] | None = None,
    say: Progress = lambda item, state: None,
    ahead: Ahead | None = None,
) -> Path:
    """Stage the book in `work/src`, let `prepare` adjust the staged source (a release adds its
    edition's settings there), compile it into `work/out` (in the process `ahead` started, if
    any) and print each brief's PDF into it. Returns the HTML folder."""
    source = stage(root, briefs, notebooks, work / "src", pdf=pdf)
    if prepare is not None:
        prepare(source)
    html = compile_book(source, work / "out", ahead)
    if pdf:
        from briefs.book.pdf import print_briefs

        print_briefs(html, [b.name for b in briefs if b.name in notebooks], say)
    return html


def code_sources(root: Path) -> list[Path]:
    """The files whose code the book shows: each brief's notebook and the book's own pages."""
    return [brief.path for brief in catalog.discover(root)] + sorted(paths.book_sources(root).rglob("*.md"))


def build_book(
    root: Path | None = None,
    *,
    progress: Progress | None = None,
    run: bool = True,
    force: bool = False,
    workers: int | None = None,
    executor: Executor | None = None,
    scheduler: str | None = None,
    pdf: bool | None = None,
) -> BuildResult:
    """Run the briefs whose inputs changed (all with `force`), stage the book, compile it into build/html.

    `pdf`: True prints every brief to PDF (and fails if it cannot), False never, None (the
    default) whenever Chromium is available. `scheduler`: a Dask scheduler's address, to run the
    briefs on its workers (see execute.remote).
    """
    root = root or paths.project_root()
    say = progress or (lambda item, state: None)
    with buildlock.hold(root, say):  # one process at a time changes build/
        ahead: list[Ahead] = []

        def said(item: str, state: str) -> None:
            if state == "queued" and not ahead:  # briefs to run: meanwhile the compile imports what it
                ahead.append(Ahead(highlight=code_sources(root)))  # needs and highlights the code,
                vega.start(paths.user_cache_dir(root))  # and the charts' script is made (if it is not kept)
            say(item, state)

        try:
            return _build(root, said, run, force, workers, executor, scheduler, pdf, ahead)
        finally:
            for process in ahead:
                process.close()


def _build(
    root: Path,
    say: Progress,
    run: bool,
    force: bool,
    workers: int | None,
    executor: Executor | None,
    scheduler: str | None,
    pdf: bool | None,
    ahead: list[Ahead],
) -> BuildResult:
    with_pdf = want_pdf(pdf, say)
    briefs = catalog.discover(root)
    result = BuildResult(html=paths.html_dir(root))
    atomic.recover_dir(result.html)  # a build killed mid-swap put the last good book aside
    shutil.rmtree(paths.scratch_dir(root), ignore_errors=True)
    if run:
        result.runs, result.failures, result.unchanged = run_briefs(
            briefs, root, force=force, workers=workers, executor=executor, scheduler=scheduler, progress=say
        )
    notebooks = {b.name: paths.run_path(b.name, root) for b in briefs if paths.run_path(b.name, root).exists()}
    for name, notebook in notebooks.items():  # publish only runs that their cache record describes
        mismatch = cache.unverified(name, root, notebook)
        if mismatch:
            raise BuildFailed(f"{notebook}: {mismatch}; run `briefs build` (without --no-run) to run it again")
    book = cache.book_key(root, notebooks, pdf=with_pdf)
    if not force and cache.book_is_current(root, book, result.html):
        say("book", "unchanged, not recompiled")
        return result
    say("book", "compiling")
    work = paths.book_work_dir(root)
    html = assemble(root, briefs, notebooks, work, pdf=with_pdf, say=say, ahead=ahead[0] if ahead else None)
    atomic.replace_dir(html, result.html)
    shutil.rmtree(work / "out", ignore_errors=True)
    cache.save_book(root, book)
    say("book", f"written to {result.html}")
    return result


def stage_book(
    root: Path | None = None,
    *,
    progress: Progress | None = None,
    run: bool = True,
    force: bool = False,
    workers: int | None = None,
) -> StageResult:
    """Run the briefs whose inputs changed and write the book's source to build/book/src, without compiling it.

    The folder is an ordinary Jupyter Book (`_config.yml`, `_toc.yml`, the executed notebooks), so
    `jupyter-book build build/book/src` builds it with Jupyter Book's own command; PDFs are not printed.
    """
    root = root or paths.project_root()
    briefs = catalog.discover(root)
    result = StageResult(source=paths.book_work_dir(root) / "src")
    if run:
        result.runs, result.failures, result.unchanged = run_briefs(briefs, root, force=force, workers=workers, progress=progress)
    notebooks = {b.name: paths.run_path(b.name, root) for b in briefs if paths.run_path(b.name, root).exists()}
    stage(root, briefs, notebooks, result.source, pdf=False)
    return result
