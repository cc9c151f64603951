"""Where the project's folders are.

Notebooks are executed with the project root as working directory, but an
author may also open one from `notebooks/` in Jupyter; both must find the data
package, so the root is found by walking up to the folder that holds it.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKERS = ("pyproject.toml", "data/datapackage.json")


def project_root(start: str | os.PathLike | None = None) -> Path:
    """The nearest folder at or above `start` (default: cwd, or $BRIEFS_ROOT) holding the project."""
    env = os.environ.get("BRIEFS_ROOT")
    if start is None and env:
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if all((folder / m).exists() for m in MARKERS):
            return folder
    from briefs.errors import UsageError

    raise UsageError(f"no briefs project (pyproject.toml and data/datapackage.json) at or above {here}")


def default_package(root: Path | None = None) -> Path:
    return (root or project_root()) / "data" / "datapackage.json"


def build_dir(root: Path | None = None) -> Path:
    """Generated files; never committed."""
    return (root or project_root()) / "build"
