"""One process at a time changes `build/`: a second build, run or lock waits for the first.

Two builds at once would share `build/tmp` and `build/book` and could swap a
book made of two Sphinx runs into `build/html`. The lock is an flock on a file
beside `build/` (`paths.build_lock`), as releases have beside `site/`: the
system drops it when its holder dies, however it dies, so a killed build never
blocks the next one. A process that finds it taken says so once and waits;
Ctrl-C while waiting exits like any other interrupt.

The lock is re-entrant within a process (a build that runs a brief in-process
does not wait for itself). Worker processes a build starts never take it:
they only run briefs and hand the results back to the build that holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import threading
from pathlib import Path
from typing import Callable, Iterator

from briefs.project import paths

_held: dict[str, int] = {}
_guard = threading.Lock()


@contextlib.contextmanager
def hold(root: Path, say: Callable[[str, str], None] | None = None) -> Iterator[None]:
    """Hold the lock on `root`'s build/ for the duration; wait (saying so through `say`) if another has it."""
    path = paths.build_lock(root)
    key = str(path.resolve()) if path.parent.exists() else str(path)
    with _guard:
        if _held.get(key):
            _held[key] += 1
            owned = None
        else:
            owned = key
    if owned is None:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if say is not None:
                say("build", f"waiting: another briefs process is changing {paths.build_dir(root)}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                _held.pop(key, None)
            fcntl.flock(handle, fcntl.LOCK_UN)


def held(root: Path) -> bool:
    """Whether this process holds the lock on `root`'s build/."""
    path = paths.build_lock(root)
    key = str(path.resolve()) if path.parent.exists() else str(path)
    return bool(_held.get(key))
