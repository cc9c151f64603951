"""Which inputs changed between two editions: the data files the briefs read, row by row.

Every executed brief records the files it read with their sha256 (`execute.readback.inputs`)
and, where the notebook says so, the vintage of each official series it read (file and
months, in its sources record). Comparing those records says *that* an input changed;
with the bytes of both versions (`Files`: a project folder, or an edition's data archive,
each file used only if its sha256 is the one recorded) it also says *what* changed:

- a resource of the data package: the rows added and removed, with their values, and
  the cells changed, matched on the resource's primary key (else on its text columns);
- an official series: its vintage (file) and months old -> new and, when both vintages'
  files are at hand, the months of the earlier vintage whose values were revised;
- anything else: that the file changed, with both hashes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from briefs.media import ABSENT
from briefs.review.diff import RowChange, compare_chart_data
from briefs.review.digest import Digest

PART = "#"  # "file.json#name": one resource's entry in a JSON description
PACKAGE = "datapackage.json"
DESCRIPTION = "external.json"  # the official series' description (data/external.json)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Files:
    """The bytes of the data files a set of briefs read, by the path their inputs record gives.

    `read(path)` returns the bytes at a recorded path, or None; `search` lists more places
    where a file may be found by its name or hash (an official series' snapshot folder and
    its superseded vintages). `get` hands out bytes only when their sha256 is the one recorded,
    so a comparison is always made on exactly the file a brief read.
    """

    def __init__(self, read: Callable[[str], bytes | None], search: list[Path] | None = None, label: str = "") -> None:
        self._read = read
        self._search = [Path(p) for p in (search or []) if Path(p).is_dir()]
        self._hashes: dict[Path, str] = {}
        self.label = label

    @classmethod
    def folder(cls, root: Path, search: list[Path] | None = None) -> "Files":
        """Files of a project: recorded paths are relative to its root (or absolute)."""
        root = Path(root)

        def read(path: str) -> bytes | None:
            full = Path(path) if Path(path).is_absolute() else root / path
            try:
                return full.read_bytes()
            except OSError:
                return None

        return cls(read, search, str(root))

    @classmethod
    def archive(cls, path: Path, search: list[Path] | None = None) -> "Files":
        """Files of an edition's data archive (one top folder holding `data/`)."""
        path = Path(path)
        with zipfile.ZipFile(path) as zf:
            members = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
        stripped = {n.split("/", 1)[1]: data for n, data in members.items() if "/" in n}

        def read(recorded: str) -> bytes | None:
            return stripped.get(posixpath.normpath(recorded))

        return cls(read, search, str(path))

    @classmethod
    def find(cls, where: Path) -> "Files | None":
        """The files behind a notebook or folder of briefs: the data archive of the edition it belongs
        to, else the project it sits in (each file still checked against its recorded hash)."""
        where = Path(where).resolve()
        for folder in [where, *list(where.parents)[:3]]:
            data = folder / "data"
            for candidate in sorted(data.glob("*.zip")) if data.is_dir() else []:
                try:
                    with zipfile.ZipFile(candidate) as zf:
                        if any(n.endswith("/data/" + PACKAGE) for n in zf.namelist()):
                            return cls.archive(candidate)
                except (OSError, zipfile.BadZipFile):
                    continue
        for folder in [where, *where.parents]:
            if (folder / "pyproject.toml").is_file() and (folder / "data" / PACKAGE).is_file():
                return cls.folder(folder, [folder / "data" / "external", folder / "data" / "external" / "superseded"])
        return None

    def get(self, path: str, sha: str | None) -> bytes | None:
        """The file's bytes if some copy has the recorded sha256 (or any copy when sha is None)."""
        data = self._read(path)
        if data is not None and (sha is None or _sha(data) == sha):
            return data
        if sha is None or sha == ABSENT:
            return None
        name = posixpath.basename(path)
        for folder in self._search:
            candidate = folder / name
            if candidate.is_file() and self._hash(candidate) == sha:
                return candidate.read_bytes()
        for folder in self._search:
            for candidate in sorted(folder.iterdir()):
                if candidate.is_file() and candidate.suffix == Path(name).suffix and self._hash(candidate) == sha:
                    return candidate.read_bytes()
        return None

    def _hash(self, path: Path) -> str:
        if path not in self._hashes:
            self._hashes[path] = _sha(path.read_bytes())
        return self._hashes[path]

    def json(self, path: str) -> dict:
        data = self._read(path)
        try:
            doc = json.loads(data) if data is not None else {}
        except ValueError:
            return {}
        return doc if isinstance(doc, dict) else {}


