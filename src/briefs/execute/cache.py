"""Re-execute a brief only when one of its inputs changed.

A brief's key covers its notebook text, its parameters, the helper library and
the installed environment; its data inputs are the files it actually read on
its last run, each with its sha256 (recorded in the executed notebook by
`sources.show`). Hashing content rather than trusting modification times means
an edited data file always counts (Jupyter Book's own cache misses that,
JB #1633) and a touched but unchanged file does not. A brief with no record, a
failed last run, or a missing executed notebook is simply run again.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import nbformat

from briefs.data.package import ABSENT, INPUTS_MIME, PART, part_digest, sha256
from briefs.project.paths import build_dir


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


def key(notebook: Path, parameters: dict[str, Any]) -> str:
    parts = {
        "notebook": sha256(notebook),
        "parameters": json.dumps(parameters, sort_keys=True, default=str),
        "library": library_digest(),
        "environment": environment_digest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def inputs_of(nb: nbformat.NotebookNode) -> dict[str, str] | None:
    """The data files an executed brief read, as {path: sha256}, or None if it did not say."""
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if INPUTS_MIME in data:
                return dict(data[INPUTS_MIME].get("files", {}))
    return None


def record_path(name: str, root: Path) -> Path:
    return build_dir(root) / "cache" / "briefs" / f"{name}.json"


def save(name: str, root: Path, run_key: str, notebook: Path) -> None:
    files = inputs_of(nbformat.read(notebook, as_version=4))
    if files is None:
        return  # nothing known about its data: never treat it as fresh
    target = record_path(name, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": run_key, "files": files}, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, target)


def invalidate(name: str, root: Path) -> None:
    record_path(name, root).unlink(missing_ok=True)


def stale_reason(name: str, root: Path, run_key: str, notebook: Path) -> str | None:
    """Why the brief must run again, or None when its executed notebook is up to date."""
    record = record_path(name, root)
    if not notebook.exists():
        return "no executed notebook"
    if not record.exists():
        return "no record of a previous successful run"
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
    except ValueError:
        return "unreadable cache record"
    if saved.get("key") != run_key:
        return "notebook, parameters, helper library or environment changed"
    for path, digest in saved.get("files", {}).items():
        file, _, part = path.partition(PART)
        full = Path(file) if os.path.isabs(file) else root / file
        if part:  # one resource of a JSON description, such as a series' entry in data/external.json
            if part_digest(full, part) != digest:
                return f"input {path} changed"
            continue
        if digest == ABSENT:
            if full.exists():
                return f"input {path} has appeared"
            continue
        if not full.is_file():
            return f"input {path} is gone"
        if sha256(full) != digest:
            return f"input {path} changed"
    return None


def book_key(root: Path, notebooks: dict[str, Path]) -> str:
    """Everything the compiled book depends on: book/, the executed notebooks, library, environment."""
    digest = hashlib.sha256()
    for path in sorted(p for p in (root / "book").rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + sha256(path).encode())
    for name in sorted(notebooks):
        digest.update(name.encode() + b"\0" + sha256(notebooks[name]).encode())
    digest.update(library_digest().encode() + environment_digest().encode())
    return digest.hexdigest()


def book_is_current(root: Path, book: str, html: Path) -> bool:
    path = build_dir(root) / "cache" / "book.json"
    try:
        return html.joinpath("index.html").exists() and json.loads(path.read_text())["key"] == book
    except (OSError, ValueError, KeyError):
        return False


def save_book(root: Path, book: str) -> None:
    path = build_dir(root) / "cache" / "book.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": book}), encoding="utf-8")
    os.replace(tmp, path)
