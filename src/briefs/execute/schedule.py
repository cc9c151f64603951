"""Run many briefs: in parallel, each only when its inputs changed, with one way of failing.

Briefs run on threads of this process, each with its own warm kernel (one per core by
default: `KernelThreads`), on any `concurrent.futures` executor such as Dask distributed's,
or one at a time. A brief's code runs in its kernel, a process of its own, so a thread only
sends it cells and writes what comes back; threads share this process's imports, where a
pool of processes made each worker import papermill, nbformat and the library again (about a
second of a 10 s cold build on two cores: `benchmarks/RESULTS.md`). A brief that fails keeps
its previous executed notebook and the others still run; its failure is reported by name,
never raised for the whole run.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Executor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from briefs.errors import BriefsError
from briefs.execute import cache, interrupt, prosepatch, warm
from briefs.execute.run import RunResult, prevalidate, run_brief
from briefs.project import catalog, paths

Progress = Callable[[str, str], None]  # (brief or step, state) -> None


@dataclass(frozen=True)
class Job:
    """One run to make: a brief with one set of parameters, and where its executed notebook goes.

    `id` names the run in progress lines, failures and the cache: the brief's name for its
    default parameters, NAME@SET for another parameter set (see execute.sweep)."""

    id: str
    brief: catalog.Brief
    parameters: dict = field(default_factory=dict)
    output: Path | None = None  # default: build/runs/NAME.ipynb
    failed: Path | None = None  # default: build/failed/ID.ipynb


def _execute(
    name: str,
    root: str,
    output: str | None = None,
    failed: str | None = None,
    strict: bool = False,
    parameters: dict | None = None,
) -> RunResult:
    """One brief in a worker (module-level so any concurrent.futures executor can pickle it). The
    caller (a build, `briefs lock`, a sweep) holds the build lock while it writes into build/."""
    if output is not None:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    return run_brief(
        name,
        parameters,
        root=Path(root),
        strict=strict,
        output=output and Path(output),
        failed=failed and Path(failed),
        lock=False,
    )


class KernelThreads(ThreadPoolExecutor):
    """A thread pool whose threads each have a warm kernel from the start (with `root`), shut down
    with the pool: a process that runs many builds (the preview, the tests) keeps no kernel of a
    pool that has ended.

    The kernels are started by the thread that makes the pool, one per thread, before the threads
    exist; each thread takes one as it starts (`warm.adopt`). A thread starting its own competed
    for the interpreter with the thread that made the pool, which goes on to read the briefs and
    validate the data, and a cold build's kernels started 0.2-0.3 s later that way. With two
    kernels or more, they are forked from one process that has made their imports (execute.zygote)
    and draw their charts in one engine (execute.chartengine), both ended with the pool."""

    def __init__(self, workers: int, root: Path | None = None):
        self._kernel_threads: set[int] = set()
        self._kernels: list = []
        count = workers if root else 0
        # With two kernels or more, one process makes their imports and one draws their charts.
        self._zygote = self._engine = None
        try:
            if count > 1:
                self._zygote = warm.zygote(root)
                self._engine = warm.chart_engine(root)
            for _ in range(count):
                kernel = warm.launch(root, self._zygote, self._engine)
                if kernel is not None:
                    self._kernels.append(kernel)
        except BaseException:  # Ctrl-C while they start: none is left running
            warm.end(*self._kernels)
            self._end_helpers()
            raise
        self._taking = threading.Lock()
        super().__init__(max_workers=workers, thread_name_prefix="briefs-run", initializer=self._started, initargs=(root,))

    def _started(self, root: Path | None) -> None:
        self._kernel_threads.add(threading.get_ident())
        with self._taking:
            kernel = self._kernels.pop() if self._kernels else None
        if kernel is not None:
            warm.adopt(kernel)
        elif root is not None:
            warm.start_early(root)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:  # the threads have ended: their kernels are nobody's, nor those no thread took
            with self._taking:
                untaken, self._kernels = self._kernels, []
            warm.drop(*self._kernel_threads)
            warm.end(*untaken)
            self._kernel_threads.clear()
            self._end_helpers()

    def stop_running(self) -> None:
        """Kill the threads' kernels, so that the briefs running in them fail now (Ctrl-C): a kernel
        is in a session of its own, so the terminal's Ctrl-C does not reach it, and a thread waits
        for its cell to end. Their last good notebooks stay; `shutdown` then tidies up."""
        warm.kill(*self._kernel_threads)

    def _end_helpers(self) -> None:
        """The zygote and the chart engine, once the kernels have ended."""
        for helper in (self._zygote, self._engine):
            if helper is not None:
                helper.close()
        self._zygote = self._engine = None


def default_executor(workers: int | None = None, root: Path | None = None, briefs: int | None = None) -> Executor:
    """One thread, and so one kernel, per core by default, and no more than `briefs` (the runs it
    is given). With `root`, each thread has its warm kernel from the start."""
    count = workers or os.cpu_count() or 1
    return KernelThreads(min(count, briefs) if briefs else count, Path(root) if root else None)


def run_briefs(
    briefs: list[catalog.Brief],
    root: Path,
    *,
    force: bool = False,
    workers: int | None = None,
    executor: Executor | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    into: Path | None = None,
    strict: bool = False,
    parameters: dict | None = None,
) -> tuple[list[RunResult], dict[str, str], list[str]]:
    """Run the briefs whose inputs changed, in parallel; returns (runs, failures, unchanged).

    The one scheduler: `briefs build`, `briefs release`, `briefs lock --run` and `briefs check`
    all run briefs through here. `into`: run every brief afresh into that folder (failed runs
    in its `failed/`), leaving build/ and the cache alone, as a release or a check of the
    published outputs must. `strict`: a contradicted claim fails its brief. `parameters`: given
    to every brief (such as another `data_package`); only with `into`, so build/ never holds a
    run on other inputs than the project's. `scheduler`: the address of a Dask scheduler whose
    workers share no disk with this machine (execute.remote).
    """
    if parameters and into is None:
        raise ValueError("run_briefs: parameters need `into` (a folder apart from build/)")
    given = dict(parameters or {})
    jobs = [
        Job(b.name, b, given, into and into / f"{b.name}.ipynb", into and into / "failed" / f"{b.name}.ipynb") for b in briefs
    ]
    return run_jobs(
        jobs,
        root,
        force=force or into is not None,
        workers=workers,
        executor=executor,
        scheduler=scheduler,
        progress=progress,
        cached=into is None,
        strict=strict,
    )


def run_jobs(
    jobs: list[Job],
    root: Path,
    *,
    force: bool = False,
    workers: int | None = None,
    executor: Executor | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    cached: bool = True,
    strict: bool = False,
    errors: dict[str, BaseException] | None = None,
) -> tuple[list[RunResult], dict[str, str], list[str]]:
    """`run_briefs` for any runs: each job's cache record and outputs are its own (keyed by its id).
    `errors`: filled with each failure's exception, for a caller that raises it (`briefs run -p`)."""
    say = progress or (lambda item, state: None)
    runs: list[RunResult] = []
    failures: dict[str, str] = {}
    unchanged: list[str] = []
    keys: dict[str, str] = {}
    code: dict[str, str] = {}
    todo: list[Job] = []
    patched: list[tuple[Job, RunResult]] = []
    for job in jobs:
        keys[job.id] = cache.key(job.brief.path, job.parameters)
        target = job.output or paths.run_path(job.brief.name, root)
        reason = None if force else cache.stale_reason(job.id, root, keys[job.id], target, job.parameters)
        # Only the prose changed: the executed notebook takes the new text, no kernel (execute.prosepatch).
        reused = cached and reason and prosepatch.patch(job.id, job.brief.name, job.brief.path, job.parameters, target, root)
        if reused:
            patched.append((job, reused))
        elif force or reason:
            todo.append(job)
            say(job.id, "queued")
        else:
            unchanged.append(job.id)
            say(job.id, "unchanged, not re-run")

    def finish(job: Job, outcome: RunResult | BaseException, done: str = "done") -> None:
        if isinstance(outcome, BaseException):
            if cached:
                cache.invalidate(job.id, root)
                prosepatch.forget(job.id, root)
            failures[job.id] = str(outcome) if isinstance(outcome, BriefsError) else f"{job.id}: {outcome!r}"
            if errors is not None:
                errors[job.id] = outcome
            say(job.id, f"failed: {failures[job.id]}")
            return
        runs.append(outcome)
        if cached:
            cache.save(job.id, root, keys[job.id], outcome.notebook, job.parameters)
            ran = outcome.code or code.get(job.id)
            if ran:
                prosepatch.remember(job.id, ran, root)
        bad = len(outcome.contradicted)
        say(job.id, f"{done}, {len(outcome.claims)} claims" + (f", {bad} contradicted" if bad else ""))

    def note_code() -> None:
        """What each queued brief's code looks like now (execute.prosepatch), for runs on a cluster;
        taken once they are handed out, and well before they read the brief. A run in this process
        or a pool's says what it ran itself (`RunResult.code`), from the source it read."""
        if cached:
            for job in todo:
                code[job.id] = prosepatch.key_of(job.brief.name, job.brief.path, job.parameters)

    for job, result in patched:
        finish(job, result, "prose updated, not re-run")

    def args(job: Job) -> tuple:
        failed = job.failed or (paths.failed_path(job.id, root) if job.id != job.brief.name else None)
        return job.brief.name, str(root), job.output and str(job.output), failed and str(failed), strict, job.parameters

    if scheduler is not None and todo:
        from briefs.execute import remote

        for job in todo:  # every run's data can be sent, before any is submitted
            remote.sendable(root, job.parameters)
        with remote.Cluster(scheduler, root) as cluster:
            futures = {cluster.submit(job.brief.name, job.parameters, strict): job for job in todo}
            note_code()
            for job in futures.values():
                say(job.id, "running")
            for future in cluster.as_completed(futures):
                job = futures[future]
                try:
                    finish(
                        job,
                        cluster.land(
                            future,
                            job.brief.name,
                            job.output or paths.run_path(job.brief.name, root),
                            job.failed or paths.failed_path(job.id, root),
                        ),
                    )
                except Exception as exc:  # a worker's failure is that brief's failure, not the build's
                    finish(job, exc)
    elif executor is None and (len(todo) == 1 or workers == 1):
        for job in todo:  # one at a time, in this process: no pool to start, states exact
            say(job.id, "running")
            try:
                finish(job, _execute(*args(job)))
            except BriefsError as exc:
                finish(job, exc)
    elif todo:
        owned = executor is None
        pool = executor or default_executor(workers, root, len(todo))
        try:
            with interrupt.children_ignore():  # Ctrl-C stops this process, not each worker with a traceback
                futures = {pool.submit(_execute, *args(job)): job for job in todo}
            if owned and cached:  # while the workers start: the project's data validated once, not by each
                prevalidate(root)
            for job in futures.values():
                say(job.id, "running")
            for future in as_completed(futures):
                job = futures[future]
                try:
                    finish(job, future.result())
                except Exception as exc:  # a worker's failure is that brief's failure, not the build's
                    finish(job, exc)
        except BaseException:  # Ctrl-C: the running briefs stop now, not when their cells end
            if owned and isinstance(pool, KernelThreads):
                pool.stop_running()
            raise
        finally:
            if owned:
                pool.shutdown(wait=True, cancel_futures=True)
    runs.sort(key=lambda r: (r.brief, str(r.notebook)))
    return runs, failures, unchanged