@dataclass
class RowsDiff:
    key: list[str]
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class InputChange:
    path: str
    title: str
    kind: str  # "resource", "series", "description" or "file"
    old_sha: str | None  # None: not read before; ABSENT: looked for and not there
    new_sha: str | None
    briefs: list[str] = field(default_factory=list)  # names of the briefs that read it (either side)
    rows: RowsDiff | None = None
    note: str = ""  # why rows could not be compared, if they could not
    old_vintage: dict | None = None  # {"file", "months": [start, end]} for an official series
    new_vintage: dict | None = None
    revised: dict[str, int] = field(default_factory=dict)  # month -> values revised in it
    revisions_known: bool = False
    parts: list[str] = field(default_factory=list)  # for a description: the entries that changed

    @property
    def state(self) -> str:
        if self.old_sha in (None, ABSENT) and self.new_sha not in (None, ABSENT):
            return "added"
        if self.new_sha in (None, ABSENT) and self.old_sha not in (None, ABSENT):
            return "removed"
        return "changed"


def _rows(data: bytes) -> list[dict]:
    text = data.decode("utf-8-sig", errors="replace")
    return [dict(r) for r in csv.DictReader(io.StringIO(text))]


def compare_rows(old: bytes, new: bytes, key: list[str] | None = None) -> RowsDiff:
    a, b = _rows(old), _rows(new)
    if key:
        ids = lambda rows: [tuple(r.get(k) for k in key) for r in rows]  # noqa: E731
        if len(set(ids(a))) != len(a) or len(set(ids(b))) != len(b):
            key = None
    found, added, removed, changed = compare_chart_data(a, b, key=key)
    return RowsDiff(found, added, removed, changed)


def _resource_for(package: dict, package_path: str, path: str) -> dict | None:
    base = posixpath.dirname(package_path)
    for res in package.get("resources", []) or []:
        if isinstance(res, dict) and isinstance(res.get("path"), str):
            if posixpath.normpath(posixpath.join(base, res["path"])) == posixpath.normpath(path):
                return res
    return None


def _series_for(description: dict, path: str) -> dict | None:
    name = posixpath.basename(path)
    for res in description.get("resources", []) or []:
        if isinstance(res, dict) and res.get("path") == name:
            return res
    return None


def _series_named(description: dict, name: str) -> dict | None:
    for res in description.get("resources", []) or []:
        if isinstance(res, dict) and res.get("name") == name:
            return res
    return None


def _months_of(entry: dict | None) -> list[str] | None:
    if not entry:
        return None
    if isinstance(entry.get("months"), list) and entry["months"]:
        return [str(m) for m in entry["months"]]
    coverage = entry.get("coverage")
    if isinstance(coverage, dict) and coverage.get("start") and coverage.get("end"):
        return [str(coverage["start"]), str(coverage["end"])]
    return None


def _vintage(entry: dict | None, recorded: dict | None, path: str) -> dict | None:
    """File and months of a series' vintage: as the notebook recorded it, else as its description says."""
    if recorded:
        return {"file": recorded.get("file") or posixpath.basename(path), "months": _months_of(recorded)}
    if entry:
        return {"file": entry.get("path") or posixpath.basename(path), "months": _months_of(entry)}
    return None


