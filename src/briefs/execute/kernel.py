"""The kernel every brief runs in: ipykernel, minus an import cost nobody needs (see `lazyimports`).

The kernelspec `briefs` (installed by `run.ensure_kernel`) starts `python -m briefs.kernel`.
"""

from __future__ import annotations

import sys


def main() -> None:
    # Importing this package (`briefs/__init__`) has already deferred the grammar.
    if sys.path and sys.path[0] == "":
        del sys.path[0]  # as ipykernel_launcher does: the working directory is not a package root
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
