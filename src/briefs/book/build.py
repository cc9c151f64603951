"""Run every brief, then compile the Jupyter Book (1.x, Sphinx) to HTML, offline.

Briefs run in parallel (one process per core by default, or on any
`concurrent.futures` executor such as Dask distributed's) and only when their
inputs changed (see `cache`). The book is compiled from a staging copy of `book/` plus the executed
notebooks, with its table of contents generated from the catalog, so adding a
brief adds a page without editing the core. HTML is built aside and swapped
into `build/html` only when Sphinx succeeds: a failed build leaves the last
good book in place. A brief that fails keeps its previous executed notebook
and the other briefs still run; the summary names it. Every published file
changes by rename only (see `atomic`), so a build killed at any point leaves
the last good book and notebooks whole; `build/book` is scratch, rebuilt from
nothing each time.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

from briefs import atomic
from briefs.execute import cache
from briefs.project import catalog
from briefs.book import derivations, guides, landing
from briefs.errors import BriefsError, BuildFailed
from briefs.project.paths import build_dir, project_root
from briefs.execute.run import RunResult, output_path, run_brief, scratch_dir

Progress = Callable[[str, str], None]  # (brief or step, state) -> None


@dataclass
class BuildResult:
    html: Path
    runs: list[RunResult] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def vega_bundle(cache: Path) -> Path:
    """Vega, Vega-Lite and Vega-Embed as one local script, from vl-convert (no network, no npm)."""
    import vl_convert as vlc

    from briefs.page.charts import VL_VERSION

    path = cache / f"vega-{vlc.get_vega_version()}-vl{VL_VERSION}-embed{vlc.get_vega_embed_version()}.js"
    if not path.exists():
        # Wrapped in a function: the bundle's top-level `const`s would otherwise share the page's
        # global scope with every other classic script. It still sets window.vegaEmbed.
        body = vlc.javascript_bundle(vl_version=VL_VERSION)
        atomic.write_text(path, f"(function () {{\n{body}\n}})();\n")
    return path


def toc(briefs: list[catalog.Brief], guide_pages: list[str] = (), reference: list[str] | None = None) -> str:
    """The document briefs first, then each other part (named in a page's `part:`) in the order of its
    first page, then reference pages, then the guides."""
    parts: dict[str, list[catalog.Brief]] = {catalog.DEFAULT_PART: []}
    for brief in briefs:
        parts.setdefault(brief.part, []).append(brief)
    lines = ["format: jb-book", "root: intro", "parts:"]
    for caption, members in parts.items():
        if members or caption == catalog.DEFAULT_PART:
            lines += [f"  - caption: {json.dumps(caption, ensure_ascii=False)}", "    chapters:"]
            lines += [f"      - file: briefs/{b.name}" for b in members]
    if reference:
        lines += ["  - caption: Reference", "    chapters:"] + [f"      - file: {doc}" for doc in reference]
    if guide_pages:
        lines += [f"  - caption: {json.dumps(guides.CAPTION, ensure_ascii=False)}", "    chapters:"]
        lines += [f"      - file: {page}" for page in guide_pages]
    return "\n".join(lines) + "\n"


def ledger_page(source: Path) -> str | None:
    """The figure ledger page of a staged book, if one was added (book/ledger.md or generated)."""
    for suffix in (".md", ".ipynb"):
        if (source / f"ledger{suffix}").exists():
            return "ledger"
    return None


def configure(source: Path, pdf: bool) -> None:
    """Settings of this build that the committed _config.yml cannot know (whether PDFs are printed)."""
    import yaml

    path = source / "_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config.setdefault("sphinx", {}).setdefault("config", {})["briefs_pdf"] = bool(pdf)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def stage(root: Path, briefs: list[catalog.Brief], notebooks: dict[str, Path], dest: Path, pdf: bool = False) -> Path:
    """A complete Jupyter Book source folder: book/, executed notebooks, generated TOC and landing list, assets."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(root / "book", dest)
    (dest / "briefs").mkdir(exist_ok=True)
    for brief in briefs:
        if brief.name in notebooks:
            derivations.check(notebooks[brief.name], brief.name)  # every glued number says how it was computed
            shutil.copyfile(notebooks[brief.name], dest / "briefs" / f"{brief.name}.ipynb")
    ledger = ledger_page(dest)
    built = [b for b in briefs if b.name in notebooks]
    (dest / "_toc.yml").write_text(toc(built, guides.pages(dest), [ledger] if ledger else None), encoding="utf-8")
    (dest / landing.CATALOG_FILE).write_text(landing.catalog_markdown(built, notebooks, ledger=ledger, pdf=pdf), encoding="utf-8")
    configure(dest, pdf)
    static = dest / "_static"
    static.mkdir(exist_ok=True)
    shutil.copyfile(vega_bundle(build_dir(root) / "cache"), static / "vega-bundle.js")
    for asset in resources.files("briefs").joinpath("assets").iterdir():
        if asset.name.endswith((".js", ".css")):
            (static / asset.name).write_bytes(asset.read_bytes())
    return dest


def compile_book(source: Path, out: Path) -> Path:
    """`jupyter-book build` into a fresh folder; returns its HTML folder or raises BuildFailed."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [
        # `import briefs` first: it defers a grammar jsonschema would compile for nothing (see lazyimports).
        sys.executable, "-c", "import briefs; from jupyter_book.cli.main import main; main()", "build", str(source),
        "--path-output", str(out), "--builder", "html", "-W", "-n", "--keep-going",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    html = out / "_build" / "html"
    if proc.returncode != 0 or not (html / "index.html").exists():
        log = out / "jupyter-book.log"
        out.mkdir(parents=True, exist_ok=True)
        log.write_text(proc.stdout + "\n" + proc.stderr, encoding="utf-8")
        warnings = [ln for ln in (proc.stdout + proc.stderr).splitlines() if "WARNING" in ln or "ERROR" in ln]
        first = warnings[0] if warnings else f"jupyter-book exited with {proc.returncode}"
        raise BuildFailed(f"the book did not build: {first} (full log: {log})")
    return html


def swap_in(new: Path, target: Path) -> None:
    """Replace `target` by `new` with renames, so readers of `target` see old or new, never half."""
    atomic.replace_dir(new, target)


def print_pdfs(html: Path, briefs: list[str], say: Progress) -> None:
    """Print every built brief page to html/pdf/NAME.pdf (see briefs.pdf)."""
    from briefs.book import pdf
    from briefs.book.sphinxext import BRIEFS_DIR, PDF_DIR

    say("pdf", f"printing {len(briefs)} brief(s) with {pdf.chromium_path()}")
    pdf.print_pages(html, {name: f"{BRIEFS_DIR}/{name}.html" for name in briefs}, html / PDF_DIR)


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


def _execute(name: str, root: str, into: str | None = None) -> RunResult:
    """One brief in a worker (module-level so any concurrent.futures executor can pickle it)."""
    if into is None:
        return run_brief(name, root=Path(root))
    return run_brief(name, root=Path(root), output=Path(into) / f"{name}.ipynb", failed=Path(into) / "failed" / f"{name}.ipynb")


def default_executor(workers: int | None = None) -> Executor:
    """One process per core by default; spawned, so workers never inherit the parent's threads."""
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn"))


def run_briefs(
    briefs: list[catalog.Brief],
    root: Path,
    *,
    force: bool = False,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    into: Path | None = None,
) -> tuple[list[RunResult], dict[str, str], list[str]]:
    """Run the briefs whose inputs changed, in parallel; returns (runs, failures, unchanged).

    `into`: run every brief afresh into that folder (failed runs in its `failed/`), leaving
    build/ and the cache alone, as a check of the published outputs must.
    """
    say = progress or (lambda item, state: None)
    force = force or into is not None
    runs: list[RunResult] = []
    failures: dict[str, str] = {}
    unchanged: list[str] = []
    keys: dict[str, str] = {}
    todo: list[catalog.Brief] = []
    for brief in briefs:
        keys[brief.name] = cache.key(brief.path, {})
        reason = None if force else cache.stale_reason(brief.name, root, keys[brief.name], output_path(brief.name, root))
        if force or reason:
            todo.append(brief)
            say(brief.name, "queued")
        else:
            unchanged.append(brief.name)
            say(brief.name, "unchanged, not re-run")

    def finish(name: str, outcome: RunResult | BaseException) -> None:
        if isinstance(outcome, BaseException):
            if into is None:
                cache.invalidate(name, root)
            failures[name] = str(outcome) if isinstance(outcome, BriefsError) else f"{name}: {outcome!r}"
            say(name, f"failed: {failures[name]}")
            return
        runs.append(outcome)
        if into is None:
            cache.save(name, root, keys[name], outcome.notebook)
        bad = len(outcome.contradicted)
        say(name, f"done, {len(outcome.claims)} claims" + (f", {bad} contradicted" if bad else ""))

    if executor is None and (len(todo) == 1 or workers == 1):
        for brief in todo:  # one at a time, in this process: no pool to start, states exact
            say(brief.name, "running")
            try:
                finish(brief.name, _execute(brief.name, str(root), into and str(into)))
            except BriefsError as exc:
                finish(brief.name, exc)
    elif todo:
        owned = executor is None
        pool = executor or default_executor(workers)
        try:
            futures = {pool.submit(_execute, b.name, str(root), into and str(into)): b.name for b in todo}
            for name in futures.values():
                say(name, "running")
            for future in as_completed(futures):
                name = futures[future]
                try:
                    finish(name, future.result())
                except Exception as exc:  # a worker's failure is that brief's failure, not the build's
                    finish(name, exc)
        finally:
            if owned:
                pool.shutdown(wait=True, cancel_futures=True)
    runs.sort(key=lambda r: r.brief)
    return runs, failures, unchanged


def build_book(
    root: Path | None = None,
    *,
    progress: Progress | None = None,
    run: bool = True,
    force: bool = False,
    workers: int | None = None,
    executor: Executor | None = None,
    pdf: bool | None = None,
) -> BuildResult:
    """Run the briefs whose inputs changed (all with `force`), stage the book, compile it into build/html.

    `pdf`: True prints every brief to PDF (and fails if it cannot), False never, None (the
    default) whenever Chromium is available.
    """
    root = root or project_root()
    say = progress or (lambda item, state: None)
    with_pdf = want_pdf(pdf, say)
    briefs = catalog.discover(root)
    result = BuildResult(html=build_dir(root) / "html")
    atomic.recover_dir(result.html)  # a build killed mid-swap put the last good book aside
    shutil.rmtree(scratch_dir(root), ignore_errors=True)
    if run:
        result.runs, result.failures, result.unchanged = run_briefs(
            briefs, root, force=force, workers=workers, executor=executor, progress=say
        )
    notebooks = {b.name: output_path(b.name, root) for b in briefs if output_path(b.name, root).exists()}
    book = cache.book_key(root, notebooks)
    if not force and cache.book_is_current(root, book, result.html):
        say("book", "unchanged, not recompiled")
        return result
    say("book", "compiling")
    work = build_dir(root) / "book"
    source = stage(root, briefs, notebooks, work / "src", pdf=with_pdf)
    html = compile_book(source, work / "out")
    if with_pdf:
        print_pdfs(html, [b.name for b in briefs if b.name in notebooks], say)
    swap_in(html, result.html)
    shutil.rmtree(work / "out", ignore_errors=True)
    cache.save_book(root, book)
    say("book", f"written to {result.html}")
    return result
