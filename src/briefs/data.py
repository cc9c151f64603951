"""Load resources of the Frictionless data package, validated where they enter.

Every table a brief reads passes its Table Schema (types, required cells,
enums, minimums, keys) and the project's row rules before pandas sees it, so a
bad export from a spreadsheet stops the run with one line naming the file, the
row (as a spreadsheet numbers it: the header is row 1) and the column, instead
of surfacing later as a wrong number on a published page.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataError
from .paths import default_package

FIGURES_SCHEMA = "schemas/figures.json"

INPUTS_MIME = "application/vnd.briefs.inputs+json"

# Every file this process read as data, with its sha256: the build cache and the provenance
# block read it back from the executed notebook (see sources.show), so a brief's data
# dependencies are what it actually read, not what someone remembered to declare.
INPUTS: dict[str, str] = {}
ABSENT = "absent"  # recorded for an optional input (an official series) that was not there


def record_input(path: str | os.PathLike, digest: str | None = None) -> str:
    digest = digest or sha256(path)
    INPUTS[_display_path(Path(path))] = digest
    return digest


_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "string": "string", "boolean": "boolean"}


def sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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

    @property
    def published(self) -> bool:
        return self.status == "published" and self.value is not None

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
    cited: dict[str, Figure] = field(default_factory=dict)  # figure id -> figure, in order of use
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

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
        path = (self.base / rel).resolve()
        if not path.is_file():
            raise DataError(f"{_display_path(self.path)}: resource {name!r} points at missing file {rel}")
        return path

    def schema(self, name: str) -> dict:
        schema = self.resource(name).get("schema")
        if isinstance(schema, str):
            schema_path = self.base / schema
            try:
                record_input(schema_path)
                return json.loads(schema_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise DataError(f"{_display_path(schema_path)}: cannot read schema of {name!r}: {exc}") from None
        if not isinstance(schema, dict):
            raise DataError(f"{_display_path(self.path)}: resource {name!r} has no table schema")
        return schema

    def table(self, name: str) -> pd.DataFrame:
        """The resource as a DataFrame, after validation; dates become Timestamps."""
        if name not in self._cache:
            path = self.resource_path(name)
            digest = record_input(path)
            self._check_hash(name, path, digest)
            schema = self.schema(name)
            validate_table(path, schema)
            self._cache[name] = _read(path, schema)
            self.loaded[name] = digest
        return self._cache[name].copy()

    def _check_hash(self, name: str, path: Path, digest: str) -> None:
        declared = self.resource(name).get("hash")
        if declared:
            algo, _, expected = declared.rpartition(":")
            if algo not in ("", "sha256"):
                raise DataError(f"{_display_path(self.path)}: resource {name!r} hash must be sha256, got {algo}")
            if expected != digest:
                raise DataError(
                    f"{_display_path(path)}: sha256 is {digest}, but the data package declares {expected}"
                )

    def figure_resources(self) -> list[str]:
        return [r["name"] for r in self.descriptor.get("resources", []) if r.get("schema") == FIGURES_SCHEMA]

    def figures(self, document: str | None = None) -> pd.DataFrame:
        frames = [self.table(name) for name in self.figure_resources()]
        figs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if document is not None and not figs.empty:
            figs = figs[figs["document"] == document].reset_index(drop=True)
        return figs

    def documents(self) -> dict[str, dict]:
        docs = self.table("documents")
        return {row["id"]: row for row in docs.to_dict("records")}

    def figure(self, figure_id: str) -> Figure:
        figs = self.figures()
        match = figs[figs["id"] == figure_id]
        if match.empty:
            raise DataError(f"{_display_path(self.path)}: no figure with id {figure_id!r} in {', '.join(self.figure_resources())}")
        row = match.iloc[0]
        doc = self.documents().get(row["document"], {})

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
        )
        self.cited.setdefault(fig.id, fig)
        return fig


def load_package(path: str | os.PathLike | None = None) -> Package:
    """Open a data package (default: the project's `data/datapackage.json`)."""
    pkg_path = Path(path) if path else default_package()
    pkg_path = pkg_path.resolve()
    if pkg_path.is_dir():
        pkg_path = pkg_path / "datapackage.json"
    try:
        descriptor = json.loads(pkg_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{_display_path(pkg_path)}: data package not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{_display_path(pkg_path)}: not a readable data package: {exc}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataError(f"{_display_path(pkg_path)}: a data package needs a list of resources")
    record_input(pkg_path)
    return Package(pkg_path, descriptor)


# --- validation -----------------------------------------------------------


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
        return row, column, f"{cell!r} is not a valid {ftype}{fmt}"
    if kind == "constraint-error":
        constraints = fields.get(column, {}).get("constraints", {})
        if '"required"' in note:
            return row, column, "is blank but a value is required"
        if '"minimum"' in note:
            return row, column, f"{cell!r} is below the minimum {constraints.get('minimum')}"
        if '"maximum"' in note:
            return row, column, f"{cell!r} is above the maximum {constraints.get('maximum')}"
        if '"enum"' in note:
            allowed = ", ".join(map(str, constraints.get("enum", [])))
            return row, column, f"{cell!r} is not a known category (allowed: {allowed})"
        if '"pattern"' in note:
            return row, column, f"{cell!r} does not match the pattern {constraints.get('pattern')}"
        if '"unique"' in note:
            return row, column, f"{cell!r} repeats a value that must be unique"
        return row, column, f"{cell!r} breaks a constraint: {note}"
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
    if kind == "primary-key":
        return row, None, f"duplicate row: the key {note}" if note else "duplicate row (same key as an earlier row)"
    if kind == "blank-row":
        return row, None, "the row is blank"
    if kind == "row-constraint":
        return row, None, "period_end is before period_start"
    return row, column, (note or error.message)


def validate_table(path: Path, schema: dict) -> None:
    """Raise DataError naming the first problem in the file, or return quietly."""
    import frictionless
    from frictionless import Checklist, Resource, Schema, checks

    names = [f["name"] for f in schema.get("fields", [])]
    row_checks = []
    if "period_start" in names and "period_end" in names:
        row_checks.append(
            checks.row_constraint(formula="period_start is None or period_end is None or period_start <= period_end")
        )
    where = _display_path(path)
    if path.stat().st_size == 0:
        raise DataError(f"{where}: the file is empty (expected a header row: {', '.join(names)})")
    try:
        resource = Resource(
            path=path.name,
            basepath=str(path.parent),
            schema=Schema.from_descriptor(schema),
            format="csv",
            encoding="utf-8",
        )
        report = resource.validate(checklist=Checklist(checks=row_checks), limit_errors=1)
    except frictionless.FrictionlessException as exc:
        raise DataError(f"{where}: {exc.error.message}") from None
    if report.valid:
        return
    errors = [e for task in report.tasks for e in task.errors] or report.errors
    row, column, reason = _describe(errors[0], schema)
    place = ", ".join(p for p in (f"row {row}" if row else None, f"column {column}" if column else None) if p)
    raise DataError(f"{where}: {place + ': ' if place else ''}{reason}")


def _read(path: Path, schema: dict) -> pd.DataFrame:
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
