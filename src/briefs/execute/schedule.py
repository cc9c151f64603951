"""Run many briefs: in parallel, each only when its inputs changed, with one way of failing.

Briefs run on a spawned process pool (one process per core by default), on any
`concurrent.futures` executor such as Dask distributed's, or one at a time in this
process. A brief that fails keeps its previous executed notebook and the others still
run; its failure is reported by name, never raised for the whole run.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

from briefs.errors import BriefsError
from briefs.execute import cache, warm
from briefs.execute.run import RunResult, run_brief
from briefs.project import catalog, paths

Progress = Callable[[str, str], None]  # (brief or step, state) -> None


def _execute(name: str, root: str, into: str | None = None, strict: bool = False) -> RunResult:
    """One brief in a worker (module-level so any concurrent.futures executor can pickle it)."""
    if into is None:
        return run_brief(name, root=Path(root), strict=strict)
    return run_brief(name, root=Path(root), strict=strict, output=Path(into) / f"{name}.ipynb",
                     failed=Path(into) / "failed" / f"{name}.ipynb")


def _prestart(root: str) -> None:
    """A worker's first act: start its warm kernel (see execute.warm) while briefs are handed out."""
    from briefs.execute.run import ensure_kernel

    warm.prestart(ensure_kernel(), Path(root))


def default_executor(workers: int | None = None, root: Path | None = None) -> Executor:
    """One process per core by default; spawned, so workers never inherit the parent's threads.
    With `root`, each worker starts its warm kernel as soon as it starts."""
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_prestart if root else None, initargs=(str(root),) if root else ())


def run_briefs(
    briefs: list[catalog.Brief],
    root: Path,
    *,
    force: bool = False,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    into: Path | None = None,
    strict: bool = False,
) -> tuple[list[RunResult], dict[str, str], list[str]]:
    """Run the briefs whose inputs changed, in parallel; returns (runs, failures, unchanged).

    The one scheduler: `briefs build`, `briefs release`, `briefs lock --run` and `briefs check`
    all run briefs through here. `into`: run every brief afresh into that folder (failed runs
    in its `failed/`), leaving build/ and the cache alone, as a release or a check of the
    published outputs must. `strict`: a contradicted claim fails its brief.
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
        reason = None if force else cache.stale_reason(brief.name, root, keys[brief.name], paths.run_path(brief.name, root))
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
                finish(brief.name, _execute(brief.name, str(root), into and str(into), strict))
            except BriefsError as exc:
                finish(brief.name, exc)
    elif todo:
        owned = executor is None
        pool = executor or default_executor(workers, root)
        try:
            futures = {pool.submit(_execute, b.name, str(root), into and str(into), strict): b.name for b in todo}
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
