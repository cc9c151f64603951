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

from briefs.project import catalog
from briefs.errors import UsageError
from briefs.book import derivations
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


FLAG = " [contradicted]"  # what claims.Ledger glues after a contradicted claim's value


def verdicts(record: dict | None) -> str | None:
    """The brief's claims counted by verdict, in words."""
    claims = (record or {}).get("claims") or []
    if not claims:
        return None
    restated = sum(1 for c in claims if c.get("basis") == "restated")
    held = sum(1 for c in claims if c.get("status") == "holds" and c.get("basis") != "restated")
    bad = len(claims) - held - restated
    noun = "claim" if len(claims) == 1 else "claims"
    if not bad and not restated:
        return (
            f"{len(claims)} {noun} checked against the data: all hold."
            if len(claims) > 1
            else "1 claim checked against the data: it holds."
        )
    parts = [f"{held} hold"] + ([f"{restated} restated"] if restated else []) + ([f"{bad} contradicted"] if bad else [])
    return f"{len(claims)} {noun} checked against the data: {', '.join(parts)}."


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
        published = c.get("published_display") or c.get("published_text")
        printed = f" (the document prints {published})" if published else ""
        out.append(
            f"Flagged: the data do not bear out the claim that {statement}. "
            f"They give {c.get('value_display') or c['text']}; the claim needs a value "
            f"{derivations.needs(c['rule'])}{printed}."
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
            f'<p class="briefs-headline"><span class="briefs-headline-value">{html.escape(_one_line(value))}</span> '
            f'<span class="briefs-headline-label">{html.escape(_one_line(label))}</span></p>'
        )
        parts.append("")
        for sentence in flagged(brief, record):
            parts += [f'<p class="briefs-flagged">{html.escape(sentence)}</p>', ""]
    if brief.summary:
        parts += [f'<p class="briefs-summary">{html.escape(_one_line(brief.summary))}</p>', ""]
    counted = verdicts(record)
    if counted:
        bad = " briefs-verdicts-contradicted" if "contradicted" in counted else ""
        parts += [
            f'<p class="briefs-verdicts{bad}"><a href="{BRIEFS_DIR}/{brief.name}.html#claims">{html.escape(counted)}</a></p>',
            "",
        ]
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
        nb = readback.load(notebooks[brief.name])
        cards.append(card(brief, readback.glued(nb), pdf, readback.claims(nb)))
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
