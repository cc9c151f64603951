"""How each glued number was computed: read from a brief's claims record, checked against its page.

The claims library records, for every value a brief glues, a derivation in the brief's claims
record (the JSON `claims.Ledger.show()` displays under `LEDGER_MIME`):

    record["derivations"][glue_key] = {
        "formula": "the INM total divided by the days of its window",   # in words
        "symbols": "19,561 ÷ 198",                                       # optional
        "inputs": [{"label", "value", "unit", "period", "source"}, ...],
        "claim": "claim_id" or None,
    }

The book turns each glued number of the prose into a link to its entry in a "How each number
was computed" section at the end of the page (`sphinxext`). Before the book is compiled,
`check` refuses a brief whose record has a `derivations` mapping that lacks a key its page
glues; a record with no `derivations` key at all is not checked (briefs made before the
library recorded derivations).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from briefs.errors import BuildFailed

DERIVATIONS = "derivations"
SECTION_TITLE = "How each number was computed"
SECTION_ID = "how-each-number-was-computed"
# Inline roles ({glue}`k`, {glue:text}`k:fmt`, {glue:md}`k`) and block directives (```{glue:md} k).
ROLE = re.compile(r"\{glue(?::(?:any|text|md))?\}`([^`]+)`")
DIRECTIVE = re.compile(r"^(?:```+|:::+)\{glue(?::(?:any|md|figure|math))?\}\s+(\S+)", re.M)


def _key(target: str, role_with_format: bool) -> str | None:
    """The glue key a role or directive names on its own page (None for another page's key)."""
    if "::" in target:
        return None
    if role_with_format and ":" in target:
        return target.rsplit(":", 1)[0]
    return target


def used_keys(nb: nbformat.NotebookNode) -> list[str]:
    """The glue keys a brief's prose uses, in the order they first appear."""
    seen: dict[str, None] = {}
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for match in ROLE.finditer(cell.source):
            key = _key(match.group(1), match.group(0).startswith("{glue:text}"))
            if key:
                seen.setdefault(key, None)
        for match in DIRECTIVE.finditer(cell.source):
            key = _key(match.group(1), False)
            if key:
                seen.setdefault(key, None)
    return list(seen)


def claims_record(nb: nbformat.NotebookNode) -> dict | None:
    """The claims record the brief displayed, or None."""
    from briefs.page.claims import LEDGER_MIME

    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if LEDGER_MIME in data and isinstance(data[LEDGER_MIME], dict):
                return data[LEDGER_MIME]
    return None


def derivations(nb: nbformat.NotebookNode) -> dict[str, dict] | None:
    """The brief's derivations by glue key, or None when its record has none (not yet recorded)."""
    record = claims_record(nb)
    if not record or DERIVATIONS not in record:
        return None
    found = record[DERIVATIONS]
    return found if isinstance(found, dict) else {}


def missing(nb: nbformat.NotebookNode) -> list[str] | None:
    """Glue keys the page uses that its derivations lack; None when the brief records no derivations."""
    found = derivations(nb)
    if found is None:
        return None
    return [key for key in used_keys(nb) if key not in found]


def check(path: Path, brief: str) -> None:
    """Raise BuildFailed naming every glued key of the page without a derivation."""
    lacking = missing(nbformat.read(path, as_version=4))
    if lacking:
        raise BuildFailed(
            f"{brief}: the claims record has no derivation for the glued value(s) "
            f"{', '.join(lacking)} used on its page ({path.name}); record how each was computed"
        )


def anchor(key: str) -> str:
    """The HTML id of a key's entry in the page's derivations section."""
    return "derivation-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def number_text(value: object) -> str:
    """An input's value as a reader sees it: grouped by thousands, integers without '.0'."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def needs(rule: str) -> str:
    """A claim's rule ("equals 11", "within 5% of 146,000") as what a value must be ("equal to 11")."""
    if rule.startswith("equals "):
        return "equal to " + rule[len("equals "):]
    if rule.startswith("rounds to "):
        return "that " + rule
    return rule
