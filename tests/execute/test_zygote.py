"""Kernels forked from a zygote: a forked kernel starts in the state a fresh kernel starts in, a
build's briefs run in forked kernels give a fresh kernel's bytes, a forked kernel is
interrupted and killed like any other, a pool leaves no process behind, and a zygote that dies
leaves its briefs to fresh kernels, at once rather than after the start's time-out."""

from __future__ import annotations

import json
import threading
import time

import pytest

from briefs.execute import warm, zygote
from briefs.execute.schedule import KernelThreads, run_briefs
from briefs.project import catalog
from conftest import copy_project

pytestmark = [
    pytest.mark.slow,  # every test here starts kernels
    pytest.mark.skipif(not zygote.AVAILABLE, reason="kernels are forked on Linux only; elsewhere they are started as processes"),
]

# What a brief could see of how its kernel was started.
STATE = r"""
import json, os, signal, sys, threading, warnings
print(json.dumps({
    "modules": sorted(sys.modules), "path": sys.path, "cwd": os.getcwd(), "environ": dict(os.environ),
    "argv": [os.path.basename(sys.argv[0]), *sys.argv[1:]], "main": sys.modules["__main__"].__name__,
    "filters": [repr(f) for f in warnings.filters], "flags": repr(sys.flags), "stdin": sys.stdin.__class__.__name__,
    "signals": {name: repr(signal.getsignal(getattr(signal, name))) for name in ("SIGINT", "SIGTERM", "SIGCHLD", "SIGPIPE", "SIGHUP")},
    "threads": sorted(thread.name for thread in threading.enumerate()),
    "session": os.getsid(0) == os.getpid() == os.getpgid(0),
    "watches its parent": os.getppid() == int(os.environ["JPY_PARENT_PID"]),
    "its poller watches": (lambda app: (type(app.poller).__name__, app.parent_handle == os.getppid()))(get_ipython().kernel.parent),
}))
"""
# The one filter IPython's shell adds as it starts: before the preload's imports in a fresh kernel,
# after them in a forked one. It ignores one RuntimeWarning of Trio's; no other filter here matches
# that warning's category and text, so the order changes nothing a brief can see.
SHELL_FILTER = "Trio's signal handling code"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("zygote") / "project")


def run_code(kernel: warm.WarmKernel, code: str, timeout: float = 60) -> tuple[str, dict]:
    """Run `code` in the kernel as a client does; what it printed and the reply's content."""
    client = kernel.km.blocking_client()
    client.start_channels()
    printed: list[str] = []
    try:
        reply = client.execute_interactive(
            code,
            timeout=timeout,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None,
        )
    finally:
        client.stop_channels()
    return "".join(printed), reply["content"]


def state(kernel: warm.WarmKernel) -> dict:
    kernel.ready()
    printed, _ = run_code(kernel, STATE)
    found = json.loads(printed)
    found["argv"] = [arg if not arg.endswith(".json") else "CONNECTION FILE" for arg in found["argv"]]
    found["environ"].pop("JPY_PARENT_PID")  # each kernel's own parent: compared as "watches its parent"
    shell = [f for f in found["filters"] if SHELL_FILTER in f]
    assert len(shell) == 1
    found["filters"] = [f for f in found["filters"] if SHELL_FILTER not in f]
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_forked_kernel_starts_in_the_state_a_fresh_kernel_starts_in(root):
    parent = warm.zygote(root)
    assert parent is not None
    try:
        fresh, forked = warm.launch(root), warm.launch(root, parent)
        try:
            assert forked.km.provisioner.process.pid != fresh.km.provisioner.process.pid
            assert parent_of(forked.km.provisioner.process.pid) == parent.process.pid
            seen_fresh, seen_forked = state(fresh), state(forked)
        finally:
            warm.end(fresh, forked)
    finally:
        parent.close()
    assert seen_fresh["watches its parent"] and seen_fresh["session"]
    for key in seen_fresh:
        assert seen_forked[key] == seen_fresh[key], f"{key}: a forked kernel differs from a fresh one"


