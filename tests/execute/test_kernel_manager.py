"""A brief's kernel is shut down without a SIGINT, so a run that succeeded logs no kernel error; it
talks over sockets of its own, which a kernel started at the same moment elsewhere cannot take."""

from __future__ import annotations

import asyncio
import glob
import os
import concurrent.futures
import signal

import pytest

from briefs.execute import kernel_manager
from briefs.execute.kernel_manager import BriefKernelManager


class _Process:
    """Stands in for the kernel's provisioner: a live process that records the signals it gets."""

    has_process = True

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send_signal(self, signum: int) -> None:
        self.sent.append(signum)


def _manager() -> tuple[BriefKernelManager, _Process]:
    manager = BriefKernelManager(kernel_name="python3")
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
    import papermill

    from briefs.execute.run import run_brief

    seen = {}

    def fake(*args, **kwargs):
        seen.update(kwargs)
        raise _Stop

    monkeypatch.setattr(papermill, "execute_notebook", fake)
    with pytest.raises(_Stop):
        run_brief("imumi-factsheet", root=project, output=project / "out.ipynb")
    manager_class = seen["kernel_manager_class"]  # a fresh kernel's: BriefKernelManager with the brief's variables
    assert issubclass(manager_class, BriefKernelManager) and manager_class.brief_env["BRIEFS_BRIEF"] == "imumi-factsheet"
    assert isinstance(seen["km"], BriefKernelManager)  # the warm kernel's manager shuts down quietly too


def test_each_kernel_gets_sockets_no_other_kernel_can_take():
    """Unix sockets named after each manager's own connection file, never a TCP port picked and
    let go (which another process can bind first) nor a name relative to the working directory."""
    one, two = BriefKernelManager(kernel_name="python3"), BriefKernelManager(kernel_name="python3")
    assert one.transport == two.transport == "ipc"
    assert os.path.isabs(one.ip) and os.path.isabs(two.ip) and one.ip != two.ip
    assert one.ip == os.path.splitext(one.connection_file)[0] + "-ipc"
    assert BriefKernelManager(kernel_name="python3", transport="tcp").transport == "tcp"  # asked for, still honoured


@pytest.mark.slow  # starts kernels
def test_kernels_started_side_by_side_answer_and_leave_no_socket_behind():
    from jupyter_core.utils import run_sync

    started = []
    try:
        for _ in range(3):
            km = BriefKernelManager(kernel_name="python3")
            run_sync(km.start_kernel)(extra_arguments=["--log-level=ERROR"])
            kc = km.blocking_client()
            kc.start_channels()
            started.append((km, kc))
        for km, kc in started:
            kc.wait_for_ready(timeout=60)
            assert kc.execute_interactive("x = 1", timeout=60)["content"]["status"] == "ok"
    finally:
        for km, kc in started:
            kc.stop_channels()
            run_sync(km.shutdown_kernel)(now=True)
    for km, _ in started:
        assert not glob.glob(km.ip + "*") and not os.path.exists(km.connection_file)


@pytest.mark.slow  # starts a kernel
def test_the_wait_for_a_ready_kernel_listens_to_iopub_briefly_and_leaves_the_channel_as_it_was():
    """jupyter_client listens for 0.2 s of silence each time; the brief's client for `IOPUB_QUIET`."""
    from jupyter_client.channels import AsyncZMQSocketChannel

    asked: list[float | None] = []
    listen = AsyncZMQSocketChannel.get_msg
    iopub = []

    async def spy(self, timeout=None):
        if self in iopub:
            asked.append(timeout)
        return await listen(self, timeout=timeout)

    async def start_and_wait() -> None:
        manager = BriefKernelManager(kernel_name="python3")
        await manager.start_kernel()
        client = manager.client()
        try:
            assert isinstance(client, kernel_manager.BriefKernelClient)
            client.start_channels()
            iopub.append(client.iopub_channel)
            AsyncZMQSocketChannel.get_msg = spy
            try:
                await client.wait_for_ready(timeout=120)
            finally:
                AsyncZMQSocketChannel.get_msg = listen
            assert "get_msg" not in vars(client.iopub_channel), "the channel keeps jupyter_client's own get_msg"
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)

    _run(start_and_wait())
    assert asked and all(t is not None and t <= kernel_manager.IOPUB_QUIET for t in asked), asked
