"""Warm kernels: a brief runs in a kernel that has already started and imported what briefs use.

A fresh kernel costs a process start plus the imports of pandas, Altair, vl-convert and this
library, about as much as a small brief's own cells. So each thread that runs briefs (a
worker of the scheduler's pool, `briefs run`, `briefs preview`) keeps one kernel: started once
with those imports (`PRELOAD`), then reused, and put back before every brief to the state a
fresh kernel has after the same imports (`execute.kernelstate.restore`: empty namespace,
working directory, environment, warning filters, library caches, ...). Execution counts differ
in a reused kernel, and `run.normalize` renumbers them, so the executed notebook is the same
bytes as a fresh kernel's (tests/execute/test_warm.py runs two briefs in one kernel in both
orders and compares them with fresh runs byte for byte).

A kernel is reused only by runs with the same kernel name, environment variables and library
code; anything else, a failed or interrupted brief, or a reset that does not succeed, shuts it
down and the next brief gets a new one. What may differ from run to run is set by the reset
instead, as the brief would find it in a fresh kernel started for it: the working directory (the
project's root: one process may run briefs of several copies of a project, as the tests and an
archive's rebuild do), the project's own variables (`BRIEFS_*`, which the library reads when
it runs, never as it is imported: the running brief's name, the data files validated, where the
official series are) and pytest's name for the running test (`RESET_ENV_NAMES`). A brief that
should never share a kernel says so in its front matter (`briefs: fresh_kernel: true`);
`BRIEFS_FRESH_KERNELS=1` does the same for every brief (for comparisons and debugging).

Why reuse rather than fork a kernel per brief: each forked kernel would still pay ipykernel's
own start and vl-convert's engine (about half a second), where a reset costs milliseconds. The
kernels a build starts at once are forked, though, from one process that has made their imports
(execute.zygote), so the imports are made once per build rather than once per kernel.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import multiprocessing.util
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from briefs.execute.kernelstate import PRELOADED

# What briefs import, imported once per kernel (execute.kernelstate.PRELOADED says which and why).
# vl-convert starts its JavaScript engine on its first conversion (about half a second), which the
# first brief with a chart would otherwise pay: an empty chart is drawn once here, and nothing of
# it is kept. A pool's kernels share one engine instead (execute.chartengine): each is told where
# it listens, and starts none of its own.
PRELOAD = """\
import {modules}
{engine}
briefs.execute.kernelstate.snapshot()
"""
WARM_ENGINE = "briefs.page.drawing.start_engine()"  # imported with briefs.page.rendered


def preload(engine: str | None = None) -> str:
    """The code a warm kernel runs once it has started: its imports, its chart engine (its own, or
    the one listening at `engine`), its snapshot."""
    line = WARM_ENGINE if engine is None else f"briefs.page.rendered.ENGINE = {engine!r}"
    return PRELOAD.format(modules=", ".join(PRELOADED), engine=line)


RESTORE = "__import__('briefs.execute.kernelstate').execute.kernelstate.restore({env!r}, {cwd!r})"
ALIVE_EVERY = 1.0  # seconds between looks at whether a kernel that has not answered yet is still alive
START_TIMEOUT = 300  # seconds for the kernel to start and make its imports, on a busy machine (as run.run_brief)
# Variables set by each reset rather than inherited at the kernel's start, so not part of `identity`:
# the project's own (`BRIEFS_*`: the running brief's name and the data files validated before it
# runs, which change with every brief or every edit of a data file, where the official series are,
# ...), and pytest's name for the test running now, which changes with every test (a project's
# tests that run briefs then share a kernel as a build's briefs do). A brief in a fresh kernel
# would inherit each of them from this process, and the reset gives it their values at that moment.
RESET_ENV_PREFIX = "BRIEFS_"
RESET_ENV_NAMES = frozenset({"PYTEST_CURRENT_TEST"})


class WarmKernelFailed(RuntimeError):
    """A warm kernel could not be started or reset (never leaves this module: the brief then
    runs in a fresh kernel)."""


def fresh_for_all() -> bool:
    return os.environ.get("BRIEFS_FRESH_KERNELS", "").strip().lower() in ("1", "true", "yes")


def _turned_off(variable: str) -> bool:
    """Whether `variable` turns a part of the pool off (`0`, `false` or `no`), for comparisons."""
    return os.environ.get(variable, "").strip().lower() in ("0", "false", "no")


def _set_by_reset(name: str) -> bool:
    return name.startswith(RESET_ENV_PREFIX) or name in RESET_ENV_NAMES


def _shared_env() -> dict[str, str]:
    """This process's environment less the variables each reset sets (`RESET_ENV_PREFIX`, `RESET_ENV_NAMES`)."""
    return {k: v for k, v in os.environ.items() if not _set_by_reset(k)}


def _reset_env() -> dict[str, str]:
    """The variables each reset sets, as a fresh kernel started now by this thread would inherit
    them (the running brief's own are set for its thread: execute.briefenv)."""
    from briefs.execute.briefenv import environ

    return {k: v for k, v in environ().items() if _set_by_reset(k)}


