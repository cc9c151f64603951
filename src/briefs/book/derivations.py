"""How each glued number was computed: read from a brief's claims record, checked against its page.

The claims library (`page.claims.Ledger`, with `page.lineage`) records, for every value a brief
glues, an entry in the brief's claims record (the JSON `Ledger.show()` displays under
`CLAIMS_MIME`), in the format of the lineage contract:

    record["derivations"][glue_key] = {
        "formula": "INM returns divided by days in the window",       # in words
        "symbols": "19,561 ÷ 198",
        "value": 98.79, "unit": "people per day", "label": "...", "period": "...",
        "inputs": [{"label", "value", "unit", "period", "source": {"kind": "figure" | "resource"
                    | "series" | "parameter" | "constant", ...}}, ...],
        "claim": "claim_id" or None,
    }

A glued string records `{"kind": "text"}` (with the `parameter` or figure `source` it was
written from), and a plain number of a brief that has not opted in records `{"kind": "number"}`.
`record["derivations_required"]` says whether the brief opted in (`Ledger(derivations=True)`).

The book turns each glued number of the prose whose entry says how it was computed into a link
to that entry in a "How each number was computed" section at the end of the page (`sphinxext`).
Before the book is compiled, `check` refuses a brief that opted in and whose record lacks an
entry for a key its page glues.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from briefs.errors import BuildFailed
from briefs.execute import readback
from briefs.execute.readback import used_keys
from briefs.media import derivation_anchor

DERIVATIONS = "derivations"
REQUIRED = "derivations_required"  # the brief opted in: Ledger(derivations=True)
SECTION_TITLE = "How each number was computed"
SECTION_ID = "how-each-number-was-computed"


def claims_record(nb: nbformat.NotebookNode) -> dict | None:
    """The claims record the brief displayed, or None."""
    from briefs.execute import readback

    record = readback.claims(nb)
    return record if isinstance(record, dict) else None


def derivations(nb: nbformat.NotebookNode) -> dict[str, dict] | None:
    """The brief's derivations by glue key, or None when its record has none (not yet recorded)."""
    record = claims_record(nb)
    if not record or DERIVATIONS not in record:
        return None
    found = record[DERIVATIONS]
    return found if isinstance(found, dict) else {}


def required(record: dict | None) -> bool:
    """Whether the brief opted in: every glued value must say how it was computed."""
    return bool((record or {}).get(REQUIRED))


def explained(entry: object) -> bool:
    """Whether an entry says how its value was computed (a formula over inputs, or the parameter or
    source a text was written from); a plain number's bare `{"kind": "number"}` does not."""
    if not isinstance(entry, dict):
        return False
    return bool(entry.get("formula") or entry.get("inputs") or entry.get("parameter") or entry.get("source"))


def missing(nb: nbformat.NotebookNode) -> list[str] | None:
    """Glue keys the page uses that its derivations lack; None when the brief did not opt in."""
    record = claims_record(nb)
    if not required(record):
        return None
    found = derivations(nb) or {}
    return [key for key in used_keys(nb) if key not in found]


def check(path: Path, brief: str) -> None:
    """Raise BuildFailed naming every glued key of the page without a derivation."""
    lacking = missing(readback.load(path))
    if lacking:
        raise BuildFailed(
            f"{brief}: the claims record has no derivation for the glued value(s) "
            f"{', '.join(lacking)} used on its page ({path.name}); record how each was computed"
        )


def anchor(key: str) -> str:
    """The HTML id of a key's entry in the page's derivations section."""
    return derivation_anchor(key)


def number_text(value: object) -> str:
    """An input's value as a reader sees it: grouped by thousands, integers without '.0'."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def source_text(source: object) -> str:
    """Where an input comes from, in words: a document's note, the rows of a data resource, an
    official series over its months, a parameter of the run, or a constant and why."""
    if not isinstance(source, dict):
        return str(source or "")
    kind = source.get("kind")
    if kind == "figure":
        text = source.get("citation") or ", ".join(
            str(p)
            for p in (source.get("document_name") or source.get("document"), source.get("note") and f"note {source['note']}")
            if p
        )
        if source.get("cited_work"):
            text += f", citing {source['cited_work']}"
        return text
    if kind == "resource":
        text = f"data resource {source.get('resource')}"
        if source.get("path"):
            text += f" ({source['path']})"
        if source.get("rows"):
            n = source.get("n_rows")
            text += f", {source['rows']}" + (f" ({n:,} row{'s' if n != 1 else ''})" if isinstance(n, int) else "")
        if source.get("sha256"):
            text += f", sha256 {str(source['sha256'])[:12]}…"
        return text
    if kind == "series":
        text = f"official series {source.get('title') or source.get('name')}"
        if source.get("months"):
            text += f", {source['months']}"
        if source.get("column"):
            text += f", column {source['column']}"
        if source.get("where"):
            text += f", {source['where']}"
        if source.get("sha256"):
            text += f", sha256 {str(source['sha256'])[:12]}…"
        return text
    if kind == "parameter":
        return f"the run's parameter {source.get('name')}"
    if kind == "constant":
        return f"a constant: {source.get('why')}"
    return ", ".join(f"{k} {v}" for k, v in sorted(source.items()) if k != "kind")


def needs(rule: str) -> str:
    """A claim's rule ("equals 11", "within 5% of 146,000") as what a value must be ("equal to 11")."""
    if rule.startswith("equals "):
        return "equal to " + rule[len("equals ") :]
    if rule.startswith("rounds to "):
        return "that " + rule
    return rule