def _month(row: dict, period: dict) -> str | None:
    """The calendar month (YYYY-MM) of a series row, for the layouts the descriptions use."""
    kind = period.get("kind")
    try:
        if kind == "yearmonth":
            return str(row[period["field"]])[:7]
        if kind == "calendar-year-month":
            month = int(row[period["month"]])
            return None if month == period.get("total", 0) else f"{int(row[period['year']]):04d}-{month:02d}"
        if kind == "fiscal-year-month-name":
            fy = int(str(row[period["fiscalYear"]])[:4])
            month = MONTHS.index(str(row[period["month"]]).strip()[:3].title()) + 1
            return f"{fy - 1 if month >= 10 else fy:04d}-{month:02d}"
    except (KeyError, ValueError, TypeError):
        return None
    return None


def revisions(entry: dict, old: bytes, new: bytes, old_months: list[str] | None) -> dict[str, int] | None:
    """Months the earlier vintage held whose values the newer one changes: {month: values changed}."""
    period = entry.get("period") or {}
    fields = (entry.get("schema") or {}).get("fields") or []
    measures = [f["name"] for f in fields if f.get("type") in ("integer", "number")]
    key = list((entry.get("schema") or {}).get("primaryKey") or []) or [f["name"] for f in fields if f["name"] not in measures]
    measures = [m for m in measures if m not in key]
    if not period or not key:
        return None
    a, b = _rows(old), _rows(new)
    if not a or _month(a[0], period) is None:
        return None
    last = old_months[-1] if old_months else max((m for r in a if (m := _month(r, period))), default=None)
    index = lambda rows: {tuple(r.get(k) for k in key): r for r in rows}  # noqa: E731
    before, after = index(a), index(b)
    out: dict[str, int] = {}
    for ident, row in before.items():
        month = _month(row, period)
        other = after.get(ident)
        n = len(measures) if other is None else sum(1 for m in measures if row.get(m) != other.get(m))
        if n and month:
            out[month] = out.get(month, 0) + n
    for ident, row in after.items():
        month = _month(row, period)
        if ident not in before and month and last and month <= last:
            out[month] = out.get(month, 0) + len(measures)
    return dict(sorted(out.items()))


def _series_records(snaps: dict[str, Digest]) -> dict[str, dict]:
    """Vintages recorded by the notebooks (sources record), by the series' file name."""
    out = {}
    for snap in snaps.values():
        for rec in snap.series:
            if isinstance(rec, dict) and rec.get("file"):
                out[str(rec["file"])] = rec
    return out


def _package_path(inputs: dict[str, str]) -> str | None:
    return next((p for p in sorted(inputs) if posixpath.basename(p) == PACKAGE), None)


def _description_path(inputs: dict[str, str]) -> str:
    found = next((p.split(PART)[0] for p in sorted(inputs) if posixpath.basename(p.split(PART)[0]) == DESCRIPTION), None)
    return found or f"data/{DESCRIPTION}"


def _keyed(snap: Digest) -> dict[str, tuple[str, str]]:
    """A brief's inputs keyed by their place in its data package ("inm.csv", "external/x.csv"), so
    the same file read from another copy of the package (`data_package`) is the same input."""
    package = _package_path(snap.inputs)
    base = posixpath.dirname(package) if package else None
    out = {}
    for path, sha in snap.inputs.items():
        file, sep, part = path.partition(PART)
        if part and posixpath.basename(file) == DESCRIPTION:
            # The official series are the project's, whichever copy of the package a run read:
            # a series' entry is the same input wherever its description was found ...
            key = DESCRIPTION + sep + part
        elif "/external/" in f"/{file}":
            key = "external/" + posixpath.basename(file)  # ... and so is its snapshot file
        elif base is not None and (file == base or file.startswith(base + "/")):
            key = posixpath.relpath(file, base) + sep + part
        else:
            key = path
        out[key] = (path, sha)
    return out


