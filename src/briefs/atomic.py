"""Writes that a crash cannot leave half done.

A build can die at any instant (a second Ctrl-C, the OOM killer, a CI
timeout). So everything a reader or the next build looks at changes by
renames only: a file is written under a scratch name and renamed over its
target, a folder is built aside and exchanged with the old one. Each path then
holds the old content or the new, never a mixture, and a killed build leaves
at worst some scratch behind, which the next build clears.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(target: str | os.PathLike, data: bytes, *, scratch: str | os.PathLike | None = None) -> None:
    """Replace `target` with `data` in one rename.

    The scratch file lives in `scratch` (default: beside the target; it must be
    on the same filesystem), so a crash never leaves a stray file among the
    published ones. It gets the permissions a plain write would have given.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(scratch) if scratch else target.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(target: str | os.PathLike, text: str, *, scratch: str | os.PathLike | None = None) -> None:
    write_bytes(target, text.encode("utf-8"), scratch=scratch)


def exchange(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Swap two paths in one step (Linux `renameat2` with RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), os.fspath(b))


def _aside(target: Path) -> Path:
    return target.with_name(target.name + ".old")


def recover_dir(target: str | os.PathLike) -> None:
    """Undo a crash inside `replace_dir`'s fallback: between its two renames the old tree goes
    back; after them, the old tree it had not yet removed is removed."""
    target = Path(target)
    old = _aside(target)
    if old.is_dir() and not target.exists():
        os.replace(old, target)
    elif old.exists():
        shutil.rmtree(old)


def replace_dir(new: str | os.PathLike, target: str | os.PathLike) -> None:
    """Put the folder `new` at `target`; readers of `target` see the old tree or the new one, whole.

    Where the system can exchange two paths atomically there is no moment
    without a `target`; elsewhere there are two renames, and `recover_dir`
    restores the old tree if a crash falls between them.
    """
    new, target = Path(new), Path(target)
    recover_dir(target)
    old = _aside(target)
    if not target.exists():
        os.replace(new, target)
        return
    if exchange(new, target):
        shutil.rmtree(new)  # it now holds the old tree
        return
    os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old)
