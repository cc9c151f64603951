"""Ctrl-C during a run of many briefs: this process stops, worker processes do not print tracebacks.

A build's workers are threads (execute.schedule), which never get the signal, and their warm
kernels are in sessions of their own, which the terminal's Ctrl-C does not reach: the scheduler
kills those kernels (`KernelThreads.stop_running`), so the running briefs fail at once, keeping
their last good notebooks, and the others are not started. The rest of this note is for an
executor of processes given to the scheduler.

A terminal sends Ctrl-C (SIGINT) to every process of the foreground group: the
`briefs` process, its worker processes and their kernels. The kernels stop
their cell, which fails their run; the `briefs` process stops waiting, shuts
its pool down and exits with status 130. Worker processes started while this
is held ignore SIGINT (a child started with SIGINT ignored never raises
KeyboardInterrupt, even while it is still importing), so they end by finishing
their failed run instead of each printing a KeyboardInterrupt traceback.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator


@contextlib.contextmanager
def children_ignore() -> Iterator[None]:
    """Processes started inside this block ignore SIGINT (only from the main thread; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