def compare(
    old: dict[str, Digest], new: dict[str, Digest], old_files: Files | None = None, new_files: Files | None = None
) -> list[InputChange]:
    """Every input whose recorded sha256 differs between the two sets of briefs, explained as far as the files allow."""
    before: dict[str, tuple[str, str]] = {}
    after: dict[str, tuple[str, str]] = {}
    readers: dict[str, set[str]] = {}
    packages: dict[int, str | None] = {}
    for side, (snaps, seen) in enumerate(((old, before), (new, after))):
        for snap in snaps.values():
            for key, recorded in _keyed(snap).items():
                seen.setdefault(key, recorded)
                readers.setdefault(key, set()).add(snap.name)
            packages.setdefault(side, _package_path(snap.inputs))
    keys = sorted(k for k in set(before) | set(after) if (before.get(k) or ("", None))[1] != (after.get(k) or ("", None))[1])
    if not keys:
        return []
    old_pkg_path, new_pkg_path = packages.get(0) or f"data/{PACKAGE}", packages.get(1) or f"data/{PACKAGE}"
    old_pkg = old_files.json(old_pkg_path) if old_files else {}
    new_pkg = new_files.json(new_pkg_path) if new_files else {}
    old_desc_path = posixpath.join(posixpath.dirname(old_pkg_path), DESCRIPTION)
    new_desc_path = posixpath.join(posixpath.dirname(new_pkg_path), DESCRIPTION)
    old_desc = old_files.json(old_desc_path) if old_files else {}
    new_desc = new_files.json(new_desc_path) if new_files else {}
    old_rec, new_rec = _series_records(old), _series_records(new)
    changes: dict[str, InputChange] = {}
    found_series: dict[str, dict] = {}
    for key in keys:
        old_path, a = before.get(key, (None, None))
        new_path, b = after.get(key, (None, None))
        recorded = new_path or old_path
        # Shown as the brief recorded it when that is the project's own path, else as its place in
        # the package: a copy of the package in a temporary folder is not worth naming.
        path = key if posixpath.isabs(recorded) else recorded
        file, _, part = path.partition(PART)
        if part:  # a series' entry in the description: told with that series
            entry = _series_named(new_desc, part) or _series_named(old_desc, part)
            series_path = (
                posixpath.join(posixpath.dirname(file), "external", entry["path"]) if entry and entry.get("path") else part
            )
            if f"series:{part}" not in changes:
                change = InputChange(
                    series_path, str((entry or {}).get("title") or part), "series", None, None, sorted(readers.get(key, ()))
                )
                change.old_vintage = _vintage(_series_named(old_desc, part), None, series_path)
                change.new_vintage = _vintage(_series_named(new_desc, part), None, series_path)
                changes[f"series:{part}"] = change
            continue
        series = _series_for(new_desc, path) or _series_for(old_desc, path)
        base = posixpath.basename(path)
        if base in (PACKAGE, DESCRIPTION):
            change = InputChange(
                path,
                "The data package's description" if base == PACKAGE else "The description of the official series",
                "description",
                a,
                b,
                sorted(readers[key]),
            )
            change.parts = _changed_entries(
                old_files.json(old_path) if old_files and old_path else {},
                new_files.json(new_path) if new_files and new_path else {},
            )
        elif series is not None or "/external/" in f"/{path}":
            # A series' new vintage may have a new file name: both files are one series' change.
            name = (series or {}).get("name") or base
            side = found_series.setdefault(
                name, {"title": str((series or {}).get("title") or base), "entry": series, "readers": set()}
            )
            side["entry"] = side["entry"] or series
            side["readers"] |= readers[key]
            if a is not None:
                side["old"] = (old_path, a)
            if b is not None:
                side["new"] = (new_path, b, path)
            continue
        else:
            res = _resource_for(new_pkg, new_pkg_path, new_path or "") or _resource_for(old_pkg, old_pkg_path, old_path or "")
            title = str((res or {}).get("title") or (res or {}).get("name") or base)
            change = InputChange(path, title, "resource" if res else "file", a, b, sorted(readers[key]))
            _resource_rows(change, res, old_path, new_path, old_files, new_files)
        changes[key] = change
    for name, side in found_series.items():
        old_path, a = side.get("old", (None, None))
        new_path, b, shown_path = side.get("new", (None, None, None))
        path = shown_path or (old_path if old_path and not posixpath.isabs(old_path) else posixpath.basename(old_path or name))
        change = changes.pop(f"series:{name}", None) or InputChange(path, side["title"], "series", a, b, [])
        change.path, change.old_sha, change.new_sha = path, a, b
        change.briefs = sorted(set(change.briefs) | side["readers"])
        if a not in (None, ABSENT):
            file = posixpath.basename(old_path)
            change.old_vintage = _vintage(_series_for(old_desc, file), old_rec.get(file), old_path)
        if b not in (None, ABSENT):
            file = posixpath.basename(new_path)
            change.new_vintage = _vintage(_series_for(new_desc, file), new_rec.get(file), new_path)
        _series_revisions(change, side["entry"], old_path, new_path, old_files, new_files)
        changes[f"series:{name}"] = change
    return list(changes.values())


