"""A whole-column pass over a table that finds the first row Frictionless could reject, in seconds.

Frictionless checks a file cell by cell in Python: a 50 MB resource takes
minutes. This pass checks the same schema a column at a time (pandas string
operations, one parse of each distinct date) and errs on the strict side: it
may suspect a row Frictionless would accept (a number written `1e3`, a
leading `+`), never the reverse. So a file it passes is valid; for a file it
does not, Frictionless reads only the rows up to the first suspect one and
says exactly what is wrong there, and when even that finds nothing the whole
file goes to Frictionless as before. A schema using anything this pass does not
know (other types, formats, missing values other than the empty cell) raises
`Unsupported`, and the file goes to Frictionless whole.
"""

from __future__ import annotations

import re
from datetime import date
import numpy as np
import pandas as pd

INTEGER = r"0|-?[1-9][0-9]{0,17}"  # at most 18 digits: always inside int64, so bounds compare exactly
NUMBER = r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?"  # exact enough as a float to compare with bounds and itself
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
TRUE, FALSE = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")
_FIELD_KEYS = {"name", "type", "constraints", "description", "title", "format", "example", "rdfType"}
_KNOWN = {"required", "unique", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength"}
_SCHEMA_KEYS = {"fields", "primaryKey", "description", "title", "foreignKeys", "missingValues"}
DEFAULT_MISSING = [""]  # Table Schema's default: only an empty cell is missing, as in this pass


class Unsupported(Exception):
    """The schema asks for something this pass does not check; Frictionless must read the file."""


def first_suspect(rows: list[list[str]], schema: dict, table: pd.DataFrame | None = None) -> int | None:
    """The spreadsheet row number (header = 1) of the first row that may break `schema`, or None if none can."""
    if set(schema) - _SCHEMA_KEYS or schema.get("foreignKeys") or schema.get("missingValues", DEFAULT_MISSING) != DEFAULT_MISSING:
        raise Unsupported("schema keys")
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    if not rows or rows[0] != names:
        return 1
    body = rows[1:]
    if not body:
        return None
    if any(len(r) != len(names) for r in body):
        if any(not r for r in body):
            raise Unsupported("empty lines")  # Frictionless numbers rows around them its own way
        return 2 + next(i for i, r in enumerate(body) if len(r) != len(names))
    raw = frame(rows, names) if table is None else table
    bad = np.zeros(len(raw), dtype=bool)
    parsed: dict[str, pd.Series] = {}
    for field in fields:
        column = raw[field["name"]].astype(str)
        suspect, value = _column(field, column)
        bad |= suspect.to_numpy()
        parsed[field["name"]] = value
    bad |= (raw == "").all(axis=1).to_numpy()  # a blank row
    values = pd.DataFrame(parsed)
    for field in fields:
        if field.get("constraints", {}).get("unique"):
            col = values[field["name"]]
            bad |= (col.duplicated(keep="first") & col.notna()).to_numpy()
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    if key:
        bad |= values[key].isna().any(axis=1).to_numpy()
        bad |= values.duplicated(subset=key, keep="first").to_numpy()
    bad |= values.duplicated(keep="first").to_numpy()
    if "period_start" in values and "period_end" in values:
        start, end = values["period_start"].to_numpy(), values["period_end"].to_numpy()
        for i in np.flatnonzero(values["period_start"].notna().to_numpy() & values["period_end"].notna().to_numpy()):
            if start[i] > end[i]:
                bad[i] = True
                break  # the first is all that is reported
    hits = np.flatnonzero(bad)
    return int(raw.index[hits[0]]) if len(hits) else None


def frame(rows: list[list[str]], names: list[str]) -> pd.DataFrame:
    """The data rows as text columns indexed by spreadsheet row (empty lines left out).
    Rows are cut or padded to the header's length."""
    width = len(names)
    if all(len(rec) == width for rec in rows[1:]):
        columns = list(zip(*rows[1:])) or [()] * width
        index = range(2, len(rows) + 1)
    else:
        numbered = [(n, rec) for n, rec in enumerate(rows[1:], start=2) if rec]
        fitted = [(rec + [""] * len(names))[: len(names)] for _, rec in numbered]
        columns = list(zip(*fitted)) or [()] * len(names)
        index = [n for n, _ in numbered]
    return pd.DataFrame({name: np.array(col, dtype=object) for name, col in zip(names, columns)}, index=index)


def _column(field: dict, column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(rows that may be invalid, parsed values with missing cells as None) for one field."""
    if set(field) - _FIELD_KEYS or field.get("format", "default") != "default":
        raise Unsupported(f"field {field['name']}")
    constraints = field.get("constraints", {})
    if set(constraints) - _KNOWN:
        raise Unsupported(f"constraints of {field['name']}")
    kind = field.get("type", "string")
    missing = column == ""
    suspect = missing & bool(constraints.get("required"))
    present = ~missing
    if kind == "string":
        value = column.where(present, None)
        enum = constraints.get("enum")
        if enum is not None:
            if not all(isinstance(v, str) for v in enum):
                raise Unsupported("enum")
            suspect |= present & ~column.isin(enum)
        if "pattern" in constraints:
            suspect |= present & ~_matches(column, constraints["pattern"])
        lengths = column.map(len)
        if "minLength" in constraints:
            suspect |= present & (lengths < constraints["minLength"])
        if "maxLength" in constraints:
            suspect |= present & (lengths > constraints["maxLength"])
        return suspect, value
    if (
        constraints.get("enum") is not None
        or "pattern" in constraints
        or "minLength" in constraints
        or "maxLength" in constraints
    ):
        raise Unsupported(f"constraints of {field['name']}")
    if kind in ("integer", "number"):
        shape = _matches(column, INTEGER if kind == "integer" else NUMBER)
        suspect |= present & ~shape
        ok = present & shape
        numbers = pd.Series(np.nan, index=column.index, dtype=float)
        numbers[ok] = column[ok].map({t: float(t) for t in column[ok].unique()})
        if "minimum" in constraints:
            suspect |= ok & (numbers < constraints["minimum"])
        if "maximum" in constraints:
            suspect |= ok & (numbers > constraints["maximum"])
        return suspect, numbers.astype(object).where(ok, None)
    if kind == "date":
        if "minimum" in constraints or "maximum" in constraints:
            raise Unsupported("date bounds")
        days = {}
        for text in column[present & _matches(column, ISO_DATE)].unique():
            try:
                days[text] = date.fromisoformat(text)
            except ValueError:
                pass
        value = column.map(days)
        suspect |= present & value.isna()
        return suspect, value.astype(object).where(value.notna(), None)
    if kind == "boolean":
        if "minimum" in constraints or "maximum" in constraints:
            raise Unsupported("boolean bounds")
        truth = {**{t: True for t in TRUE}, **{f: False for f in FALSE}}
        value = column.map(truth)
        suspect |= present & value.isna()
        return suspect, value.astype(object).where(value.notna(), None)
    raise Unsupported(f"type {kind}")


def _matches(column: pd.Series, pattern: str) -> pd.Series:
    """Which cells match `pattern` whole; each distinct text is matched once."""
    compiled = re.compile(pattern)
    good = [text for text in column.unique() if compiled.fullmatch(text)]
    return column.isin(good)


def prefix(raw: bytes, rows: int) -> bytes:
    """The first `rows` lines of a file: its header and the data rows up to the suspect one
    (cells never span lines: `package._records` refuses those first)."""
    return b"".join(raw.splitlines(keepends=True)[:rows])
