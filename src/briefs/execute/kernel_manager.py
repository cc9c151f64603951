"""The kernel manager a brief's kernel runs under (papermill's for a fresh kernel, execute.warm's
for a warm one): a quiet shutdown, and sockets no other kernel can take.

Quiet shutdown. jupyter_client's `shutdown_kernel` interrupts a kernel (SIGINT) before asking
it to shut down, in case it is still running code. A brief's kernel is shut down only after
its last cell has finished, so there is nothing to interrupt; but when the signal lands while
the kernel is handling a message, ipykernel logs `[IPKernelApp] ERROR | KeyboardInterrupt
caught in kernel.` on the run's stderr, an error in the log of a run that succeeded (seen in
about one run in ten on a loaded machine). Here the shutdown asks politely and, as before,
falls back to SIGTERM and SIGKILL if the kernel does not exit in time (`finish_shutdown`). An
interrupt asked for at any other time is sent as usual.

Private sockets. Over TCP, jupyter_client picks five free ports, lets them go, and the kernel
binds them a moment later: a kernel started meanwhile by another process (a pool's other
worker, another build, a parallel test) can take one first, and the kernel dies with
`ZMQError: Address already in use` (papermill#511). On POSIX the kernel
talks over Unix sockets instead (`transport = "ipc"`), named after its own connection file,
which is unique: no other kernel can hold them. Connection file and sockets are removed when
the kernel shuts down, as jupyter_client does for its own.

A quick start. Before each notebook, nbclient waits for the kernel to be ready, and
jupyter_client's wait ends by listening to the kernel's IOPub channel until it has been quiet for
0.2 s, twice the time a warm brief's overhead would otherwise be. The brief's client
(`BriefKernelClient`) listens for 0.02 s instead: what the kernel publishes later about those
requests carries their id, and nbclient skips every message that answers another request.
"""

from __future__ import annotations

import os
import tempfile
import uuid

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

PRIVATE_SOCKETS = os.name == "posix"
IOPUB_QUIET = 0.02  # seconds of silence on IOPub that end the wait for a ready kernel (jupyter_client: 0.2)


class BriefKernelClient(AsyncKernelClient):
    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """jupyter_client's wait, listening to IOPub for `IOPUB_QUIET` at most each time."""
        channel = self.iopub_channel
        listen = channel.get_msg

        async def briefly(timeout: float | None = None):
            return await listen(timeout=IOPUB_QUIET if timeout is None else min(timeout, IOPUB_QUIET))

        channel.get_msg = briefly
        try:
            await super().wait_for_ready(timeout)
        finally:
            del channel.get_msg


class BriefKernelManager(AsyncKernelManager):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.client_factory = BriefKernelClient
        if PRIVATE_SOCKETS and "transport" not in kwargs:
            self.transport = "ipc"
            if not self.connection_file:
                # The sockets are named after it (`ip` defaults to its name + "-ipc"), so it is named
                # before anything reads `ip`, in the folder jupyter_client would have written it to.
                name = f"briefs-kernel-{uuid.uuid4().hex}.json"
                self.connection_file = os.path.join(tempfile.gettempdir(), name)

    brief_env: dict[str, str] | None = None  # the environment of a fresh kernel started for a brief (`for_brief`)
    zygote = None  # an execute.zygote.Zygote to fork the kernel from, instead of starting a process

    async def _async_pre_start_kernel(self, **kw):
        if self.zygote is not None and self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            self.provisioner.zygote = self.zygote
        return await super()._async_pre_start_kernel(**kw)

    async def start_kernel(self, **kw) -> None:
        """As jupyter_client's, with `brief_env` when no environment is given."""
        if self.brief_env is not None:
            kw.setdefault("env", dict(self.brief_env))
        await super()._async_start_kernel(**kw)

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:  # set by shutdown_kernel before it interrupts
            return
        await super()._async_interrupt_kernel()


def for_brief(env: dict[str, str]) -> type[BriefKernelManager]:
    """The manager class for one brief's fresh kernel, started with `env` (execute.briefenv.environ,
    taken in the thread that runs the brief). A class, not the calling thread's settings, because
    papermill starts the kernel in a coroutine that may run on another thread (jupyter_core's
    run_sync, when this thread already has an event loop running)."""
    return type(BriefKernelManager.__name__, (BriefKernelManager,), {"brief_env": dict(env)})


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with the kernel forked by a zygote (execute.zygote)
    instead of started by `Popen`: the same command line, environment and folder. The kernel is
    in a session of its own, so its group is its pid, known once the zygote has answered."""

    zygote = None

    async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
        import pathlib

        env = kwargs.get("env") or dict(os.environ)  # the child sets JPY_PARENT_PID: its parent is the zygote
        self.cwd = kwargs.get("cwd") or str(pathlib.Path.cwd())
        self.process = self.zygote.fork(cmd, env, self.cwd)
        return self.connection_info

    async def send_signal(self, signum: int) -> None:
        if self.process and self.process.poll() is None:
            if self.pgid is None:
                self.pid = self.pgid = self.process.pid  # its own session: group and pid are the same
            try:
                os.killpg(self.pgid, signum)
            except OSError:
                self.process.send_signal(signum)
