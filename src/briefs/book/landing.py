"""The landing page's list of briefs, generated from the catalog and the executed notebooks.

Each brief is shown with its one-line summary and, when its front matter names one, a
headline figure. The figure is read from what the executed notebook glued, never typed in:

    briefs:
      headline: total_returns            # a glue key of the brief
      headline_label: people returned between {window_start} and {window_end}

`{key}` in the label is replaced by that key's glued text, so dates and counts in the label
come from the run as well. `book/intro.md` includes the generated file (`CATALOG_FILE`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

from briefs.project import catalog
from briefs.errors import UsageError
from briefs.execute import readback
from briefs.media import BRIEFS_DIR, PDF_DIR

CATALOG_FILE = "_catalog.md"
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")


def headline(brief: catalog.Brief, values: dict[str, str]) -> tuple[str, str] | None:
    """(value, label) of the brief's headline figure, or None if it names none."""
    if not brief.headline:
        return None
    missing = [k for k in (brief.headline, *PLACEHOLDER.findall(brief.headline_label)) if k not in values]
    if missing:
        raise UsageError(f"{brief.path}: headline names glue key(s) the brief does not glue: {', '.join(missing)}")
    label = PLACEHOLDER.sub(lambda m: values[m.group(1)], brief.headline_label)
    return values[brief.headline], label


def _role_text(text: str) -> str:
    """Text safe inside a MyST role with an explicit target (`title <target>`)."""
    return _one_line(text).replace("`", "'").replace("<", "‹").replace(">", "›")


def _one_line(text: str) -> str:
    """Front-matter text as one line of plain text. Inside the card's one-line HTML block MyST
    parses nothing; a line break would end that block and let the rest (a directive such as
    `literalinclude`, a role) be read as MyST."""
    return " ".join(str(text).split())


def card(brief: catalog.Brief, values: dict[str, str] | None, pdf: bool) -> str:
    head = headline(brief, values) if values is not None else None
    parts = [
        "::::{grid-item-card}",
        ":class-card: briefs-card",
        "",
        ":::{card-header}",
        f"{{doc}}`{_role_text(brief.title)} <{BRIEFS_DIR}/{brief.name}>`",
        ":::",
        "",
    ]
    if head:
        value, label = head
        parts.append(
            f'<p class="briefs-headline"><span class="briefs-headline-value">{html.escape(_one_line(value))}</span> '
            f'<span class="briefs-headline-label">{html.escape(_one_line(label))}</span></p>'
        )
        parts.append("")
    if brief.summary:
        parts += [f'<p class="briefs-summary">{html.escape(_one_line(brief.summary))}</p>', ""]
    foot = f"Document {html.escape(_one_line(brief.document))}" if brief.document else ""
    if pdf:
        link = f'<a class="briefs-pdf" href="{PDF_DIR}/{brief.name}.pdf">PDF</a>'
        foot = f"{foot} · {link}" if foot else link
    if foot:
        parts += [":::{card-footer}", f'<p class="briefs-card-foot">{foot}</p>', ":::"]
    parts.append("::::")
    return "\n".join(parts)


def catalog_markdown(
    briefs: list[catalog.Brief],
    notebooks: dict[str, Path],
    *,
    ledger: str | None = None,
    pdf: bool = False,
) -> str:
    """The MyST text of the briefs' cards, and a link to the figure ledger page if there is one."""
    cards = []
    for brief in briefs:
        if brief.name not in notebooks:
            continue
        values = readback.glued(nbformat.read(notebooks[brief.name], as_version=4))
        cards.append(card(brief, values, pdf))
    if cards:
        lines = [":::::{grid} 1 1 2 2", ":gutter: 3", "", "\n\n".join(cards), ":::::", ""]
    else:
        lines = ["No brief has been built yet.", ""]
    if ledger:
        lines += [
            f"Every figure quoted from the documents, with the note that states it, is listed in the "
            f"{{doc}}`figure ledger <{ledger}>`.",
            "",
        ]
    return "\n".join(lines)
