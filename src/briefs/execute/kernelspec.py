"""The Jupyter kernel every brief runs in: a kernelspec named 'briefs' that runs this interpreter.

A light module (jupyter_client only), so a pool's worker can start its warm kernel before it
imports papermill, pandas and the rest of the library (execute.warm, execute.schedule).
"""

from __future__ import annotations

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


def _runs_here(argv: list[str]) -> bool:
    """Whether a kernel command is this interpreter running ipykernel's launcher."""
    try:
        return Path(argv[0]).resolve() == Path(sys.executable).resolve() and argv[argv.index("-m") + 1] == "ipykernel_launcher"
    except (ValueError, IndexError, TypeError):
        return False


def ensure_kernel() -> str:
    """A kernelspec named 'briefs' that runs this interpreter, so runs never pick another environment.

    Registered the ordinary way, as `python -m ipykernel install --prefix <this environment> --name briefs`
    does: the kernel is `python -m ipykernel_launcher`.
    """
    spec = _registered_kernel()
    if spec is not None and _runs_here(spec.argv):
        return KERNEL
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL, display_name="Python (briefs)", prefix=sys.prefix)
    spec = _registered_kernel()
    if spec is None or not _runs_here(spec.argv):  # another 'briefs' kernel comes first in Jupyter's search path
        found = f"{spec.resource_dir} runs {spec.argv[0] if spec.argv else 'nothing'}" if spec else "cannot be read"
        raise UsageError(
            f"the Jupyter kernel {KERNEL!r} found first ({found}) is not this environment's "
            f"({sys.executable}); remove that kernel folder and run again"
        )
    return KERNEL
