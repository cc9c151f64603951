"""How each glued value was computed, in the form the outputs lock keeps and reviews compare.

A brief's claims record holds a derivation for every glued value (`page.lineage`): the
formula in words and symbols, the inputs with their values, units, periods and sources. The
lock keeps what says *how* a number is computed, not the numbers themselves (those are in
claims.csv and values.csv): the formula in words, the unit, the period, and each input's label
and source without its value or file hash. A data change therefore moves values.csv, and only
a change in the computation (another formula, another input, another figure or series) moves
derivations.csv, which is what a reviewer needs to see separately.
"""

from __future__ import annotations

from typing import Any

from briefs.review.numbers import cell

COLUMNS = ["key", "claim", "label", "formula", "unit", "period", "inputs"]

# Source fields that change with the data rather than with the computation.
_VOLATILE = {"sha256", "bytes", "value"}


def source_text(source: Any) -> str:
    """An input's source, short and stable: what it is and where (no hash, no value)."""
    if not isinstance(source, dict):
        return str(source or "")
    kind = source.get("kind")
    if kind == "figure":
        return f"figure {source.get('figure')} ({source.get('citation') or source.get('document')})"
    if kind == "resource":
        return f"resource {source.get('resource')} ({source.get('rows') or 'every row'})"
    if kind == "series":
        where = f", {source['where']}" if source.get("where") else ""
        column = f", column {source['column']}" if source.get("column") else ""
        return f"series {source.get('name')} ({source.get('months') or 'no months'}{column}{where})"
    if kind == "parameter":
        return f"parameter {source.get('name')}"
    if kind == "constant":
        return f"constant ({source.get('why')})"
    fields = ", ".join(
        f"{k} {v}" for k, v in sorted(source.items()) if k != "kind" and k not in _VOLATILE and v not in (None, "")
    )
    return f"{kind or 'source'}: {fields}" if fields else str(kind or "")


def row(key: str, record: Any) -> dict[str, str]:
    """One line of derivations.csv for a glued key."""
    rec = record if isinstance(record, dict) else {}
    inputs = rec.get("inputs") or []
    if not inputs and rec.get("source"):  # a glued text that names what it was written from
        inputs = [{"label": rec.get("parameter") or "", "source": rec["source"]}]
    elif not inputs and rec.get("parameter"):
        inputs = [{"label": rec["parameter"], "source": {"kind": "parameter", "name": rec["parameter"]}}]
    line = {
        "key": key,
        "claim": str(rec.get("claim") or ""),
        "label": str(rec.get("label") or ""),
        "formula": str(rec.get("formula") or rec.get("kind") or ""),
        "unit": str(rec.get("unit") or ""),
        "period": str(rec.get("period") or ""),
        "inputs": "; ".join(
            " ".join(p for p in (str(i.get("label") or ""), f"[{source_text(i.get('source'))}]") if p.strip("[]"))
            for i in inputs
            if isinstance(i, dict)
        ),
    }
    return {k: cell(v) for k, v in line.items()}  # as the lock writes it, so a run and a lock compare equal


def rows(derivations: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Every glued key's line, in key order."""
    return {key: row(key, derivations[key]) for key in sorted(derivations)}


def text(line: dict[str, str]) -> str:
    """A line as one sentence for a change report: the formula, then what it reads."""
    out = line.get("formula", "")
    if line.get("unit"):
        out += f" ({line['unit']})"
    if line.get("inputs"):
        out += f", from {line['inputs']}"
    return out
