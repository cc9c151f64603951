"""Check a CSV file against a Table Schema a whole column at a time, with pandas.

The official series run to tens of thousands of rows and every brief that uses
one loads it. frictionless checks row by row (about 0.8 s for the largest
series, before pandas has parsed it once), so this module checks columns as
vectors and returns the typed frame it has built on the way. It covers the part
of Table Schema the series descriptions use and refuses anything else: a
description cannot ask for a check that then silently does not happen.

Errors name the file, the row as a spreadsheet numbers it (header = row 1) and
the column, and report the first problem in the file, as `data.py` does for
the committed tables.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from briefs.errors import DataError

TYPES = ("string", "integer", "number", "yearmonth", "date")
CONSTRAINTS = ("required", "enum", "pattern", "minimum", "maximum", "unique")
_SYNTAX = {
    "integer": r"[+-]?[0-9]+",
    "yearmonth": r"[0-9]{4}-(?:0[1-9]|1[0-2])",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
_SHOWN = {"yearmonth": "month (YYYY-MM)", "date": "date (YYYY-MM-DD)"}


def display_path(path: str | os.PathLike) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule; ordered so the earliest row (then leftmost column) is reported."""

    row: int
    position: int
    column: str | None
    reason: str

    def message(self, where: str) -> str:
        place = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {place}: {self.reason}"


def read_checked(path: Path, schema: dict, where: str | None = None, described_in: str = "the schema") -> pd.DataFrame:
    """The file as a typed DataFrame, or DataError naming the first problem.

    Types: integer -> int64 (Int64 when the column has missing values),
    number -> float64, yearmonth/date -> Timestamp, string -> str with NaN
    for missing values.
    """
    where = where or display_path(path)
    fields = _fields(schema, described_in)
    names = [f["name"] for f in fields]
    raw = _read_raw(Path(path), names, where)
    missing_values = schema.get("missingValues", [""])
    problems: list[Problem] = []
    columns: dict[str, pd.Series] = {}
    for position, field in enumerate(fields):
        columns[field["name"]], found = _check_field(raw[field["name"]], field, missing_values, position, described_in)
        problems.extend(found)
    problems.extend(_check_keys(raw, schema, missing_values, len(fields), described_in))
    if problems:
        raise DataError(min(problems).message(where))
    return pd.DataFrame(columns)


# --- reading ------------------------------------------------------------------


def _fields(schema: dict, described_in: str) -> list[dict]:
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not fields or not all(isinstance(f, dict) and f.get("name") for f in fields):
        raise DataError(f"{described_in}: a table schema needs a list of named fields")
    return fields


def _read_raw(path: Path, names: list[str], where: str) -> pd.DataFrame:
    """Every cell as text, after the header has been compared with the schema."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{where}: cannot read the file: {exc.strerror or exc}") from None
    if not data.strip():
        raise DataError(f"{where}: the file is empty (expected a header row: {', '.join(names)})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise DataError(f"{where}: row {row}: not UTF-8 text (byte 0x{data[exc.start]:02x})") from None
    header = next(csv.reader(text.splitlines()[:1]), [])
    if header != names:
        raise DataError(f"{where}: row 1: {_header_problem(header, names)}")
    try:
        return pd.read_csv(
            io.StringIO(text), header=0, names=names, dtype=str, keep_default_na=False, na_filter=False, engine="c"
        )
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:
            expected, line, seen = found.groups()
            raise DataError(f"{where}: row {line}: the row has {seen} cells but the header has {expected}") from None
        raise DataError(f"{where}: not a readable CSV file: {exc}") from None


def _header_problem(header: list[str], names: list[str]) -> str:
    missing = [n for n in names if n not in header]
    extra = [h for h in header if h not in names]
    parts = []
    if missing:
        parts.append("missing column(s) " + ", ".join(repr(m) for m in missing))
    if extra:
        parts.append("unexpected column(s) " + ", ".join(repr(e) for e in extra))
    if not parts:
        repeated = sorted({h for h in header if header.count(h) > 1})
        parts.append("repeated column(s) " + ", ".join(map(repr, repeated)) if repeated else "the columns are in another order")
    return f"header does not match the description ({'; '.join(parts)}; expected: {', '.join(names)})"


# --- fields -------------------------------------------------------------------


def _first(mask: pd.Series | np.ndarray) -> int | None:
    hits = np.flatnonzero(np.asarray(mask, dtype=bool))
    return int(hits[0]) if hits.size else None


def _problem(mask, text: pd.Series, position: int, column: str, reason) -> list[Problem]:
    """A Problem at the first row where `mask` holds; `reason` gets that row's cell."""
    index = _first(mask)
    if index is None:
        return []
    return [Problem(index + 2, position, column, reason(text.iloc[index], index))]


