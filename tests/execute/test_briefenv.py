"""A brief's own variables are set for the thread that runs it: another thread, and the process's
environment, never see them; the kernel that thread starts or resets is given them."""

from __future__ import annotations

import asyncio
import os
import threading

from briefs.execute import briefenv, kernel_manager, warm
from briefs.execute.schedule import KernelThreads
from briefs.media import BRIEF_ENV, CHARTS_ENV


def test_a_threads_variables_are_its_own_and_leave_the_process_alone(monkeypatch):
    monkeypatch.setenv(CHARTS_ENV, "/the/process/charts")
    monkeypatch.delenv(BRIEF_ENV, raising=False)
    inside, both = threading.Barrier(2), {}

    def brief(name: str, charts: str | None) -> None:
        with briefenv.setting({BRIEF_ENV: name, CHARTS_ENV: charts}):
            inside.wait(timeout=10)  # both threads are inside their settings now
            both[name] = briefenv.environ()
            inside.wait(timeout=10)
        both[name + " after"] = briefenv.environ()

    threads = [threading.Thread(target=brief, args=args) for args in (("alpha", "/alpha/charts"), ("beta", None))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert both["alpha"][BRIEF_ENV] == "alpha" and both["alpha"][CHARTS_ENV] == "/alpha/charts"
    assert both["beta"][BRIEF_ENV] == "beta" and CHARTS_ENV not in both["beta"], "None removes a variable"
    for name in ("alpha", "beta"):
        assert BRIEF_ENV not in both[name + " after"] and both[name + " after"][CHARTS_ENV] == "/the/process/charts"
    assert BRIEF_ENV not in os.environ and os.environ[CHARTS_ENV] == "/the/process/charts"


def test_a_warm_kernels_reset_is_given_the_threads_brief(monkeypatch):
    monkeypatch.delenv(BRIEF_ENV, raising=False)
    with briefenv.setting({BRIEF_ENV: "alpha"}):
        assert warm._reset_env()[BRIEF_ENV] == "alpha"
    assert BRIEF_ENV not in warm._reset_env()


def test_a_fresh_kernel_is_started_with_its_briefs_variables_on_any_thread(monkeypatch):
    """papermill starts a fresh kernel in a coroutine that may run on another thread than the
    brief's: the manager class the run gives it carries the brief's environment."""
    monkeypatch.delenv(BRIEF_ENV, raising=False)
    started: list[dict] = []

    async def start(self, **kw):
        started.append(kw.get("env"))

    monkeypatch.setattr(kernel_manager.AsyncKernelManager, "_async_start_kernel", start)
    with briefenv.setting({BRIEF_ENV: "alpha"}):
        manager_class = kernel_manager.for_brief(briefenv.environ())
    for kw in ({}, {"env": {"GIVEN": "1"}}):
        thread = threading.Thread(target=asyncio.run, args=(manager_class(kernel_name="python3").start_kernel(**kw),))
        thread.start()
        thread.join()
    assert started[0][BRIEF_ENV] == "alpha" and started[1] == {"GIVEN": "1"}, "an environment given is kept"
    assert issubclass(manager_class, kernel_manager.BriefKernelManager) and kernel_manager.BriefKernelManager.brief_env is None


def test_a_pool_shuts_down_the_kernels_its_threads_started(monkeypatch):
    dropped, started = [], []
    monkeypatch.setattr(warm, "start_early", lambda root: started.append(threading.get_ident()))
    monkeypatch.setattr(warm, "drop", lambda *idents: dropped.extend(idents))
    monkeypatch.setattr("briefs.execute.kernelspec.ensure_kernel", lambda: "briefs")
    pool = KernelThreads(2, root=os.getcwd())
    barrier = threading.Barrier(2)
    for future in [pool.submit(barrier.wait, 10) for _ in range(2)]:  # both threads started
        future.result()
    pool.shutdown(wait=True)
    assert len(set(started)) == 2 and sorted(dropped) == sorted(started)
