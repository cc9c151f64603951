"""Which briefs exist: every MyST notebook in `notebooks/` that declares a `briefs:` block.

Adding a brief is adding a file; nothing in the core lists them, and the
book's table of contents is generated from what is found here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jupytext

from .errors import UsageError
from .paths import project_root

NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DEFAULT_PART = "Briefs"  # a page about one document; other pages name their part in `briefs: part:`


@dataclass(frozen=True)
class Brief:
    name: str
    path: Path
    title: str
    document: str
    summary: str
    order: int
    headline: str | None = None  # a glue key shown on the landing page, see landing.py
    headline_label: str = ""
    part: str = DEFAULT_PART

    def read(self):
        """The notebook as nbformat, parsed from the MyST text."""
        return jupytext.read(self.path, fmt="md:myst")


def _meta(path: Path) -> dict | None:
    nb = jupytext.read(path, fmt="md:myst")
    meta = nb.metadata.get("briefs")
    return meta if isinstance(meta, dict) else None


def discover(root: Path | None = None) -> list[Brief]:
    root = root or project_root()
    found = []
    for path in sorted((root / "notebooks").glob("*.md")):
        meta = _meta(path)
        if meta is None:
            continue
        name = path.stem
        if not NAME.match(name):
            raise UsageError(f"{path}: a brief's file name must be lower-case letters, digits and hyphens")
        found.append(
            Brief(
                name=name,
                path=path,
                title=str(meta.get("title", name)),
                document=str(meta.get("document", "")),
                summary=str(meta.get("summary", "")),
                order=int(meta.get("order", 100)),
                headline=str(meta["headline"]) if meta.get("headline") else None,
                headline_label=str(meta.get("headline_label", "")),
                part=str(meta.get("part") or DEFAULT_PART),
            )
        )
    return sorted(found, key=lambda b: (b.order, b.name))


def get(name: str, root: Path | None = None) -> Brief:
    briefs = discover(root)
    for brief in briefs:
        if brief.name == name:
            return brief
    names = ", ".join(b.name for b in briefs) or "(none)"
    raise UsageError(f"unknown brief {name!r}; known briefs: {names}")
