"""What an executed brief says, read back from its outputs.

`briefs diff`, the outputs lock and an edition's "what changed" page compare
these snapshots rather than notebook bytes: the claims ledger, the glued values,
every table and chart as the machine-readable records the brief displayed, and
the text of any other output. Notebook metadata never enters a snapshot, so
nothing volatile can show up as a change.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat

from briefs.execute import normalize
from briefs.errors import UsageError
from briefs.execute import readback
from briefs.review import formulas
from briefs.review import prose as prose_
from briefs.media import CHART_MIME, CLAIMS_MIME, TABLE_MIME


@dataclass
class Table:
    name: str
    caption: str
    index_name: str
    index: list[str]
    columns: list[str]
    data: list[list[Any]]

    def cells(self) -> dict[tuple[str, str], Any]:
        return {(r, c): v for r, row in zip(self.index, self.data) for c, v in zip(self.columns, row)}


@dataclass
class Chart:
    name: str
    title: str
    description: str
    data: list[dict[str, Any]]
    svg: str | None = None


@dataclass
class Digest:
    """One executed brief, reduced to what a reader or reviewer could see change: its digest."""

    name: str
    title: str
    origin: str
    parameters: dict[str, Any] = field(default_factory=dict)
    claims: list[dict] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    prose: list[prose_.Paragraph] = field(default_factory=list)  # the page's text, glued values in place
    in_text: set[str] = field(default_factory=set)  # the glue keys the page's text pastes in
    labels: dict[str, str] = field(default_factory=dict)  # glue key -> what the value is, from its derivation
    formulas: dict[str, dict[str, str]] | None = None  # glue key -> how it is computed (review.formulas); None: not recorded
    headline: dict[str, str] = field(default_factory=dict)  # key, label: the landing card's figure
    inputs: dict[str, str] = field(default_factory=dict)  # data files read: {path: sha256}
    series: list[dict] = field(default_factory=list)  # official series read, with their vintages, if recorded

    def glued(self) -> dict[str, str]:
        """Glued values other than the ones each claim glues for itself (its value and published value)."""
        own = {c["id"] for c in self.claims} | {f"{c['id']}_published" for c in self.claims}
        return {k: v for k, v in sorted(self.values.items()) if k not in own}

    def content(self) -> tuple:
        """Everything but where it was read from: equal content means nothing changed."""
        return (
            self.parameters,
            self.claims,
            self.values,
            {k: vars(t) for k, t in self.tables.items()},
            {k: vars(c) for k, c in self.charts.items()},
            self.texts,
            self.prose,
        )


class _Text(HTMLParser):
    BLOCK = {
        "p",
        "div",
        "li",
        "tr",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "ul",
        "ol",
        "figure",
        "figcaption",
        "caption",
        "thead",
        "tbody",
        "section",
        "dt",
        "dd",
    }
    SKIP = {"script", "style", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The text a reader sees in an HTML output, one block per line."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _text_of(output: dict) -> str | None:
    kind = output.get("output_type")
    if kind == "stream":
        return str(output.get("text", "")).rstrip("\n")
    if kind == "error":
        return f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
    data = output.get("data", {})
    if readback.is_glue(output):
        return None  # a glued value: the ledger's `values` carries it
    if "text/html" in data:
        return html_text(str(data["text/html"]))
    for mime in ("text/markdown", "text/plain", "text/latex"):
        if mime in data:
            return str(data[mime]).rstrip("\n")
    for mime, payload in sorted(data.items()):
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]
        return f"[{mime}, sha256 {digest}]"
    return None


def _unique(name: str, taken: dict) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def from_notebook(nb: nbformat.NotebookNode, name: str, origin: str) -> Digest:
    meta = nb.get("metadata", {}).get("briefs", {}) or {}
    snap = Digest(
        name=name,
        title=str(meta.get("title", name)),
        origin=origin,
        parameters=dict(meta.get("parameters", {}) or {}),
    )
    for cell_index, position, output in readback.outputs(nb):
        normalize.output(output, f"cell-{cell_index:03d}-{position}")
        data = output.get("data", {})
        if CLAIMS_MIME in data:
            ledger = data[CLAIMS_MIME]
            snap.claims = list(ledger.get("claims", []))
            snap.values = dict(ledger.get("values", {}))
            derivations = ledger.get("derivations") or {}
            snap.labels = {k: str(d["label"]) for k, d in derivations.items() if isinstance(d, dict) and d.get("label")}
            snap.formulas = formulas.rows(derivations) if derivations else None
        elif TABLE_MIME in data:
            rec = data[TABLE_MIME]
            key = _unique(str(rec.get("name", f"table-{len(snap.tables) + 1}")), snap.tables)
            snap.tables[key] = Table(
                name=key,
                caption=str(rec.get("caption", "")),
                index_name=str(rec.get("index_name") or ""),
                index=[str(i) for i in rec.get("index", [])],
                columns=[str(c) for c in rec.get("columns", [])],
                data=[list(row) for row in rec.get("data", [])],
            )
        elif CHART_MIME in data:
            rec = data[CHART_MIME]
            key = _unique(str(rec.get("name", f"chart-{len(snap.charts) + 1}")), snap.charts)
            snap.charts[key] = Chart(
                name=key,
                title=str(rec.get("title", "")),
                description=str(rec.get("description", "")),
                data=[dict(row) for row in rec.get("data", [])],
                svg=data.get("image/svg+xml"),
            )
        else:
            text = _text_of(output)
            if text:
                snap.texts.append(text)
    snap.prose = prose_.paragraphs(nb.get("cells", []), snap.values)
    snap.in_text = set(readback.used_keys(nb))
    if meta.get("headline"):
        label = str(meta.get("headline_label") or "")
        for key, value in snap.values.items():
            label = label.replace("{" + key + "}", str(value))
        snap.headline = {"key": str(meta["headline"]), "label": label}
    snap.inputs = readback.inputs(nb) or {}
    snap.series = list((readback.sources(nb) or {}).get("series") or [])
    return snap


def read(path: Path, name: str | None = None) -> Digest:
    """The snapshot of one executed notebook; its name comes from `metadata.briefs.name`, else the file stem."""
    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except Exception as exc:  # nbformat raises several kinds for a file that is not a notebook
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"{path}: not a readable notebook ({reason})") from None
    meta = nb.get("metadata", {}).get("briefs", {}) or {}
    return from_notebook(nb, name or str(meta.get("name") or path.stem), str(path))


def is_brief(path: Path) -> bool:
    """An executed brief carries a `briefs` block in its metadata; other notebooks are not compared."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(meta.get("briefs"), dict)


