"""Load resources of the Frictionless data package, validated where they enter.

Every table a brief reads passes its Table Schema (types, required cells,
enums, minimums, keys) and the project's row rules before pandas sees it, so a
bad export from a spreadsheet stops the run with one line naming the file, the
row (as a spreadsheet numbers it: the header is row 1) and the column, instead
of surfacing later as a wrong number on a published page.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefs.data import descriptor as shape
from briefs.data import inwords, units, userpaths
from briefs.errors import DataError
from briefs.files import sha256
from briefs.media import ABSENT, VALIDATED_ENV
from briefs.project.paths import default_package

if TYPE_CHECKING:  # pandas is imported where a table is read or checked: planning a build needs none
    import pandas as pd

FIGURES_SCHEMA = "schemas/figures.json"

# Every file this process read as data, with its sha256: the build cache and the provenance
# block read it back from the executed notebook (see sources.show), so a brief's data
# dependencies are what it actually read, not what someone remembered to declare.
INPUTS: dict[str, str] = {}


def record_input(path: str | os.PathLike, digest: str | None = None) -> str:
    digest = digest or sha256(path)
    INPUTS[_display_path(Path(path))] = digest
    return digest


# Validation runs once per run: the process that starts a brief's kernel validates every resource
# first (`execute.run.preflight`) and passes the keys of what passed in this variable, so the
# kernel, reading the same bytes under the same schema with the same code, does not do it again.
VALIDATED: set[str] = set()


@lru_cache(maxsize=1)
def _validator_digest() -> str:
    here = Path(__file__).parent
    return "".join(sha256(here / f) for f in ("package.py", "descriptor.py", "fastcheck.py", "units.py", "inwords.py"))


def validation_key(digest: str, schema: dict) -> str:
    """What a verdict depends on: the file's bytes, its schema and the validating code."""
    text = json.dumps([digest, schema, _validator_digest()], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _trusted() -> set[str]:
    return VALIDATED | set(os.environ.get(VALIDATED_ENV, "").split())


PART = "#"  # an input "file.json#name" is the resource `name` of a JSON description, not the whole file


def part_digest(path: str | os.PathLike, name: str) -> str:
    """The sha256 of one resource of a JSON description (its `resources` entry named `name`), or ABSENT.

    A brief that reads one official series depends on that series' entry in
    `data/external.json` (its vintage, file name, title, schema), not on the
    entries of the series it never read.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        entry = next(r for r in doc.get("resources", []) if isinstance(r, dict) and r.get("name") == name)
    except (OSError, ValueError, StopIteration, AttributeError):
        return ABSENT
    return hashlib.sha256(json.dumps(entry, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def record_part(path: str | os.PathLike, name: str) -> str:
    digest = part_digest(path, name)
    INPUTS[f"{_display_path(Path(path))}{PART}{name}"] = digest
    return digest


_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "string": "string", "boolean": "boolean"}

# A resource is a transcription of printed tables: a few KB. Anything this large is the wrong
# file, and reading it would only exhaust memory before saying so.
MAX_BYTES = 64 * 2**20
# Integer columns become pandas Int64: a larger number would crash the read, not fail validation.
INT64_MAX = 2**63 - 1


def _display_path(path: Path) -> str:
    """Relative to the working directory when the file is below it (the usual case), else absolute."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Figure:
    """A number a document states, with where it states it."""

    id: str
    quantity: str
    value: float | None
    unit: str
    precision: str
    period_start: date | None
    period_end: date | None
    status: str
    document: str
    document_name: str
    location: str
    note: int | None
    cited_work: str | None
    printed: str | None = None  # the document's own words, for a quantity it states only in words

    @property
    def published(self) -> bool:
        """The document printed a number for it (a figure stated only in words has none)."""
        return self.status == "published" and self.value is not None

    @property
    def in_words(self) -> bool:
        """The document states this quantity only in words (`printed`); it has no value to compute with."""
        return self.precision == inwords.IN_WORDS

    def citation(self) -> str:
        """Short citation for prose and tables: the document and its note."""
        where = f"note {self.note}" if self.note else f"main {self.location}"
        return f"{self.document_name}, {where}"


@dataclass
class Package:
    """A validated view of `datapackage.json`; remembers which resources a brief read."""

    path: Path
    descriptor: dict
    loaded: dict[str, str] = field(default_factory=dict)  # resource name -> sha256
    passed: dict[str, str] = field(default_factory=dict)  # resource name -> its validation key (`validation_key`)
    cited: dict[str, Figure] = field(default_factory=dict)  # figure id -> figure, in order of use
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _figure_index: dict[str, tuple[set, set] | None] | None = field(default=None, repr=False)
    _rows: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)  # resource -> figure id -> its row
    _documents: dict[str, dict] | None = field(default=None, repr=False)

    @property
    def base(self) -> Path:
        return self.path.parent

    def resource_names(self) -> list[str]:
        return [r["name"] for r in self.descriptor.get("resources", [])]

    def resource(self, name: str) -> dict:
        for res in self.descriptor.get("resources", []):
            if res.get("name") == name:
                return res
        known = ", ".join(self.resource_names())
        raise DataError(f"{_display_path(self.path)}: no resource named {name!r} (known: {known})")

    def resource_path(self, name: str) -> Path:
        res = self.resource(name)
        rel = res.get("path")
        if not isinstance(rel, str) or not rel:
            raise DataError(f"{_display_path(self.path)}: resource {name!r} has no path")
        if re.match(r"^[a-z][a-z0-9+.-]*://", rel, re.I):
            raise DataError(
                f"{_display_path(self.path)}: resource {name!r} points at {rel}; resources must be local files "
                "(builds never use the network)"
            )
        path = (self.base / rel).resolve()
        if not path.is_relative_to(self.base.resolve()):
            raise DataError(f"{_display_path(self.path)}: resource {name!r} points at {rel}, outside the data package folder")
        if not path.exists():
            raise DataError(f"{_display_path(self.path)}: resource {name!r} points at missing file {rel}")
        problem = userpaths.kind_problem(path.stat().st_mode)
        if problem:
            raise DataError(f"{_display_path(self.path)}: resource {name!r} points at {rel}, {problem}")
        return path

    def schema(self, name: str) -> dict:
        schema = self.resource(name).get("schema")
        if isinstance(schema, str):
            schema_path = self.base / schema
            try:
                record_input(schema_path)
                loaded = json.loads(schema_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise DataError(f"{_display_path(schema_path)}: cannot read schema of {name!r}: {exc}") from None
            shape.check_schema(loaded, _display_path(schema_path), name)
            return loaded
        if not isinstance(schema, dict):
            raise DataError(f"{_display_path(self.path)}: resource {name!r} has no table schema")
        return schema

    def table(self, name: str) -> pd.DataFrame:
        """The resource as a DataFrame, after validation; dates become Timestamps."""
        return self._kept(name).copy()

    def _kept(self, name: str) -> pd.DataFrame:
        """The resource as read once and kept: for the lookups here, which never change it (a brief
        gets a copy from `table`, which it may change as it likes)."""
        if name not in self._cache:
            path = self.resource_path(name)
            check_size(path)
            digest = record_input(path)
            self._check_hash(name, path, digest)
            schema = self.schema(name)
            key = validation_key(digest, schema)
            if key not in _trusted():  # validated already in this run, by the process that started the kernel
                validate_table(path, schema, empty_ok=self.resource(name).get("schema") == FIGURES_SCHEMA)
                VALIDATED.add(key)
            self.passed[name] = key
            self._cache[name] = _read(path, schema)
            self.loaded[name] = digest
        return self._cache[name]

    def _check_hash(self, name: str, path: Path, digest: str) -> None:
        declared = self.resource(name).get("hash")
        if declared:
            algo, _, expected = declared.rpartition(":")
            if algo not in ("", "sha256"):
                raise DataError(f"{_display_path(self.path)}: resource {name!r} hash must be sha256, got {algo}")
            if expected != digest:
                raise DataError(f"{_display_path(path)}: sha256 is {digest}, but the data package declares {expected}")

    def figure_resources(self) -> list[str]:
        return [r["name"] for r in self.descriptor.get("resources", []) if r.get("schema") == FIGURES_SCHEMA]

    def _figure_holders(self, figure_id: str | None = None, document: str | None = None) -> list[str]:
        """The figures resources that hold a figure id or rows of a document, found without reading
        the others as data: a brief depends only on the figures files it actually used.

        The index reads two columns of each file with the csv module and records
        nothing; a file it cannot read that way is counted as a holder, so that
        `table` reads and validates it and reports its problem.
        """
        if self._figure_index is None:
            index: dict[str, tuple[set, set] | None] = {}
            for name in self.figure_resources():
                try:
                    with open(self.resource_path(name), newline="", encoding="utf-8") as handle:
                        rows = list(csv.DictReader(handle))
                    index[name] = ({row["id"] for row in rows}, {row["document"] for row in rows})
                except (OSError, UnicodeDecodeError, csv.Error, KeyError, TypeError):
                    index[name] = None
            self._figure_index = index
        return [
            name
            for name, entry in self._figure_index.items()
            if entry is None or ((figure_id is None or figure_id in entry[0]) and (document is None or document in entry[1]))
        ]

    def figures(self, document: str | None = None) -> pd.DataFrame:
        """The figures of one document (reading only the resources that hold it), or of every document."""
        import pandas as pd

        names = self._figure_holders(document=document) if document is not None else self.figure_resources()
        frames = [self.table(name) for name in names]
        figs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if document is not None and not figs.empty:
            figs = figs[figs["document"] == document].reset_index(drop=True)
        return figs

    def documents(self) -> dict[str, dict]:
        return {key: dict(row) for key, row in self._document_records().items()}

    def _document_records(self) -> dict[str, dict]:
        """The documents table by id, turned into records once (`documents` hands out copies)."""
        if self._documents is None:
            self._documents = {row["id"]: row for row in self._kept("documents").to_dict("records")}
        return self._documents

    def _row_of(self, name: str, figure_id: str) -> pd.Series | None:
        """The first row of resource `name` with that figure id (found through an index made once)."""
        table = self._kept(name)
        if name not in self._rows:
            rows: dict[str, int] = {}
            for position, value in enumerate(table["id"]):
                rows.setdefault(value, position)
            self._rows[name] = rows
        position = self._rows[name].get(figure_id)
        return None if position is None else table.iloc[position]

    def figure(self, figure_id: str) -> Figure:
        """One figure, read from the resource that holds it (only that one is recorded as an input)."""
        import pandas as pd

        found = []
        for name in self._figure_holders(figure_id=figure_id):
            row = self._row_of(name, figure_id)
            if row is not None:
                found.append((name, row))
        if not found:
            raise DataError(
                f"{_display_path(self.path)}: no figure with id {figure_id!r} in {', '.join(self.figure_resources())}"
            )
        if len(found) > 1:
            raise DataError(
                f"{_display_path(self.path)}: figure id {figure_id!r} appears in {found[0][0]} and {found[1][0]}; "
                "an id must name one figure"
            )
        row = found[0][1]
        doc = self._document_records().get(row["document"], {})

        def opt(value: Any) -> Any:
            return None if pd.isna(value) else value

        def day(value: Any) -> date | None:
            return None if pd.isna(value) else value.date()

        fig = Figure(
            id=row["id"],
            quantity=row["quantity"],
            value=None if pd.isna(row["value"]) else float(row["value"]),
            unit=row["unit"],
            precision=row["precision"],
            period_start=day(row["period_start"]),
            period_end=day(row["period_end"]),
            status=row["status"],
            document=row["document"],
            document_name=doc.get("short_name", f"document {row['document']}"),
            location=row["location"],
            note=None if pd.isna(row["note"]) else int(row["note"]),
            cited_work=opt(row["cited_work"]),
            printed=opt(row["printed"]) if "printed" in row else None,
        )
        self.cited.setdefault(fig.id, fig)
        return fig


def load_package(path: str | os.PathLike | None = None) -> Package:
    """Open a data package (default: the project's `data/datapackage.json`)."""
    pkg_path = Path(path) if path else default_package()
    pkg_path, problem = userpaths.descriptor_problem(pkg_path.resolve())
    if problem == "no such file or folder":
        raise DataError(f"{_display_path(pkg_path)}: data package not found")
    if problem:
        raise DataError(f"{_display_path(pkg_path)}: not a data package ({problem})")
    descriptor = shape.read(
        pkg_path,
        _display_path(pkg_path),
        missing="data package not found",
        unreadable="not a readable data package",
        shape="a data package needs a list of resources",
    )
    shape.check_package(descriptor, _display_path(pkg_path))
    record_input(pkg_path)
    return Package(pkg_path, descriptor)


# --- validation -----------------------------------------------------------

_BOMS = [
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xef\xbb\xbf", "UTF-8"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
]
_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _show(cell: Any, limit: int = 40) -> str:
    """A cell quoted as in Python, control characters escaped, cut short: messages stay one line."""
    text = repr(cell)
    return text if len(text) <= limit else f"{text[: limit - 2]}…{text[0]}"


def _cells(n: int) -> str:
    return f"{n} cell" if n == 1 else f"{n} cells"


def check_size(path: Path, limit: int = MAX_BYTES) -> None:
    """Refuse a file too large to be a transcribed table before reading a byte of it."""
    size = path.stat().st_size
    if size > limit:
        raise DataError(
            f"{_display_path(path)}: the file is {size / 2**20:,.0f} MiB, over the {limit / 2**20:,.0f} MiB "
            "limit for a data resource, so it was not read (is it the right file?)"
        )


def _not_utf8(raw: bytes, pos: int, names: list[str]) -> str:
    """Where an undecodable byte sits (row and column), and what the file probably is instead."""
    row = raw.count(b"\n", 0, pos) + 1
    line_start = raw.rfind(b"\n", 0, pos) + 1
    prefix = raw[line_start:pos].decode("utf-8", errors="replace")
    col = max(len(next(csv.reader([prefix]), [])) - 1, 0)
    header = next(csv.reader([raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")]), [])
    column = header[col] if col < len(header) else names[col] if col < len(names) else f"#{col + 1}"
    try:
        raw.decode("cp1252")
        guess = "the file looks like Windows-1252 (Latin-1) text"
    except UnicodeDecodeError:
        guess = "the file is not UTF-8 text"
    place = f"row {row}" if row == 1 else f"row {row}, column {column}"
    return f"{place}: byte 0x{raw[pos]:02x} is not valid UTF-8; {guess}: save it as UTF-8"


def _records(path: Path, schema: dict) -> list[list[str]]:
    """The file's rows as text, after the checks a spreadsheet export most often fails.

    Frictionless reports these far from their cause (a semicolon export is "a
    header missing three columns", a Latin-1 byte is a decoder error, an
    unclosed quote swallows the rest of the file into one cell), so each gets
    a message that says what is wrong with the file and how to fix it.
    """
    where = _display_path(path)
    names = [f["name"] for f in schema.get("fields", [])]
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(f"{where}: the file is empty (expected a header row: {', '.join(names)})")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            if encoding == "UTF-8":
                raise DataError(
                    f"{where}: the file starts with a byte-order mark (BOM), as some spreadsheet exports write; "
                    "save it as UTF-8 without a BOM"
                )
            raise DataError(f"{where}: the file is encoded as {encoding}; save it as UTF-8 (without a byte-order mark)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{where}: {_not_utf8(raw, exc.start, names)}") from None
    quoted = '"' in text
    if not quoted and text.count("\r") == text.count("\r\n"):
        return _plain_records(text, names, where)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    last_line = 0
    try:
        for record in reader:
            rows.append(record)
            row, first_line, last_line = len(rows), last_line + 1, reader.line_num
            header = rows[0]
            if row == 1 and len(record) == 1 and len(names) > 1:
                for sep, word in _DELIMITERS.items():
                    if sep in record[0]:
                        raise DataError(
                            f"{where}: row 1: the columns are separated by {word}, not commas; "
                            f"export the file as comma-separated CSV (expected columns: {', '.join(names)})"
                        )
            for col, cell in enumerate(record if quoted else ()):  # only a quoted cell can span lines
                if "\n" in cell or "\r" in cell:
                    column = header[col] if col < len(header) else f"#{col + 1}"
                    raise DataError(
                        f"{where}: row {row}, column {column}: a quoted cell runs from line {first_line} to line "
                        f"{last_line}; a quote is probably not closed (cells may not span lines)"
                    )
            if row > 1 and record and header == names and len(record) != len(names):
                hint = "a missing cell or comma?" if len(record) < len(names) else "a comma inside a cell that is not quoted?"
                raise DataError(f"{where}: row {row}: the row has {_cells(len(record))} but the header has {len(names)} ({hint})")
    except csv.Error as exc:
        raise DataError(f"{where}: row {len(rows) + 1}: {exc}") from None
    return rows


def _plain_records(text: str, names: list[str], where: str) -> list[list[str]]:
    """`_records` for a file with no quotes and no lone carriage returns: each line split at commas,
    as the csv module would, at a fraction of the cost for a large file."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows = [line.split(",") if line else [] for line in lines]
    if len(rows[0]) == 1 and len(names) > 1:
        for sep, word in _DELIMITERS.items():
            if sep in rows[0][0]:
                raise DataError(
                    f"{where}: row 1: the columns are separated by {word}, not commas; "
                    f"export the file as comma-separated CSV (expected columns: {', '.join(names)})"
                )
    if rows[0] == names:
        for row, record in enumerate(rows[1:], start=2):
            if record and len(record) != len(names):
                hint = "a missing cell or comma?" if len(record) < len(names) else "a comma inside a cell that is not quoted?"
                raise DataError(f"{where}: row {row}: the row has {_cells(len(record))} but the header has {len(names)} ({hint})")
    return rows


def _bounded(schema: dict) -> dict:
    """The schema as validated: integer columns also bounded by what the read can hold."""
    out = json.loads(json.dumps(schema))
    for f in out.get("fields", []):
        if f.get("type") == "integer":
            constraints = f.setdefault("constraints", {})
            constraints.setdefault("maximum", INT64_MAX)
            constraints.setdefault("minimum", -INT64_MAX - 1)
    return out


def _describe(error: Any, schema: dict) -> tuple[int | None, str | None, str]:
    """Turn a frictionless error into (row, column, short reason)."""
    kind = error.type
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None) or getattr(error, "label", None)
    cell = getattr(error, "cell", None)
    note = getattr(error, "note", "") or ""
    fields = {f["name"]: f for f in schema.get("fields", [])}
    if kind == "type-error":
        ftype = fields.get(column, {}).get("type", "value")
        fmt = " (YYYY-MM-DD)" if ftype == "date" else ""
        return row, column, f"{_show(cell)} is not a valid {ftype}{fmt}"
    if kind == "constraint-error":
        constraints = fields.get(column, {}).get("constraints", {})
        if '"required"' in note:
            return row, column, "is blank but a value is required"
        if '"minimum"' in note:
            return row, column, f"{_show(cell)} is below the minimum {constraints.get('minimum')}"
        if '"maximum"' in note:
            return row, column, f"{_show(cell)} is above the maximum {constraints.get('maximum')}"
        if '"enum"' in note:
            allowed = ", ".join(map(str, constraints.get("enum", [])))
            return row, column, f"{_show(cell)} is not a known category (allowed: {allowed})"
        if '"pattern"' in note:
            return row, column, f"{_show(cell)} does not match the pattern {constraints.get('pattern')}"
        if '"unique"' in note:
            return row, column, f"{_show(cell)} repeats a value that must be unique"
    if kind == "unique-error":
        earlier = re.search(r"position \"?(\d+)", note)
        where = f"row {earlier.group(1)}" if earlier else "an earlier row"
        return row, column, f"{_show(cell)} repeats {where} (values in this column must be unique)"
        return row, column, f"{_show(cell)} breaks a constraint: {note}"
    if kind == "missing-cell":
        return row, column, "the row has no cell for this column"
    if kind == "extra-cell":
        return row, None, "the row has more cells than the header"
    if kind in ("missing-label", "extra-label", "incorrect-label", "duplicate-label", "blank-label"):
        expected = ", ".join(fields)
        label = getattr(error, "label", None)
        field_name = getattr(error, "field_name", None)
        if kind == "missing-label":
            reason = f"the header has no column {field_name!r}"
        elif kind == "extra-label":
            reason = f"the header has an unexpected column {label!r}"
        elif kind == "incorrect-label":
            reason = f"the header has {label!r} where the schema expects {field_name!r}"
        else:
            reason = f"the header has a {kind.replace('-', ' ')}"
        return 1, field_name or label, f"{reason} (expected columns: {expected})"
    earlier = re.search(r'position "?(\d+)', note)
    if kind == "primary-key":
        key = schema.get("primaryKey") or []
        key = [key] if isinstance(key, str) else key
        if earlier:
            return row, None, f"duplicate row: the same {', '.join(key)} as row {earlier.group(1)}"
        return row, None, "duplicate row (same key as an earlier row)"
    if kind == "duplicate-row":
        return row, None, f"duplicate row: every cell the same as row {earlier.group(1)}" if earlier else "duplicate row"
    if kind == "blank-row":
        return row, None, "the row is blank"
    if kind == "row-constraint":
        cells = getattr(error, "cells", None) or []
        names = list(fields)
        if len(cells) == len(names) and "period_start" in names and "period_end" in names:
            start, end = cells[names.index("period_start")], cells[names.index("period_end")]
            return row, "period_end", f"{end} is before period_start {start}"
        return row, None, "period_end is before period_start"
    return row, column, (note or error.message)


def _row_rules(rows: list[list[str]], schema: dict, where: str, table: pd.DataFrame | None = None) -> None:
    """Rules between cells and rows that Table Schema cannot state.

    Numbers are finite (a 'NaN' would otherwise pass as an unpublished value).
    Periods of the same category never overlap: the primary key already stops
    two rows starting on the same day, but a month entered twice with shifted
    dates would still double-count people in every total. A count in a unit
    with a floor is never negative (`units`). Each rule reads whole columns, and
    each distinct cell once, so a large resource costs seconds.
    """
    import numpy as np
    import pandas as pd

    from briefs.data import fastcheck

    fields = schema.get("fields", [])
    names = [f["name"] for f in fields]
    frame = fastcheck.frame(rows, names) if table is None else table
    if frame.empty:
        return
    for f in fields:
        if f.get("type") != "number" or f["name"] not in frame:
            continue
        column = frame[f["name"]].fillna("").astype(str)
        bad = set()
        for cell in column.unique():
            try:
                if cell.strip() and not math.isfinite(float(cell.strip())):
                    bad.add(cell)
            except ValueError:
                pass  # frictionless has already accepted it in some other notation
        if bad:
            n = column[column.isin(bad)].index[0]
            raise DataError(f"{where}: row {n}, column {f['name']}: {_show(frame.at[n, f['name']])} is not a finite number")
    floor = units.check_rows(rows, names, where) or inwords.check_rows(rows, names, where)
    if floor:
        raise DataError(floor)
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    if "period_start" not in key or "period_end" not in names:
        return
    group = [c for c in key if c != "period_start"]
    days: dict[str, date | None] = {}
    for cell in pd.unique(frame[["period_start", "period_end"]].to_numpy().ravel()):
        try:
            days[cell] = date.fromisoformat(str(cell).strip())
        except ValueError:
            days[cell] = None
    spans = pd.DataFrame({"start": frame["period_start"].map(days), "end": frame["period_end"].map(days), "row": frame.index})
    for c in group:
        spans[c] = frame[c]
    spans = spans[spans.start.notna() & spans.end.notna()]
    if spans.empty:
        return
    spans = spans.sort_values([*group, "start", "end", "row"], kind="stable")
    prev = spans.shift(1)
    same = pd.Series(True, index=spans.index)
    for c in group:
        same &= spans[c].to_numpy() == prev[c].to_numpy()
    clash = (
        same
        & prev["start"].notna()
        & pd.Series([s is not None and e is not None and s <= e for s, e in zip(spans.start, prev.end)], index=spans.index)
    )
    if not clash.any():
        return
    found = []
    for i in np.flatnonzero(clash.to_numpy()):
        a, b = prev.iloc[i], spans.iloc[i]
        (sa, ea, ra), (sb, eb, rb) = sorted([(a.start, a.end, int(a.row)), (b.start, b.end, int(b.row))], key=lambda t: t[2])
        same_text = ", ".join(f"{c} {b[c]!r}" for c in group)
        found.append((rb, f"{sb} to {eb} overlaps {sa} to {ea} in row {ra}" + (f" (same {same_text})" if same_text else "")))
    row, reason = min(found)
    raise DataError(f"{where}: row {row}, column period_start: {reason}")


def validate_table(path: Path, schema: dict, *, empty_ok: bool = True) -> None:
    """Raise DataError naming the first problem in the file, or return quietly.

    `empty_ok`: a file with a header and no rows is valid (a new brief's figures start so);
    otherwise it is refused, since every sum and share computed from it would be empty.
    """
    from briefs.data import fastcheck

    where = _display_path(path)
    rows = _records(path, schema)
    if not empty_ok and len(rows) == 1:
        raise DataError(f"{where}: the file has a header but no rows of data")
    bounded = _bounded(schema)
    names = [f["name"] for f in schema.get("fields", [])]
    table = fastcheck.frame(rows, names) if rows[0] == names else None
    try:
        suspect = fastcheck.first_suspect(rows, bounded, table)
    except fastcheck.Unsupported:
        suspect = 0  # check the whole file the slow way
    if suspect is None:
        _row_rules(rows, schema, where, table)
        return
    if suspect:
        raw = path.read_bytes()
        with tempfile.TemporaryDirectory(prefix="briefs-check-") as tmp:
            part = Path(tmp) / path.name
            if suspect > 2:
                # The suspect row alone, after the header: a fault of its own cells is the first fault of
                # the file (no earlier row can have one), at its own row number.
                lines = raw.splitlines(keepends=True)
                part.write_bytes(lines[0] + lines[suspect - 1])
                _frictionless(part, rows[:1] + rows[suspect - 1 : suspect], schema, bounded, where, rules=False, alone=suspect)
            # A fault between rows (a repeated key or row) needs the rows before it.
            part.write_bytes(fastcheck.prefix(raw, suspect))
            _frictionless(part, rows[:suspect], schema, bounded, where, rules=False)
    _frictionless(path, rows, schema, bounded, where)


# Faults Frictionless finds in a row by itself, reported before any it finds between rows.
_CELL_FAULTS = {"type-error", "constraint-error", "missing-cell", "extra-cell", "blank-row"}


def _frictionless(
    path: Path, rows: list[list[str]], schema: dict, bounded: dict, where: str, rules: bool = True, alone: int | None = None
) -> None:
    """Frictionless's verdict on the file at `path` (whose rows are `rows`), then (`rules`) the row rules.
    `alone`: the file is the header and that row of the real file only; a fault of that row's own
    cells is reported at its real number, and anything else is left to the callers' next check."""
    import frictionless
    from frictionless import Checklist, Resource, Schema, checks

    names = [f["name"] for f in schema.get("fields", [])]
    row_checks = [checks.duplicate_row()]
    if "period_start" in names and "period_end" in names:
        row_checks.append(
            checks.row_constraint(formula="period_start is None or period_end is None or period_start <= period_end")
        )
    try:
        resource = Resource(
            path=path.name,
            basepath=str(path.parent),
            schema=Schema.from_descriptor(bounded),
            format="csv",
            encoding="utf-8",
        )
        report = resource.validate(checklist=Checklist(checks=row_checks), limit_errors=1)
    except frictionless.FrictionlessException as exc:
        raise DataError(f"{where}: {exc.error.message}") from None
    if report.valid:
        if rules:
            _row_rules(rows, schema, where)
        return
    errors = [e for task in report.tasks for e in task.errors] or report.errors
    if alone is not None:
        if errors[0].type not in _CELL_FAULTS or getattr(errors[0], "row_number", None) != 2:
            return
    row, column, reason = _describe(errors[0], bounded)
    if alone is not None:
        row = alone
    place = ", ".join(p for p in (f"row {row}" if row else None, f"column {column}" if column else None) if p)
    raise DataError(f"{where}: {place + ': ' if place else ''}{reason}")


def _read(path: Path, schema: dict) -> pd.DataFrame:
    import pandas as pd

    fields = schema.get("fields", [])
    dtypes = {f["name"]: _PANDAS_TYPES.get(f.get("type", "string"), "string") for f in fields}
    dates = [f["name"] for f in fields if f.get("type") in ("date", "datetime")]
    frame = pd.read_csv(
        path,
        dtype={k: v for k, v in dtypes.items() if k not in dates},
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )
    for name in dates:
        frame[name] = pd.to_datetime(frame[name], format="ISO8601")
    return frame