def test_a_builds_briefs_in_forked_kernels_give_a_fresh_kernels_bytes(root, tmp_path, monkeypatch):
    briefs = [b for b in catalog.discover(root) if b.name in ("imumi-factsheet", "mpi-brief", "coverage")]
    forks = []
    fork = zygote.Zygote.fork
    monkeypatch.setattr(zygote.Zygote, "fork", lambda self, *args: forks.append(1) or fork(self, *args))
    runs, failures, _ = run_briefs(briefs, root, force=True, workers=2, into=tmp_path / "forked")
    assert not failures and len(forks) == 2, "the build's two kernels were not forked"
    forked = {run.notebook.name: run.notebook.read_bytes() for run in runs}
    monkeypatch.setenv("BRIEFS_FRESH_KERNELS", "1")
    runs, failures, _ = run_briefs(briefs, root, force=True, workers=2, into=tmp_path / "fresh")
    assert not failures and len(forks) == 2
    fresh = {run.notebook.name: run.notebook.read_bytes() for run in runs}
    assert sorted(forked) == sorted(fresh) and len(fresh) == 3
    for name in fresh:
        assert forked[name] == fresh[name], f"{name}: run in a forked kernel differs from a fresh kernel's run"


def test_a_forked_kernel_is_interrupted_and_killed_by_its_manager(root):
    parent = warm.zygote(root)
    kernel = warm.launch(root, parent)
    try:
        kernel.ready()
        pid = kernel.km.provisioner.process.pid
        from jupyter_core.utils import run_sync

        timer = threading.Timer(1.0, run_sync(kernel.km.interrupt_kernel))
        timer.start()
        started = time.monotonic()
        _, reply = run_code(kernel, "import time\ntime.sleep(60)")
        timer.join()
        assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
        assert time.monotonic() - started < 30
        assert alive(pid), "an interrupt stops the cell, not the kernel"
    finally:
        warm.end(kernel)
        parent.close()
    assert gone([pid])


def test_a_kernel_that_ended_since_it_was_last_looked_at_is_killed_without_an_error(root):
    # A pool kills its kernels, then shuts each down, which kills it again if it still looked
    # alive: the kernel may have ended in between (a benchmark's build failed on that once).
    import os
    import signal

    parent = warm.zygote(root)
    kernel = warm.launch(root, parent)
    try:
        kernel.ready()
        handle = kernel.km.provisioner.process
        assert handle.poll() is None  # looked at once, alive: the handle follows it from now on
        os.kill(handle.pid, signal.SIGKILL)  # behind the handle's back
        deadline = time.monotonic() + 10
        while os.path.exists(f"/proc/{handle.pid}"):  # every thread ended and reaped (by the zygote)
            assert time.monotonic() < deadline
            time.sleep(0.01)
        handle.kill()
        assert handle.poll() == -signal.SIGKILL
    finally:
        warm.end(kernel)
        parent.close()


def test_a_pool_forks_its_kernels_and_leaves_no_process_behind(root):
    pool = KernelThreads(2, root=root)
    kernels = list(pool._kernels)
    zygote_pid = pool._zygote.process.pid
    pids = [kernel.km.provisioner.process.pid for kernel in kernels]
    assert len(set(pids)) == 2 and all(parent_of(pid) == zygote_pid for pid in pids)
    barrier = threading.Barrier(2)
    for future in [pool.submit(barrier.wait, 30) for _ in range(2)]:  # each thread has taken its kernel
        future.result()
    pool.shutdown(wait=True)
    assert gone([*pids, zygote_pid]), "a kernel or the zygote outlived its pool"


def test_a_zygote_that_dies_leaves_its_briefs_to_fresh_kernels_at_once(root, tmp_path):
    parent = warm.zygote(root)
    kernel = warm.launch(root, parent)  # asked for while the zygote makes its imports
    parent.process.kill()
    parent.process.wait()
    started = time.monotonic()
    with pytest.raises(warm.WarmKernelFailed):
        kernel.ready()
    assert time.monotonic() - started < 10, "a kernel that was never forked was waited for"
    warm.adopt(kernel)
    try:
        from briefs.execute.run import run_brief

        result = run_brief("coverage", root=root, output=tmp_path / "coverage.ipynb")
        assert result.notebook.exists() and warm.current() is not kernel
    finally:
        warm.shutdown_all()
        parent.close()
