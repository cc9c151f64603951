"""The sources section that closes every brief.

Readers must be able to trace every number: this lists the document, then
each of its notes that a figure on the page came from, with the work the note
cites, the data resources (with sha256) the brief read, and the vintage of each
official series it read. The same facts go
out as JSON (SOURCES_MIME) beside the HTML, so a release can state each page's
provenance from the executed notebook alone, without re-running the kernel.
"""

from __future__ import annotations

import html
import sys
from typing import Any

from briefs.data.package import INPUTS, Package
from briefs.media import INPUTS_MIME, SOURCES_MIME, note_anchor
from briefs.page import context
from briefs.page.language import marked  # Spanish titles inside English citations get lang="es"


def record(pkg: Package, document: str) -> dict[str, Any]:
    """What the page drew on: its document, the notes behind its figures, and each resource read."""
    notes: dict[tuple, list[str]] = {}
    for fig in pkg.cited.values():
        key = (fig.document, fig.note if fig.note else 0, fig.cited_work or "")
        notes.setdefault(key, []).append(fig.id)
    resources = []
    for name, digest in sorted(pkg.loaded.items()):
        res = pkg.resource(name)
        origins = [
            {k: src[k] for k in ("title", "document", "note") if src.get(k) not in (None, "")}
            for src in res.get("sources", [])
            if isinstance(src, dict)
        ]
        resources.append({"name": name, "path": res.get("path", ""), "sha256": digest, "sources": origins})
    return {
        "document": document,
        "series": series_read(),
        "notes": [
            {"document": doc, "note": note or None, "cited_work": work, "figures": ids}
            for (doc, note, work), ids in sorted(notes.items(), key=lambda kv: (kv[0][0], kv[0][1]))
        ],
        "resources": resources,
    }


def series_read() -> list[dict]:
    """The official series this kernel read (or looked for and found absent), with their vintages."""
    module = sys.modules.get("briefs.data.official.series")  # a brief that never imported it read none
    return [module.READ[name] for name in sorted(module.READ)] if module else []


def _document_line(doc: dict, document: str) -> str:
    title = marked(str(doc.get("title", document)))
    return (
        f'<p class="briefs-document"><em>{title}</em>, {marked(str(doc.get("publisher", "")))}, '
        f"{html.escape(str(doc.get('published', '')))} (document {html.escape(document)}).</p>"
    )


def to_html(pkg: Package, document: str) -> str:
    """`document` "" for a page that draws on several documents: every document it cited is listed."""
    cited_docs = sorted({fig.document for fig in pkg.cited.values()}) if not document else [document]
    head = "".join(_document_line(pkg.documents().get(d, {}), d) for d in cited_docs)
    rec = record(pkg, document)
    docs = pkg.documents()
    items = []
    for note in rec["notes"]:
        name = html.escape(str(docs.get(note["document"], {}).get("short_name", note["document"])))
        where = f"note {note['note']}" if note["note"] else "main text"
        figs = ", ".join(f"<code>{html.escape(i)}</code>" for i in note["figures"])
        anchor = note_anchor(note["document"], note["note"])
        items.append(f'<li id="{anchor}">{name}, {where}: {marked(note["cited_work"])} — figures {figs}</li>')
    res = "".join(
        f'<li id="source-data-{html.escape(r["name"])}"><code>{html.escape(r["name"])}</code> ({html.escape(r["path"])}), '
        f"sha256 <code>{r['sha256'][:16]}…</code>"
        + "".join(f"; from {html.escape(str(o['title']))}" for o in r["sources"] if o.get("title"))
        + "</li>"
        for r in rec["resources"]
    )
    return (
        f'<div class="briefs-sources">{head}<p>Notes behind the figures on this page:</p><ul>{"".join(items)}</ul>'
        f"<p>Data resources read:</p><ul>{res}</ul></div>"
    )


def show(pkg: Package, document: str | None = None) -> None:
    """Display the sources section; `document` defaults to the one in the running brief's front matter."""
    from IPython.display import display

    if document is None:
        document = context.document_id()
    inputs = {"files": {path: INPUTS[path] for path in sorted(INPUTS)}}
    display(
        {
            "text/html": to_html(pkg, document),
            "text/plain": f"Sources for document {document}" if document else "Sources for several documents",
            SOURCES_MIME: record(pkg, document),
            INPUTS_MIME: inputs,
        },
        raw=True,
    )