def _notebooks(folder: Path) -> list[Path]:
    """Notebooks below `folder`, not looking into hidden folders (.venv, .git, .ipynb_checkpoints)."""
    found = []
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(here) / f for f in files if f.endswith(".ipynb") and not f.startswith(".")]
    return sorted(found)


def collect(path: str | Path) -> dict[str, Digest]:
    """Every executed brief at `path`: one notebook, a run folder, or an edition folder searched below.

    Copies of one brief (an edition may hold the notebook and the copy the book
    keeps of it) are one brief if they say the same; if they disagree the
    folder is ambiguous and nothing is guessed.
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if path.is_file():
        if path.suffix != ".ipynb":
            raise UsageError(f"{path}: not a notebook (.ipynb) nor a folder of executed briefs")
        snap = read(path)
        return {snap.name: snap}
    found: dict[str, Digest] = {}
    for nb_path in _notebooks(path):
        if not is_brief(nb_path):
            continue
        snap = read(nb_path)
        if snap.name in found:
            if found[snap.name].content() != snap.content():
                raise UsageError(
                    f"{path}: two different notebooks for brief {snap.name!r}: {found[snap.name].origin} and {nb_path}"
                )
            continue
        found[snap.name] = snap
    if not found:
        raise UsageError(f"{path}: no executed briefs (notebooks with a `briefs` metadata block) found")
    return dict(sorted(found.items()))
