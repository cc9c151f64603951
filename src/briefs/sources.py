"""The sources section that closes every brief.

Readers must be able to trace every number: this lists the document, then
each of its notes that a figure on the page came from, with the work the note
cites, and the data resources (with sha256) the brief read.
"""

from __future__ import annotations

import html

from .data import INPUTS, INPUTS_MIME, Package


def _document_line(doc: dict, document: str) -> str:
    title = html.escape(str(doc.get("title", document)))
    return (
        f'<p class="briefs-document"><em>{title}</em>, {html.escape(str(doc.get("publisher", "")))}, '
        f'{html.escape(str(doc.get("published", "")))} (document {html.escape(document)}).</p>'
    )


def to_html(pkg: Package, document: str) -> str:
    """`document` "" for a page that draws on several documents: every document it cited is listed."""
    cited_docs = sorted({fig.document for fig in pkg.cited.values()}) if not document else [document]
    head = "".join(_document_line(pkg.documents().get(d, {}), d) for d in cited_docs)
    notes: dict[tuple, list[str]] = {}
    for fig in pkg.cited.values():
        key = (fig.document, fig.note if fig.note else 0, fig.cited_work or "")
        notes.setdefault(key, []).append(fig.id)
    docs = pkg.documents()
    items = []
    for (doc_id, note, work), ids in sorted(notes.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        name = html.escape(str(docs.get(doc_id, {}).get("short_name", doc_id)))
        where = f"note {note}" if note else "main text"
        figs = ", ".join(f"<code>{html.escape(i)}</code>" for i in ids)
        items.append(f"<li>{name}, {where}: {html.escape(work)} — figures {figs}</li>")
    res = "".join(
        f"<li><code>{html.escape(name)}</code> ({html.escape(pkg.resource(name).get('path', ''))}), "
        f"sha256 <code>{digest[:16]}…</code></li>"
        for name, digest in sorted(pkg.loaded.items())
    )
    return (
        f'<div class="briefs-sources">{head}<p>Notes behind the figures on this page:</p><ul>{"".join(items)}</ul>'
        f"<p>Data resources read:</p><ul>{res}</ul></div>"
    )


def show(pkg: Package, document: str) -> None:
    from IPython.display import display

    inputs = {"files": {path: INPUTS[path] for path in sorted(INPUTS)}}
    display(
        {"text/html": to_html(pkg, document), "text/plain": f"Sources for document {document}" if document else "Sources for several documents", INPUTS_MIME: inputs},
        raw=True,
    )
