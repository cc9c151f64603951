"""The process that draws the charts of a pool's kernels (`page.drawing`), started and ended by the pool.

A pool of two kernels or more (execute.schedule.KernelThreads) starts one, so that vl-convert's
JavaScript engine starts once per build rather than once per kernel (half a second of a core
each). It listens on a Unix socket in a folder of its own (readable by this user only), made
here and handed to it, so a kernel can ask for a chart from the moment the pool starts: the
engine answers once it has started. Each warm kernel is told the socket's path by its preload
(execute.warm), and draws for itself whenever the engine cannot answer.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

MODULE = "briefs.page.drawing"  # run as a module: this layer imports nothing from page/
BACKLOG = 64  # kernels' requests queued while the engine starts


class ChartEngine:
    def __init__(self, root: Path, env: dict[str, str]):
        if not hasattr(socket, "AF_UNIX"):
            raise OSError("no Unix sockets here")
        self.folder = tempfile.mkdtemp(prefix="briefs-charts-")
        self.address = os.path.join(self.folder, "engine")
        listener = None
        try:
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(self.address)
            listener.listen(BACKLOG)
            self.process = subprocess.Popen(
                [sys.executable, "-m", MODULE, str(listener.fileno())],
                pass_fds=[listener.fileno()],
                stdin=subprocess.PIPE,  # it ends when this end is closed, or this process dies
                stderr=subprocess.DEVNULL,  # an engine that fails leaves the kernels to draw: no traceback for authors
                env=env,
                cwd=str(root),
                start_new_session=True,  # as the kernels: Ctrl-C in the terminal is the build's to handle
            )
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            if listener is not None:
                listener.close()

    def close(self) -> None:
        """End the engine (after the pool's kernels: none asks any more) and remove its folder."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=1)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