def _check_field(
    text: pd.Series, field: dict, missing_values: list[str], position: int, described_in: str
) -> tuple[pd.Series, list[Problem]]:
    name = field["name"]
    ftype = field.get("type", "string")
    constraints = field.get("constraints", {}) or {}
    if ftype not in TYPES:
        raise DataError(f"{described_in}: field {name!r} has type {ftype!r}; the loader checks only {', '.join(TYPES)}")
    unknown = sorted(set(constraints) - set(CONSTRAINTS))
    if unknown:
        raise DataError(f"{described_in}: field {name!r} uses constraint(s) {', '.join(unknown)} that the loader does not check")

    problems: list[Problem] = []
    missing = text.isin(missing_values).to_numpy()
    if constraints.get("required"):
        problems += _problem(
            missing,
            text,
            position,
            name,
            lambda cell, _: (
                "is blank but a value is required" if cell == "" else f"{cell!r} marks a missing value, but a value is required"
            ),
        )
    present = ~missing

    if ftype in _SYNTAX:
        syntax_ok = text.str.fullmatch(_SYNTAX[ftype]).to_numpy(dtype=bool)
    else:
        syntax_ok = np.ones(len(text), dtype=bool)
    if ftype == "integer":
        values = pd.to_numeric(text.where(present & syntax_ok), errors="coerce")
        ok = syntax_ok
    elif ftype == "number":
        values = pd.to_numeric(text.where(present), errors="coerce")
        ok = values.notna().to_numpy()
    elif ftype in ("yearmonth", "date"):
        fmt = "%Y-%m" if ftype == "yearmonth" else "%Y-%m-%d"
        values = pd.to_datetime(text.where(present & syntax_ok), format=fmt, errors="coerce")
        ok = syntax_ok & values.notna().to_numpy()
    else:
        values = text.where(present) if missing.any() else text
        ok = syntax_ok
    shown = _SHOWN.get(ftype, ftype)
    problems += _problem(present & ~ok, text, position, name, lambda cell, _: f"{cell!r} is not a valid {shown}")
    checked = present & ok

    if "enum" in constraints:
        allowed = constraints["enum"]
        inside = (values.isin(allowed) if ftype in ("integer", "number") else text.isin([str(a) for a in allowed])).to_numpy()
        listed = ", ".join(map(str, allowed))
        problems += _problem(
            checked & ~inside, text, position, name, lambda cell, _: f"{cell!r} is not a known category (allowed: {listed})"
        )
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        matches = text.str.fullmatch(pattern.removeprefix("^").removesuffix("$")).to_numpy(dtype=bool)
        problems += _problem(
            checked & ~matches, text, position, name, lambda cell, _: f"{cell!r} does not match the pattern {pattern}"
        )
    for bound, below in (("minimum", True), ("maximum", False)):
        if bound in constraints:
            if ftype not in ("integer", "number"):
                raise DataError(f"{described_in}: field {name!r}: {bound} is checked only for numbers")
            limit = constraints[bound]
            beyond = (values < limit) if below else (values > limit)
            word = "below the minimum" if below else "above the maximum"
            problems += _problem(
                checked & beyond.fillna(False).to_numpy(dtype=bool),
                text,
                position,
                name,
                lambda cell, _, w=word, lim=limit: f"{cell!r} is {w} {lim}",
            )
    if constraints.get("unique"):
        repeated = text.where(checked).duplicated(keep="first").to_numpy() & checked
        problems += _problem(repeated, text, position, name, lambda cell, i: f"{cell!r} repeats row {_earlier(text, i) + 2}")

    return _typed(values, ftype, missing), problems


def _typed(values: pd.Series, ftype: str, missing: np.ndarray) -> pd.Series:
    if ftype == "integer":
        return values.astype("Int64") if missing.any() or values.isna().any() else values.astype("int64")
    if ftype == "number":
        return values.astype("float64")
    return values


def _earlier(text: pd.Series, index: int) -> int:
    return int(np.flatnonzero((text.iloc[:index] == text.iloc[index]).to_numpy())[0])


# --- keys ---------------------------------------------------------------------


def _check_keys(raw: pd.DataFrame, schema: dict, missing_values: list[str], position: int, described_in: str) -> list[Problem]:
    """Duplicate keys would double-count a series; missing key cells compare equal here, stricter than the spec."""
    keys = []
    primary = schema.get("primaryKey")
    if primary:
        keys.append(("primary key", [primary] if isinstance(primary, str) else list(primary)))
    for unique in schema.get("uniqueKeys", []) or []:
        keys.append(("unique key", [unique] if isinstance(unique, str) else list(unique)))
    problems: list[Problem] = []
    for kind, columns in keys:
        unknown = [c for c in columns if c not in raw.columns]
        if unknown:
            raise DataError(f"{described_in}: the {kind} names unknown field(s) {', '.join(unknown)}")
        if kind == "primary key":
            for offset, column in enumerate(columns):
                blank = raw[column].isin(missing_values).to_numpy()
                problems += _problem(
                    blank,
                    raw[column],
                    position + offset,
                    column,
                    lambda cell, _: f"{cell!r} is missing but the column is part of the primary key",
                )
        repeated = raw.duplicated(subset=columns, keep="first").to_numpy()
        index = _first(repeated)
        if index is not None:
            row = raw.iloc[index][columns]
            same = (raw.iloc[:index][columns] == row).all(axis=1).to_numpy()
            earlier = int(np.flatnonzero(same)[0])
            shown = ", ".join(f"{c}={row[c]!r}" for c in columns)
            problems.append(
                Problem(
                    index + 2,
                    position + len(columns),
                    None,
                    f"duplicate row: the {kind} ({shown}) already appears in row {earlier + 2}",
                )
            )
    return problems
