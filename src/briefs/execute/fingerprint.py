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
    names = sorted(f"{name}=={version}" for name, version in map(_name_and_version, metadata.distributions()) if name)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def _name_and_version(dist: metadata.Distribution) -> tuple[str | None, str | None]:
    """The Name and Version fields of a distribution's metadata, read from its header lines.

    What `dist.metadata["Name"]` and `dist.version` give, at a tenth of the cost: those parse the
    whole file (long descriptions included) with the email parser, twice, and every process of a
    build asks for all of them (0.13 s against 0.01 s for the 148 of this environment).
    """
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line:  # the headers end at the first empty line; the description follows
            break
        key, sep, value = line.partition(":")
        if sep and key in ("Name", "Version"):
            fields.setdefault(key, value.strip())
    return fields.get("Name"), fields.get("Version")