def _changed_entries(old: dict, new: dict) -> list[str]:
    """Names of the resources whose entry in a description was added, removed or edited."""

    def entries(doc: dict) -> dict[str, str]:
        return {str(r.get("name")): json.dumps(r, sort_keys=True) for r in doc.get("resources", []) or [] if isinstance(r, dict)}

    a, b = entries(old), entries(new)
    if not a and not b:
        return []
    return sorted(n for n in set(a) | set(b) if a.get(n) != b.get(n))


def _resource_rows(
    change: InputChange,
    res: dict | None,
    old_path: str | None,
    new_path: str | None,
    old_files: Files | None,
    new_files: Files | None,
) -> None:
    if change.state != "changed":
        return
    old = old_files.get(old_path, change.old_sha) if old_files and old_path else None
    new = new_files.get(new_path, change.new_sha) if new_files and new_path else None
    if old is None or new is None:
        missing = "previous" if old is None else "new"
        change.note = f"the {missing} version of the file is not at hand"
        return
    if not change.path.endswith(".csv"):
        return
    key = list(((res or {}).get("schema") or {}).get("primaryKey") or []) or None
    if isinstance(key, str):
        key = [key]
    change.rows = compare_rows(old, new, key)


def _series_revisions(
    change: InputChange,
    entry: dict | None,
    old_path: str | None,
    new_path: str | None,
    old_files: Files | None,
    new_files: Files | None,
) -> None:
    if change.state != "changed" or entry is None:
        return
    old = old_files.get(old_path, change.old_sha) if old_files and old_path else None
    new = new_files.get(new_path, change.new_sha) if new_files and new_path else None
    if old is None or new is None:
        change.note = "the earlier vintage's file is not at hand, so revisions of its months were not looked for"
        return
    found = revisions(entry, old, new, (change.old_vintage or {}).get("months"))
    if found is None:
        change.note = "revisions of earlier months are not computed for this series' layout"
        return
    change.revised, change.revisions_known = found, True


def summary(change: InputChange) -> dict[str, Any]:
    """The facts of one change as plain data (for tests and the manifest)."""
    return {
        "path": change.path,
        "title": change.title,
        "kind": change.kind,
        "state": change.state,
        "old_sha256": change.old_sha,
        "new_sha256": change.new_sha,
        "briefs": change.briefs,
        "rows_added": len(change.rows.added) if change.rows else None,
        "rows_removed": len(change.rows.removed) if change.rows else None,
        "cells_changed": sum(len(r.fields) for r in change.rows.changed) if change.rows else None,
        "old_vintage": change.old_vintage,
        "new_vintage": change.new_vintage,
        "revised": change.revised,
    }
