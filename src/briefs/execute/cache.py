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
from pathlib import Path
from typing import Any


from briefs import atomic
from briefs.files import sha256
from briefs.media import ABSENT
from briefs.execute import readback
from briefs.project import paths
from briefs.project.catalog import front_matter
from briefs.data.package import PART, part_digest
from briefs.execute.fingerprint import environment_digest, library_digest


def key(notebook: Path, parameters: dict[str, Any]) -> str:
    parts = {
        "notebook": sha256(notebook),
        "parameters": json.dumps(parameters, sort_keys=True, default=str),
        "library": library_digest(),
        "environment": environment_digest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def save(name: str, root: Path, run_key: str, notebook: Path, parameters: dict | None = None) -> None:
    """Record a run under its id (NAME, or NAME@SET for a variant: execute.variants): its key
    (notebook text, parameters, library, environment), the parameters that differ from the
    brief's own (none for the published run), the files it read (None when it did not say: then
    it is never fresh) and the sha256 of the executed notebook, so a build can tell the notebook
    it publishes is the one this record describes."""
    files = readback.inputs(readback.load(notebook))
    record = {"key": run_key, "files": files, "parameters": dict(parameters or {}), "notebook": sha256(notebook)}
    atomic.write_text(paths.run_record(name, root), json.dumps(record, indent=1, sort_keys=True, default=str))


def unverified(name: str, root: Path, notebook: Path, parameters: dict | None = None) -> str | None:
    """Why `notebook` is not the run its cache record describes, or None when it is; `parameters`:
    those the run must have had that differ from the brief's own (none: the published run)."""
    try:
        saved = json.loads(paths.run_record(name, root).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "no cache record describes it"
    except (OSError, ValueError):
        return "its cache record is unreadable"
    expected = json.loads(json.dumps(dict(parameters or {}), default=str))  # as the record holds them
    if not isinstance(saved, dict) or saved.get("parameters") != expected:
        if not expected:
            return "its cache record is not of a run with the brief's own parameters"
        return "its cache record is not of a run with these parameters"
    if saved.get("notebook") != sha256(notebook):
        return "it is not the executed notebook its cache record describes"
    return None


def invalidate(name: str, root: Path) -> None:
    """After a failed run: the brief runs again next time, and its last good notebook, still
    described by the record, stays publishable."""
    path = paths.run_record(name, root)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        return
    if isinstance(record, dict):
        record["key"] = None
        atomic.write_text(path, json.dumps(record, indent=1, sort_keys=True))
    else:
        path.unlink(missing_ok=True)


def stale_reason(name: str, root: Path, run_key: str, notebook: Path, parameters: dict | None = None) -> str | None:
    """Why the brief must run again, or None when its executed notebook is up to date (`parameters`:
    as `unverified`)."""
    record = paths.run_record(name, root)
    if not notebook.exists():
        return "no executed notebook"
    if not record.exists():
        return "no record of a previous successful run"
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
    except ValueError:
        return "unreadable cache record"
    if saved.get("key") is None:
        return "its last run failed"
    if saved.get("key") != run_key:
        return "notebook, parameters, helper library or environment changed"
    mismatch = unverified(name, root, notebook, parameters)
    if mismatch:
        return f"executed notebook: {mismatch}"
    if saved.get("files") is None:
        return "no record of the files it read"
    for path, digest in saved.get("files", {}).items():
        reason = input_changed(root, path, digest)
        if reason:
            return reason
    return None


def input_changed(root: Path, path: str, digest: str) -> str | None:
    """Why one recorded input of a run no longer matches (changed, appeared, gone), or None."""
    file, _, part = path.partition(PART)
    full = Path(file) if os.path.isabs(file) else root / file
    if part:  # one resource of a JSON description, such as a series' entry in data/external.json
        return f"input {path} changed" if part_digest(full, part) != digest else None
    if digest == ABSENT:
        return f"input {path} has appeared" if full.exists() else None
    if not full.is_file():
        return f"input {path} is gone"
    return f"input {path} changed" if sha256(full) != digest else None


def book_key(root: Path, notebooks: dict[str, Path], pdf: bool = False) -> str:
    """Everything the compiled book depends on: book/, the executed notebooks, the briefs' front
    matter, library, environment, and whether it carries the briefs' PDFs (its pages link them)."""
    digest = hashlib.sha256(b"pdf\0" if pdf else b"")
    for path in sorted(p for p in paths.book_sources(root).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + sha256(path).encode())
    for name in sorted(notebooks):
        digest.update(name.encode() + b"\0" + sha256(notebooks[name]).encode())
    # The landing page and the table of contents come from the briefs' front matter (title,
    # summary, order, headline), which `--no-run` reads afresh without running anything.
    for path in sorted(paths.notebooks_dir(root).glob("*.md")):
        meta = front_matter(path)
        digest.update(path.name.encode() + b"\0" + json.dumps(meta, sort_keys=True, default=str).encode())
    digest.update(library_digest().encode() + environment_digest().encode())
    return digest.hexdigest()


def book_is_current(root: Path, book: str, html: Path) -> bool:
    path = paths.book_record(root)
    try:
        return html.joinpath("index.html").exists() and json.loads(path.read_text())["key"] == book
    except (OSError, ValueError, KeyError):
        return False


def save_book(root: Path, book: str) -> None:
    atomic.write_text(paths.book_record(root), json.dumps({"key": book}))