def identity(kernel_name: str) -> str:
    """What a kernel must share with a run to be reused by it (the root and `_reset_env` are set by each reset)."""
    from briefs.execute.fingerprint import library_digest

    env = _shared_env()
    parts = [
        kernel_name,
        sys.executable,
        library_digest(),
        json.dumps(env, sort_keys=True),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _manager_class():
    # As a fresh brief's kernel (execute.kernel_manager): no SIGINT to an idle kernel, sockets of its own.
    from briefs.execute.kernel_manager import BriefKernelManager

    class Manager(BriefKernelManager):
        """Remembers the clients it hands out (papermill makes one per notebook and leaves it
        connected when the kernel is not its own), so they can be closed after each brief."""

        def client(self, **kwargs):
            kc = super().client(**kwargs)
            self.handed_out.append(kc)
            return kc

        def close_clients(self) -> None:
            while self.handed_out:
                self.handed_out.pop().stop_channels()

    return Manager


class WarmKernel:
    def __init__(self, kernel_name: str, root: Path, key: str, zygote=None, engine: str | None = None):
        from jupyter_core.utils import run_sync

        self.key = key
        self.uses = 0
        self.km = _manager_class()(kernel_name=kernel_name)
        self.km.handed_out = []
        self.km.zygote = zygote  # forked from it (execute.zygote) rather than started as a process
        # As nbclient starts its own kernels: the command history in memory, not in a shared file.
        # The kernel's own log (a warning about TCP transport on every start) is noise to authors (as run.run_brief).
        extra = ["--HistoryManager.hist_file=:memory:", "--log-level=ERROR"]
        # Started without the project's own variables: each reset sets them (`ready`), and a kernel
        # started during one brief must not keep that brief's name for a later one.
        run_sync(self.km.start_kernel)(cwd=str(root), extra_arguments=extra, env=_shared_env())
        self.control = self.km.blocking_client()  # our own requests: the imports and each reset
        self.control.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self.pending: str | None = self.control.execute(preload(engine), silent=True, store_history=False)

    def _wait(self, msg_id: str, timeout: float) -> None:
        """The reply to one of our own requests; raises unless it succeeded."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WarmKernelFailed("the warm kernel did not answer in time")
            try:
                msg = self.control.get_shell_msg(timeout=min(left, ALIVE_EVERY))
            except Exception:  # queue.Empty
                process = getattr(self.km.provisioner, "process", None)
                if process is not None and process.poll() is not None:
                    raise WarmKernelFailed("the warm kernel has died") from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            content = msg["content"]
            if content.get("status") != "ok":
                raise WarmKernelFailed(f"the warm kernel's set-up failed: {content.get('ename')}: {content.get('evalue')}")
            return

    def ready(self, env: dict[str, str] | None = None, root: Path | None = None) -> None:
        """Wait for the imports (or the last reset), then reset: the kernel is as fresh as a new one
        started in `root` (by default the folder it was started in), with `env` (the project's own
        variables and the others `_reset_env` gives) in its environment."""
        if self.pending:
            self._wait(self.pending, START_TIMEOUT)
            self.pending = None
        code = RESTORE.format(env=dict(env or {}), cwd=None if root is None else str(Path(root).resolve()))
        self._wait(self.control.execute(code, silent=True, store_history=False), START_TIMEOUT)

    def kill(self) -> None:
        """End the kernel's process now (it holds nothing to save); `shutdown` then tidies up. A
        pool ending kills all its kernels first, so that they die together."""
        process = getattr(self.km.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        # jupyter_client polls a killed kernel every 0.1 s until it has gone: a kernel already
        # killed and waited for is found gone at the first look (0.1 s less per kernel).
        self.kill()
        process = getattr(self.km.provisioner, "process", None)
        try:
            if process is not None:
                process.wait(timeout=5)
            self.km.close_clients()
            self.control.stop_channels()
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # already gone: make sure of it
            self.kill()


# One kernel per thread of a process (a Dask worker runs tasks on several threads).
_kernels: dict[int, WarmKernel] = {}
_lock = threading.Lock()


def current() -> WarmKernel | None:
    """This thread's warm kernel, if it has one."""
    return _kernels.get(threading.get_ident())


def drop(*idents: int) -> None:
    """Shut down this thread's warm kernel, or those of the threads `idents` (threads that have
    ended)."""
    with _lock:
        kernels = [_kernels.pop(ident, None) for ident in (idents or (threading.get_ident(),))]
    end(*[kernel for kernel in kernels if kernel is not None])


def kill(*idents: int) -> None:
    """Kill the warm kernels of the threads `idents` now, leaving them to `drop` (a build stopped
    by Ctrl-C: the briefs running in them fail at once)."""
    with _lock:
        kernels = [_kernels.get(ident) for ident in idents]
    for kernel in kernels:
        if kernel is not None:
            kernel.kill()


def end(*kernels: WarmKernel) -> None:
    """Shut these kernels down: all are killed first and then tidied up, so their ends overlap."""
    for kernel in kernels:
        kernel.kill()
    for kernel in kernels:
        kernel.shutdown()


def launch(root: Path, zygote=None, engine=None) -> WarmKernel | None:
    """A warm kernel started now, in `root` (forked from `zygote`, if given; drawing its charts in
    `engine`, an execute.chartengine.ChartEngine, if given), for a thread that will take it
    (`adopt`); None when every brief gets a fresh kernel or the start fails (the thread then
    starts its own)."""
    if fresh_for_all():
        return None
    from briefs.execute.kernelspec import ensure_kernel

    name = ensure_kernel()
    try:
        return WarmKernel(name, Path(root), identity(name), zygote, engine and engine.address)
    except Exception:
        return None


def zygote(root: Path):
    """A zygote (execute.zygote) for warm kernels started in `root`, making its imports from now
    on; None where there is to be none (fresh kernels for every brief, or `BRIEFS_ZYGOTE=0`, for
    comparisons) or can be none (not Linux, a kernelspec that does not run this interpreter, or
    it failed to start)."""
    if fresh_for_all() or _turned_off("BRIEFS_ZYGOTE"):
        return None
    from briefs.execute import zygote as zygotes
    from briefs.execute.kernelspec import kernel_argv

    try:
        return zygotes.Zygote(kernel_argv(), _shared_env(), Path(root))
    except Exception:
        return None


def chart_engine(root: Path):
    """An engine drawing the charts of the warm kernels started in `root` (execute.chartengine);
    None where there is to be none (fresh kernels for every brief, or `BRIEFS_CHART_ENGINE=0`, for
    comparisons) or it failed to start (each kernel then starts its own)."""
    if fresh_for_all() or _turned_off("BRIEFS_CHART_ENGINE"):
        return None
    from briefs.execute.chartengine import ChartEngine

    try:
        return ChartEngine(Path(root), _shared_env())
    except Exception:
        return None


def adopt(kernel: WarmKernel) -> None:
    """Make `kernel` (from `launch`) this thread's warm kernel."""
    drop()
    with _lock:
        _kernels[threading.get_ident()] = kernel


def shutdown_all() -> None:
    drop(*list(_kernels))


# At exit; a pool's worker process skips atexit but runs multiprocessing's finalizers. A kernel
# whose process is killed stops by itself (ipykernel watches its parent).
atexit.register(shutdown_all)
multiprocessing.util.Finalize(None, shutdown_all, exitpriority=100)


def prestart(kernel_name: str, root: Path) -> None:
    """Start this thread's warm kernel now (a pool worker, before its first brief); never raises."""
    if fresh_for_all():
        return
    try:
        _checkout(kernel_name, Path(root), wait=False)
    except Exception:
        drop()


def start_early(root: Path) -> None:
    """Start this thread's warm kernel before anything else, for the briefs it is about to run (a
    worker thread of a build, as it starts: execute.schedule; `briefs run`). Only light modules are
    imported on the way (this one, execute.kernelspec, jupyter_client), so the kernel boots while
    the process goes on to import papermill, pandas and the library and to check the brief's
    parameters and data. A run refused meanwhile leaves it unused; it is shut down at exit."""
    from briefs.execute.kernelspec import ensure_kernel

    prestart(ensure_kernel(), Path(root))


def _checkout(kernel_name: str, root: Path, wait: bool = True, env: dict[str, str] | None = None) -> WarmKernel:
    key = identity(kernel_name)
    kernel = current()
    if kernel is not None and kernel.key != key:
        drop()
        kernel = None
    if kernel is None:
        kernel = WarmKernel(kernel_name, root, key)
        with _lock:
            _kernels[threading.get_ident()] = kernel
    if wait:
        kernel.ready(env, root)
    return kernel


class Lease:
    """One brief's claim on this process's warm kernel, taken only when the kernel is needed:
    a run refused before that (bad parameters, bad data) never starts one."""

    def __init__(self, root: Path, fresh: bool):
        self.root = Path(root)
        self.fresh = fresh or fresh_for_all()
        self.taken: WarmKernel | None = None

    def manager(self, kernel_name: str):
        """The kernel manager to run the brief in (papermill's `km`), or None for a fresh kernel.
        A kernel that cannot be made warm leaves the brief to a fresh kernel. The variables each
        reset sets (`_reset_env`), which a fresh kernel inherits, are taken from this process now."""
        if self.fresh:
            return None
        env = _reset_env()
        try:
            self.taken = _checkout(kernel_name, self.root, env=env)
        except Exception:
            drop()
            return None
        return self.taken.km


@contextmanager
def lease(root: Path, *, fresh: bool = False) -> Iterator[Lease]:
    """Around one brief's run: if it fails, or anything else goes wrong, its kernel is shut
    down and the next brief gets a new one."""
    held = Lease(root, fresh)
    ok = False
    try:
        yield held
        ok = True
    finally:
        if held.taken is not None:
            held.taken.uses += 1
            if ok and held.taken is current():
                held.taken.km.close_clients()
            else:
                drop()
