"""An edit to a brief's prose alone needs no kernel: its executed notebook takes the new text.

A brief's outputs come from its code cells, its parameters, the data it read, the library and
the installed packages; its Markdown cells pass through execution untouched (the `{glue}`
roles in them are filled in when the book is compiled, not in the notebook). So when the
only change since the last run is the text or metadata of Markdown cells (the same cells in
the same order, every code cell and the front matter unchanged, and every data file it read
still the same bytes), the executed notebook is patched with the new Markdown instead of
being run again. The result is the notebook a full run would write, byte for byte
(tests/execute/test_prosepatch.py checks this), at the cost of reading and writing one file.

What the last run's code looked like is kept beside the cache's record, in
`build/cache/prose/ID.json`: a hash of everything but the Markdown.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import nbformat

from briefs import atomic
from briefs.execute import readback
from briefs.project import paths


def _record(ident: str, root: Path) -> Path:
    return paths.cache_dir(root) / "prose" / f"{ident}.json"


def prepared(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The source notebook as `run.run_brief` hands it to papermill."""
    from briefs.execute.kernelspec import KERNEL

    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python (briefs)", "language": "python"}
    nb.metadata.setdefault("briefs", {})["name"] = name
    return nb


def code_key(nb: nbformat.NotebookNode, parameters: dict[str, Any]) -> str:
    """Everything a run's outputs can depend on in the notebook and its run, but the Markdown."""
    from briefs.execute.fingerprint import environment_digest, library_digest

    shape = [
        (c.cell_type, c.source if c.cell_type == "code" else "", c.metadata if c.cell_type == "code" else {}) for c in nb.cells
    ]
    parts = [json.dumps([shape, nb.metadata, parameters], sort_keys=True, default=str), library_digest(), environment_digest()]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def key_of(name: str, source: Path, parameters: dict[str, Any]) -> str:
    """The code key of a brief's source as it is now (taken before a run on a cluster, whose
    result does not carry the key of what it ran: `run.RunResult.code`)."""
    import jupytext

    return code_key(prepared(jupytext.read(source, fmt="md:myst"), name), parameters)


def remember(ident: str, key: str, root: Path) -> None:
    """After a successful run: the code key of the source it ran."""
    atomic.write_text(_record(ident, root), json.dumps({"code": key}))


def forget(ident: str, root: Path) -> None:
    _record(ident, root).unlink(missing_ok=True)


def _inputs_unchanged(executed: nbformat.NotebookNode, root: Path) -> bool:
    """Every file (or series entry) the last run read is as it was: the cache's own test."""
    from briefs.execute.cache import input_changed

    files = readback.inputs(executed)
    return files is not None and not any(input_changed(root, path, digest) for path, digest in files.items())


def _as_papermill_reads(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as papermill loads it for a run (it adds metadata to every cell), minus the
    metadata `run.normalize` removes again."""
    import tempfile

    from papermill.iorw import load_notebook_node

    with tempfile.TemporaryDirectory(prefix="briefs-prose-") as tmp:
        path = Path(tmp) / "source.ipynb"
        nbformat.write(nb, path)
        loaded = load_notebook_node(str(path))
    for cell in loaded.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return loaded


def patch(ident: str, name: str, source: Path, parameters: dict[str, Any], target: Path, root: Path):
    """Give the executed notebook at `target` the brief's new Markdown if nothing else changed.
    Returns the RunResult a run would have returned, or None when the brief must run."""
    import jupytext

    from briefs.execute.run import RunResult

    try:
        saved = json.loads(_record(ident, root).read_text(encoding="utf-8"))["code"]
        if not _inputs_unchanged(readback.load(target), root):  # a data file changed (checked first: cheap)
            return None
        executed = nbformat.read(target, as_version=4)  # a copy of its own: its prose is replaced below
    except (OSError, ValueError, KeyError):
        return None
    new = prepared(jupytext.read(source, fmt="md:myst"), name)
    if code_key(new, parameters) != saved:
        return None
    own = [c for c in executed.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    if len(own) != len(new.cells) or any(a.cell_type != b.cell_type for a, b in zip(own, new.cells)):
        return None
    for old, fresh in zip(own, _as_papermill_reads(new).cells):
        if old.cell_type == "code":
            if old.source != fresh.source:
                return None
            continue
        old.source, old.metadata = fresh.source, fresh.metadata
    from briefs.execute.run import _write_atomic

    _write_atomic(executed, target, root)
    ledger = readback.claims(executed) or {}
    return RunResult(
        brief=name,
        notebook=target,
        parameters=dict(executed.metadata.get("briefs", {}).get("parameters", {})),
        claims=ledger.get("claims", []),
    )
