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

import ast
import html
import re
from pathlib import Path

import nbformat

from briefs.project import catalog
from briefs.errors import UsageError
from briefs.book import derivations
from briefs.book.sphinxext import BRIEFS_DIR, PDF_DIR

CATALOG_FILE = "_catalog.md"
RECORD_PREFIX = "application/papermill.record/"
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")


def glued_values(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Every value a notebook glued, as the text a `{glue:text}` role would show."""
    out: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            text = output.get("data", {}).get(RECORD_PREFIX + "text/plain")
            if name is None or text is None:
                continue
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                value = text
            out[name] = value if isinstance(value, str) else str(value)
    return out


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
    return text.replace("`", "'").replace("<", "‹").replace(">", "›")


FLAG = " [contradicted]"  # what claims.Ledger glues after a contradicted claim's value


def ledger_record(nb: nbformat.NotebookNode) -> dict | None:
    """The claims record a brief displayed (claims.Ledger.show), read back from its outputs."""
    from briefs.page.claims import LEDGER_MIME

    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if LEDGER_MIME in output.get("data", {}):
                return output["data"][LEDGER_MIME]
    return None


def verdicts(record: dict | None) -> str | None:
    """The brief's claims counted by verdict, in words."""
    claims = (record or {}).get("claims") or []
    if not claims:
        return None
    held = sum(1 for c in claims if c.get("status") == "holds")
    bad = len(claims) - held
    noun = "claim" if len(claims) == 1 else "claims"
    if not bad:
        return f"{len(claims)} {noun} checked against the data: all hold." if len(claims) > 1 else "1 claim checked against the data: it holds."
    return f"{len(claims)} {noun} checked against the data: {held} hold, {bad} contradicted."


def flagged(brief: catalog.Brief, record: dict | None) -> list[str]:
    """For each contradicted claim the headline shows (its figure or its label), what broke, in words."""
    keys = [brief.headline, *PLACEHOLDER.findall(brief.headline_label or "")] if brief.headline else []
    claims = {c["id"]: c for c in (record or {}).get("claims") or []}
    out = []
    for key in keys:
        c = claims.get(key)
        if not c or c.get("status") == "holds":
            continue
        statement = c["statement"]
        if statement[1:2].islower():  # "The chapter's ..." reads on after "that"; "INM's ..." keeps its capitals
            statement = statement[0].lower() + statement[1:]
        printed = f" (the document prints {c['published_text']})" if c.get("published_text") else ""
        out.append(
            f"Flagged: the data do not bear out the claim that {statement}. "
            f"They give {c['text']}; the claim needs a value {derivations.needs(c['rule'])}{printed}."
        )
    return out


def card(brief: catalog.Brief, values: dict[str, str] | None, pdf: bool, record: dict | None = None) -> str:
    shown = {k: v[: -len(FLAG)] if v.endswith(FLAG) else v for k, v in (values or {}).items()}
    head = headline(brief, shown) if values is not None else None
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
            f'<p class="briefs-headline"><span class="briefs-headline-value">{html.escape(value)}</span> '
            f'<span class="briefs-headline-label">{html.escape(label)}</span></p>'
        )
        parts.append("")
        for sentence in flagged(brief, record):
            parts += [f'<p class="briefs-flagged">{html.escape(sentence)}</p>', ""]
    if brief.summary:
        parts += [f'<p class="briefs-summary">{html.escape(brief.summary)}</p>', ""]
    counted = verdicts(record)
    if counted:
        bad = " briefs-verdicts-contradicted" if "contradicted" in counted else ""
        parts += [f'<p class="briefs-verdicts{bad}"><a href="{BRIEFS_DIR}/{brief.name}.html#claims">{html.escape(counted)}</a></p>', ""]
    foot = f"Document {html.escape(brief.document)}" if brief.document else ""
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
        nb = nbformat.read(notebooks[brief.name], as_version=4)
        cards.append(card(brief, glued_values(nb), pdf, ledger_record(nb)))
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
