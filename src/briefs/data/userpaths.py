"""Paths a person types (`-p data_package ...`, `--package ...`), checked before anything opens them.

A descriptor is read whole, so a device (`/dev/zero`) would fill memory, a
named pipe would block forever, and a folder without a descriptor would once
have been walked file by file. Each is refused with one line before a byte is
read: the path must be a regular file of bounded size, or a folder holding one
named `datapackage.json`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DESCRIPTOR = "datapackage.json"
# A descriptor lists resources and their schemas: kilobytes. Anything this large is the wrong file.
MAX_DESCRIPTOR_BYTES = 4 * 2**20

_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_problem(mode: int) -> str | None:
    """Why a file of this mode is not one to read as data, or None for a regular file."""
    for test, kind in _KINDS:
        if test(mode):
            return f"{kind}, not a regular file"
    return None if stat.S_ISREG(mode) else "not a regular file"


def descriptor_problem(path: Path) -> tuple[Path, str | None]:
    """(the descriptor file `path` names, why it cannot be read as one or None)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return path, "no such file or folder"
    except OSError as exc:
        return path, f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISDIR(info.st_mode):
        path = path / DESCRIPTOR
        try:
            info = os.stat(path)
        except OSError:
            return path, f"the folder has no {DESCRIPTOR}"
    problem = kind_problem(info.st_mode)
    if problem:
        return path, problem
    if info.st_size > MAX_DESCRIPTOR_BYTES:
        return path, (
            f"the file is {info.st_size / 2**20:,.0f} MiB, over the {MAX_DESCRIPTOR_BYTES // 2**20} MiB "
            "limit for a data package descriptor"
        )
    return path, None
