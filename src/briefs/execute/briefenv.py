"""The variables one brief's kernel is given, set for the thread that runs it rather than the process.

A brief learns its own name and where its charts are kept from its kernel's environment
(`media.BRIEF_ENV`, `media.CHARTS_ENV`). The briefs of a build run on threads of one process
(execute.schedule), so these cannot go into `os.environ`, which every thread shares: a run sets
them here, for its own thread, and the kernel it is given sees this process's environment with
them applied (`environ`, taken in that thread): a warm kernel at its reset (execute.warm), a
fresh one as it starts (`kernel_manager.for_brief`). A value of None removes the variable.
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Iterator

_local = threading.local()


def overlay() -> dict[str, str | None]:
    """The variables set for this thread's brief (empty outside a run)."""
    return dict(getattr(_local, "values", {}))


def environ() -> dict[str, str]:
    """This process's environment as this thread's brief sees it."""
    env = dict(os.environ)
    for name, value in overlay().items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@contextlib.contextmanager
def setting(values: dict[str, str | None]) -> Iterator[None]:
    """Set `values` for this thread's brief while the block runs."""
    before = getattr(_local, "values", {})
    _local.values = {**before, **values}
    try:
        yield
    finally:
        _local.values = before
