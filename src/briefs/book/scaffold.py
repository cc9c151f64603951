"""`briefs new`: start a brief from a template that already runs.

An author who is new to notebooks learns the skeleton (parameters, load,
compute, claims, charts, sources) by editing a page that builds from the
first minute, rather than by copying a finished brief and deleting most of
it. The brief gets its own figures resource, registered with its document as
provenance, so the first thing the author does is transcribe figures into it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from briefs import atomic
from briefs.project import catalog
from briefs.data.package import load_package
from briefs.errors import UsageError
from briefs.project.paths import project_root

FIGURES_SCHEMA = "schemas/figures.json"


@dataclass(frozen=True)
class NewBrief:
    name: str
    notebook: Path
    resource: str
    csv: Path


def resource_name(name: str) -> str:
    """The figures resource of a brief: `mpi-brief` -> `mpi_brief_figures` (the project's naming)."""
    return name.replace("-", "_") + "_figures"


def _template(filename: str) -> str:
    return resources.files("briefs").joinpath("templates", filename).read_text(encoding="utf-8")


def _write_new(path: Path, text: str) -> None:
    """Create `path`; never overwrite (a second author racing for the same name loses, loudly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"{path} already exists; choose another name") from None


def _write_json(path: Path, descriptor: dict) -> None:
    """Rewrite datapackage.json in its committed layout (2-space indent, UTF-8), atomically."""
    atomic.write_text(path, json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")


def new_brief(name: str, document: str, title: str | None = None, root: Path | None = None) -> NewBrief:
    """Write `notebooks/NAME.md` and `data/NAME_figures.csv`, and register the resource.

    Everything is checked before anything is written, so a refused name leaves
    the project untouched.
    """
    if not catalog.NAME.fullmatch(name or ""):
        raise UsageError(
            f"{name!r} is not a valid brief name: use lower-case letters, digits and hyphens, "
            "starting with a letter or digit (for example mpi-brief)"
        )
    root = root or project_root()
    notebook = root / "notebooks" / f"{name}.md"
    if notebook.exists():
        raise UsageError(f"a brief named {name!r} already exists ({notebook.relative_to(root)})")
    pkg = load_package(root / "data" / "datapackage.json")
    resource = resource_name(name)
    if resource in pkg.resource_names():
        raise UsageError(f"the data package already has a resource named {resource!r}; choose another name")
    csv = pkg.base / f"{resource}.csv"
    if csv.exists():
        raise UsageError(f"{csv.relative_to(root)} already exists; choose another name")
    docs = pkg.documents()
    if document not in docs:
        raise UsageError(f"unknown document {document!r}; known documents: {', '.join(sorted(docs))} (see data/documents.csv)")
    doc = docs[document]
    title = title or str(doc["title"])
    if any(ord(ch) < 32 for ch in title):
        raise UsageError("the title must be one line")
    order = max((b.order for b in catalog.discover(root) if b.order < 100), default=0) + 1
    csv_rel = f"data/{csv.name}"
    text = _template("brief.md")
    for token, value in {
        "__TITLE_YAML__": json.dumps(title, ensure_ascii=False),
        "__TITLE__": title,
        "__DOCUMENT_NAME__": str(doc["short_name"]),
        "__DOCUMENT__": document,
        "__ORDER__": str(order),
        "__RESOURCE_PATH__": csv_rel,
        "__RESOURCE__": resource,
        "__NAME__": name,
    }.items():
        text = text.replace(token, value)

    _write_new(csv, _template("figures.csv"))
    try:
        _write_new(notebook, text)
    except UsageError:
        csv.unlink()
        raise
    descriptor = pkg.descriptor
    descriptor["resources"].append(
        {
            "name": resource,
            "path": csv.name,
            "title": f"Figures stated in the {doc['short_name']} (document {document})",
            "format": "csv",
            "encoding": "utf-8",
            "description": f"One row per figure the document states, with the note that states it; read by the brief {name}.",
            "sources": [{"title": f"{doc['short_name']} (document {document})", "document": document}],
            "schema": FIGURES_SCHEMA,
        }
    )
    _write_json(pkg.path, descriptor)
    return NewBrief(name=name, notebook=notebook, resource=resource, csv=csv)
