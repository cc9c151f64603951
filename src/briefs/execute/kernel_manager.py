"""The kernel manager papermill uses for a brief: one that shuts an idle kernel down without a SIGINT.

jupyter_client's `shutdown_kernel` interrupts a kernel (SIGINT) before asking it to shut
down, in case it is still running code. A brief's kernel is shut down only after its last
cell has finished, so there is nothing to interrupt; but when the signal lands while the
kernel is handling a message, ipykernel logs `[IPKernelApp] ERROR | KeyboardInterrupt
caught in kernel.` on the run's stderr, an error in the log of a run that succeeded (seen
in about one run in ten on a loaded machine). Here the shutdown asks politely and, as
before, falls back to SIGTERM and SIGKILL if the kernel does not exit in time
(`finish_shutdown`). An interrupt asked for at any other time is sent as usual.
"""

from __future__ import annotations

from jupyter_client.manager import AsyncKernelManager


class QuietShutdownKernelManager(AsyncKernelManager):
    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:  # set by shutdown_kernel before it interrupts
            return
        await super()._async_interrupt_kernel()


NAME = f"{__name__}.{QuietShutdownKernelManager.__name__}"  # as nbclient's kernel_manager_class takes it
