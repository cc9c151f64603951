"""Shared set-up for the official-series tests: a throwaway project and a mirror copy.

The snapshots themselves are never committed; tests copy them from the shared
mirror (`../shared/data` beside the repository, or $BRIEFS_SHARED_DATA) into a
temporary folder, so nothing here needs the network or touches data/external/.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from browsing import serve as http_server  # noqa: F401 - the snapshot tests serve a mirror over http

REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    env = os.environ.get("BRIEFS_SHARED_DATA")
    if env:
        return Path(env)
    for folder in REPO.parents:  # ../shared/data, also from a worktree nested one level deeper
        candidate = folder / "shared" / "data"
        if candidate.is_dir():
            return candidate
    pytest.fail("the official series mirror ../shared/data is missing; set BRIEFS_SHARED_DATA to its folder")


def make_project(tmp: Path) -> Path:
    """A project root holding only a copy of the description, so tests may rewrite it."""
    root = tmp / "project"
    (root / "data").mkdir(parents=True)
    shutil.copy(REPO / "data" / "external.json", root / "data" / "external.json")
    return root


def make_mirror(tmp: Path) -> Path:
    mirror = tmp / "mirror"
    mirror.mkdir()
    for path in shared_data().glob("*.csv"):
        target = mirror / path.name
        shutil.copyfile(path, target)
        target.chmod(0o644)
    return mirror


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def replace_line(path: Path, index: int, edit) -> tuple[str, str]:
    """Rewrite line `index` (0 = header) with edit(line); returns (old, new). Keeps the file's line endings."""
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
    old = lines[index]
    ending = old[len(old.rstrip("\r\n")) :]
    new = edit(old.rstrip("\r\n")) + ending
    lines[index] = new
    path.write_bytes("".join(lines).encode("utf-8"))
    return old, new


def leftovers(folder: Path) -> list[str]:
    """Temporary files a pull may have left behind (there should be none)."""
    return sorted(p.name for p in folder.glob(".*.part")) if folder.exists() else []
