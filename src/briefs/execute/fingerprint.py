"""What a run's results depend on besides its notebook, parameters and data: this library's files
and the installed distributions. A light module, read by the cache's keys, the warm kernel's
identity (execute.warm) and the remote workers' check (execute.remote).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path


@lru_cache(maxsize=1)
def library_digest() -> str:
    """Every file of the installed `briefs` package (code, assets, templates)."""
    digest = hashlib.sha256()
    base = resources.files("briefs")
    for path in sorted(Path(str(base)).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(Path(str(base)))).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def environment_digest() -> str:
    """Names and versions of every installed distribution: a changed lock re-runs everything."""
    names = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions() if d.metadata["Name"])
    return hashlib.sha256("\n".join(names).encode()).hexdigest()
