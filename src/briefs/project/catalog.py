"""Which briefs exist: every MyST notebook in `notebooks/` that declares a `briefs:` block.

Adding a brief is adding a file; nothing in the core lists them, and the
book's table of contents is generated from what is found here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from briefs.errors import UsageError
from briefs.project import paths
from briefs.project.paths import project_root

NAME = re.compile(r"[a-z0-9][a-z0-9-]*")  # matched whole (fullmatch): "evil\n" is not a name
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
        import jupytext

        return jupytext.read(self.path, fmt="md:myst")


def _shown(path: Path) -> str:
    """Relative to the working directory when below it, as the data package's messages are."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def front_matter(path: Path) -> dict:
    """The YAML block between a MyST notebook's opening `---` lines (what jupytext reads as its
    metadata), read without parsing the notebook: listing the briefs stays fast."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{_shown(path)}: cannot read this notebook ({type(exc).__name__}: {exc})") from None
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 3)
    if end < 0:
        raise UsageError(f"{_shown(path)}: cannot read this notebook (its front matter has no closing ---)")
    try:
        # libyaml's safe loader when PyYAML has it (the same documents, five times faster: the
        # catalog is read by every run, kernel and build); else PyYAML's own.
        meta = yaml.load(text[4:end], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise UsageError(f"{_shown(path)}: cannot read this notebook ({type(exc).__name__}: {first})") from None
    return meta if isinstance(meta, dict) else {}


def _meta(path: Path) -> dict | None:
    """The `briefs:` block of a notebook's front matter; a file that cannot be parsed is named, not traced back."""
    meta = front_matter(path).get("briefs")
    if meta is not None and not isinstance(meta, dict):
        raise UsageError(f"{_shown(path)}: the front matter's briefs: block must be a mapping (title, document, order, summary)")
    return meta


def discover(root: Path | None = None) -> list[Brief]:
    root = root or project_root()
    found = []
    for path in sorted(paths.notebooks_dir(root).glob("*.md")):
        meta = _meta(path)
        if meta is None:
            continue
        name = path.stem
        if not NAME.fullmatch(name):
            raise UsageError(f"{path}: a brief's file name must be lower-case letters, digits and hyphens")
        try:
            order = int(meta.get("order", 100))
        except (TypeError, ValueError):
            raise UsageError(f"{_shown(path)}: briefs.order must be a whole number, got {meta.get('order')!r}") from None
        found.append(
            Brief(
                name=name,
                path=path,
                title=str(meta.get("title", name)),
                document=str(meta.get("document", "")),
                summary=str(meta.get("summary", "")),
                order=order,
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
