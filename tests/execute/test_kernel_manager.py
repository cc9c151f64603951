"""A brief's kernel is shut down without a SIGINT, so a run that succeeded logs no kernel error."""

from __future__ import annotations

import asyncio
import concurrent.futures
import signal

import pytest

from briefs.execute import kernel_manager
from briefs.execute.kernel_manager import QuietShutdownKernelManager


class _Process:
    """Stands in for the kernel's provisioner: a live process that records the signals it gets."""

    has_process = True

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send_signal(self, signum: int) -> None:
        self.sent.append(signum)


def _manager() -> tuple[QuietShutdownKernelManager, _Process]:
    manager = QuietShutdownKernelManager(kernel_name="python3")
    process = _Process()
    manager.provisioner = process
    return manager, process


def _run(coroutine) -> None:
    """Run on a thread of its own: an earlier test in the same process may leave an event loop running here."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def test_no_interrupt_reaches_a_kernel_that_is_being_shut_down():
    manager, process = _manager()
    manager.shutting_down = True  # what shutdown_kernel sets before it would interrupt
    _run(manager._async_interrupt_kernel())
    assert process.sent == []


def test_an_interrupt_at_any_other_time_is_sent_as_usual():
    manager, process = _manager()
    _run(manager._async_interrupt_kernel())
    assert process.sent == [signal.SIGINT]


class _Stop(Exception):
    pass


@pytest.mark.slow  # the run takes its warm kernel (execute.warm) before papermill is called
def test_runs_hand_papermill_this_manager(project, monkeypatch):
    import importlib

    import papermill

    from briefs.execute.run import run_brief

    seen = {}

    def fake(*args, **kwargs):
        seen.update(kwargs)
        raise _Stop

    monkeypatch.setattr(papermill, "execute_notebook", fake)
    with pytest.raises(_Stop):
        run_brief("imumi-factsheet", root=project, output=project / "out.ipynb")
    module, _, name = seen["kernel_manager_class"].rpartition(".")
    assert seen["kernel_manager_class"] == kernel_manager.NAME
    assert getattr(importlib.import_module(module), name) is QuietShutdownKernelManager
    assert isinstance(seen["km"], QuietShutdownKernelManager)  # the warm kernel's manager shuts down quietly too
