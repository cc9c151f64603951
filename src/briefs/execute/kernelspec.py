"""The Jupyter kernel every brief runs in: a kernelspec named 'briefs' that runs this interpreter.

A light module (jupyter_client only), so a pool's worker can start its warm kernel before it
imports papermill, pandas and the rest of the library (execute.warm, execute.schedule).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from briefs.errors import UsageError

KERNEL = "briefs"


def _registered_kernel():
    """The kernelspec Jupyter finds under the name 'briefs', or None (absent, or left half-written by a killed run)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        return KernelSpecManager().get_kernel_spec(KERNEL)
    except (NoSuchKernel, OSError, ValueError):
        return None


def runs_here(argv: list[str]) -> bool:
    """Whether a kernel command is this interpreter running ipykernel's launcher."""
    try:
        return Path(argv[0]).resolve() == Path(sys.executable).resolve() and argv[argv.index("-m") + 1] == "ipykernel_launcher"
    except (ValueError, IndexError, TypeError):
        return False


# Where Jupyter looks for kernels -> the kernelspec file found there and its stamp, once checked.
# Finding a kernelspec costs about 0.1 s (jupyter_client's configuration and a walk of its
# folders), and a run asks three times (its warm kernel, papermill's name, the kernel manager).
_CHECKED: dict[tuple, tuple[Path, tuple[int, int]]] = {}


def _searched() -> tuple:
    """What decides which kernelspec Jupyter finds: this interpreter and Jupyter's search path."""
    names = ("JUPYTER_PATH", "JUPYTER_DATA_DIR", "JUPYTER_PREFER_ENV_PATH", "JUPYTER_PLATFORM_DIRS", "HOME", "XDG_DATA_HOME")
    return (sys.executable, sys.prefix, *(os.environ.get(name) for name in names))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def ensure_kernel() -> str:
    """A kernelspec named 'briefs' that runs this interpreter, so runs never pick another environment.

    Registered the ordinary way, as `python -m ipykernel install --prefix <this environment> --name briefs`
    does: the kernel is `python -m ipykernel_launcher`. Checked once per process and search path,
    and again whenever the kernelspec file found then has changed or gone.
    """
    searched = _searched()
    known = _CHECKED.get(searched)
    if known is not None and _stamp(known[0]) == known[1]:
        return KERNEL
    spec = _registered_kernel()
    if spec is not None and runs_here(spec.argv):
        _remember(searched, spec)
        return KERNEL
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL, display_name="Python (briefs)", prefix=sys.prefix)
    spec = _registered_kernel()
    if spec is None or not runs_here(spec.argv):  # another 'briefs' kernel comes first in Jupyter's search path
        found = f"{spec.resource_dir} runs {spec.argv[0] if spec.argv else 'nothing'}" if spec else "cannot be read"
        raise UsageError(
            f"the Jupyter kernel {KERNEL!r} found first ({found}) is not this environment's "
            f"({sys.executable}); remove that kernel folder and run again"
        )
    _remember(searched, spec)
    return KERNEL


def _remember(searched: tuple, spec) -> None:
    path = Path(spec.resource_dir) / "kernel.json"
    stamp = _stamp(path)
    if stamp is not None:
        _CHECKED[searched] = (path, stamp)


def kernel_argv() -> list[str]:
    """The command line of the 'briefs' kernel, as its kernelspec gives it (`{connection_file}`
    still to be filled in)."""
    import json

    ensure_kernel()
    return list(json.loads(_CHECKED[_searched()][0].read_text(encoding="utf-8"))["argv"])
