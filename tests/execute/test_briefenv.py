"""A brief's own variables are set for the thread that runs it: another thread, and the process's
environment, never see them; the kernel that thread starts or resets is given them."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest

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


def test_a_pool_starts_a_kernel_per_thread_before_its_threads_and_shuts_them_all_down(monkeypatch):
    """The kernels are started by the thread that makes the pool, forked from one zygote and
    drawing in one chart engine; each thread takes one; the pool's end shuts down the threads'
    kernels, any no thread took, the zygote and the engine. A thread with none left starts its own."""
    maker = threading.get_ident()
    launched, adopted, started, dropped, ended, zygotes, engines = [], [], [], [], [], [], []

    class Helper:
        def __init__(self, root):
            self.closed = False
            (engines if self.engine else zygotes).append(self)

        def close(self):
            assert not self.closed, "a helper closed twice"
            self.closed = True

    Zygote = type("Zygote", (Helper,), {"engine": False})
    Engine = type("Engine", (Helper,), {"engine": True})

    def launch(root, zygote=None, engine=None):
        assert zygote is zygotes[-1] and engine is engines[-1]
        launched.append((threading.get_ident(), f"kernel {len(launched)}"))
        return launched[-1][1]

    monkeypatch.setattr(warm, "zygote", Zygote)
    monkeypatch.setattr(warm, "chart_engine", Engine)
    monkeypatch.setattr(warm, "launch", launch)
    monkeypatch.setattr(warm, "adopt", lambda kernel: adopted.append((threading.get_ident(), kernel)))
    monkeypatch.setattr(warm, "start_early", lambda root: started.append(threading.get_ident()))
    monkeypatch.setattr(warm, "drop", lambda *idents: dropped.extend(idents))
    monkeypatch.setattr(warm, "end", lambda *kernels: ended.extend(kernels))
    pool = KernelThreads(2, root=os.getcwd())
    assert [who for who, _ in launched] == [maker, maker] and not adopted  # before any thread
    barrier = threading.Barrier(2)
    for future in [pool.submit(barrier.wait, 10) for _ in range(2)]:  # both threads started
        future.result()
    pool.shutdown(wait=True)
    threads = {who for who, _ in adopted}
    assert len(threads) == 2 and maker not in threads and not started
    assert sorted(kernel for _, kernel in adopted) == sorted(kernel for _, kernel in launched)
    assert sorted(dropped) == sorted(threads) and ended == []
    assert len(zygotes) == len(engines) == 1 and zygotes[0].closed and engines[0].closed

    # Three threads, two kernels started (a third failed to start): the third thread starts its own,
    # and a kernel no thread took is shut down with the pool.
    launched.clear(), adopted.clear(), dropped.clear()
    monkeypatch.setattr(
        warm, "launch", lambda root, zygote, engine: launched.append(1) or (None if len(launched) == 3 else f"k{len(launched)}")
    )
    pool = KernelThreads(3, root=os.getcwd())
    barrier = threading.Barrier(3)
    for future in [pool.submit(barrier.wait, 10) for _ in range(3)]:
        future.result()
    pool.shutdown(wait=True)
    assert len(adopted) == 2 and len(started) == 1 and len(dropped) == 3 and ended == []
    pool = KernelThreads(2, root=os.getcwd())  # no brief ever submitted: no thread took either kernel
    pool.shutdown(wait=True)
    assert len(ended) == 2 and all(helper.closed for helper in zygotes + engines)
    zygotes.clear(), engines.clear()
    KernelThreads(1, root=os.getcwd()).shutdown(wait=True)
    assert zygotes == [] and engines == [], "one kernel is started on its own, not forked, and draws for itself"

    def interrupted(root, zygote, engine):  # Ctrl-C while the second kernel starts
        if len(launched) == 1:
            raise KeyboardInterrupt
        launched.append("first")
        return "first"

    launched.clear(), ended.clear()
    monkeypatch.setattr(warm, "launch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        KernelThreads(2, root=os.getcwd())
    assert ended == ["first"] and zygotes[-1].closed and engines[-1].closed
