"""A pool's kernels draw their charts in one engine: none of them starts vl-convert's JavaScript
engine, their briefs give the same bytes, and the engine ends with the pool, or with the process
that started it."""

from __future__ import annotations

import os
import threading
import time

import pytest

from briefs.execute import warm
from briefs.execute.chartengine import ChartEngine
from briefs.execute.schedule import KernelThreads
from conftest import copy_project

V8 = "V8 DefaultWorke"  # the thread vl-convert's engine starts in a process (its name, cut by Linux)


def threads_of(pid: int) -> list[str]:
    names = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return names


def ended(process, within: float = 5) -> bool:
    deadline = time.monotonic() + within
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return process.poll() is not None


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("chartengine") / "project")


@pytest.mark.slow  # starts kernels
@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="threads are named in /proc on Linux")
def test_a_pools_kernels_draw_in_its_engine_and_give_the_same_bytes(root, tmp_path, monkeypatch):
    from briefs.execute.run import run_brief

    monkeypatch.setenv("BRIEFS_FRESH_KERNELS", "1")  # a kernel of its own, which draws its charts itself
    alone = run_brief("mpi-brief", root=root, output=tmp_path / "alone.ipynb").notebook.read_bytes()
    monkeypatch.delenv("BRIEFS_FRESH_KERNELS")

    pool = KernelThreads(2, root=root)
    try:
        shared = pool._engine
        assert shared is not None and os.path.exists(shared.address)
        kernels = [kernel.km.provisioner.process.pid for kernel in pool._kernels]
        futures = [pool.submit(run_brief, "mpi-brief", root=root, output=tmp_path / f"pool-{i}.ipynb") for i in range(2)]
        results = [future.result() for future in futures]
        assert [result.notebook.read_bytes() for result in results] == [alone, alone]
        assert all(V8 not in threads_of(pid) for pid in kernels), "a pool's kernel started its own chart engine"
        assert V8 in threads_of(shared.process.pid)
    finally:
        pool.shutdown(wait=True)
    assert ended(shared.process, 0) and not os.path.exists(shared.folder), "the engine outlived its pool"


def test_the_engine_ends_when_the_process_that_started_it_dies_and_leaves_nothing(tmp_path):
    shared = ChartEngine(tmp_path, dict(os.environ))
    shared.process.stdin.close()  # what its end of the pipe sees when the build is killed at once
    assert ended(shared.process)
    assert not os.path.exists(shared.folder), "its socket's folder was left behind"


def test_no_engine_where_every_brief_gets_a_fresh_kernel_or_it_is_turned_off(root, monkeypatch):
    monkeypatch.setenv("BRIEFS_CHART_ENGINE", "0")
    assert warm.chart_engine(root) is None
    monkeypatch.delenv("BRIEFS_CHART_ENGINE")
    monkeypatch.setenv("BRIEFS_FRESH_KERNELS", "1")
    assert warm.chart_engine(root) is None


def test_a_kernel_asking_before_the_engine_has_started_waits_for_it(tmp_path):
    from briefs.media import VL_VERSION
    from briefs.page import drawing

    shared = ChartEngine(tmp_path, dict(os.environ))  # asked at once: the engine is still starting
    try:
        answers = []
        askers = [
            threading.Thread(target=lambda: answers.append(drawing.draw(shared.address, drawing.EMPTY, VL_VERSION)))
            for _ in range(3)
        ]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join(60)
        assert len(answers) == 3 and all(answer and answer.startswith("<svg") for answer in answers)
    finally:
        shared.close()
