"""The official series as external snapshots: described once, in `data/external.json`.

The series are not committed (publishers revise them and their terms differ),
so `data/external.json` records, for each one, where it comes from, its
licence, its Table Schema, the names its files may have, and the *vintage* the
briefs were written against: the file's name, sha256, size, the months it
covers, and when and from where it was taken. Everything that names a series'
file or title reads it from here (`snapshots`), so a vintage published under a
new name is one edit of the description, made by `briefs data update`
(`vintage.py`); `briefs data pull` (`pull.py`) fetches the recorded vintage.
"""

from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from briefs.data import descriptor
from briefs.data.package import sha256
from briefs.data.official.schema import display_path, read_checked
from briefs.errors import DataError, UsageError
from briefs.project.paths import project_root

DESCRIPTION = Path("data") / "external.json"
SUPERSEDED = "superseded"  # folder inside the snapshot folder that keeps replaced vintages
MONTH_NAMES = {
    name: number
    for number, name in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)
}


def external_dir(root: Path | None = None) -> Path:
    """Where snapshots live: $BRIEFS_EXTERNAL, else data/external/ (gitignored)."""
    env = os.environ.get("BRIEFS_EXTERNAL")
    return Path(env) if env else (root or project_root()) / "data" / "external"


def description_path(root: Path | None = None) -> Path:
    return (root or project_root()) / DESCRIPTION


# --- the description ------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """One series as `data/external.json` describes it, with the vintage in use."""

    name: str
    file: str
    title: str
    publisher: str
    homepage: str | None
    sha256: str
    bytes: int | None
    url: str | None
    coverage: tuple[str, str] | None
    period: dict
    schema: dict
    patterns: tuple[str, ...] = ()
    taken: str | None = None  # when the vintage was taken (YYYY-MM-DD)
    origin: str | None = None  # where it was taken from: an address, or a folder
    descriptor: dict = field(default_factory=dict, repr=False)
    described_in: str = field(default=str(DESCRIPTION), repr=False)

    def citation(self) -> str:
        """Short source line for a chart or table: publisher, title, months held, checksum prefix."""
        held = f", {self.coverage[0]} to {self.coverage[1]}" if self.coverage else ""
        return f"{self.publisher}, “{self.title}”{held} (snapshot sha256 {self.sha256[:12]})"

    def months_text(self) -> str:
        return " to ".join(self.coverage) if self.coverage else "months not recorded"

    def names_a_vintage(self, file_name: str) -> bool:
        """Whether a file of this name can hold this series: the recorded name, or one of its patterns."""
        return file_name == self.file or any(fnmatch.fnmatchcase(file_name, p) for p in self.patterns)

    def vintage(self) -> dict[str, Any]:
        """The vintage in use, as provenance states it."""
        return {
            "name": self.name,
            "title": self.title,
            "file": self.file,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "months": list(self.coverage) if self.coverage else None,
            "taken": self.taken,
            "from": self.origin,
        }


def read_description(root: Path | None = None) -> dict:
    path = description_path(root)
    return descriptor.read(
        path,
        display_path(path),
        missing="the description of the official series is missing",
        unreadable="not readable JSON",
        shape="the description needs a list of resources",
    )


def description_text(doc: dict) -> str:
    """The description as written to disk (the layout of the committed file)."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def snapshots(root: Path | None = None) -> dict[str, Snapshot]:
    """Every described series by name, in the description's order."""
    path = description_path(root)
    where = display_path(path)
    found: dict[str, Snapshot] = {}
    for res in read_description(root)["resources"]:
        snap = _snapshot(res, where)
        if snap.name in found:
            raise DataError(f"{where}: two resources are named {snap.name!r}")
        found[snap.name] = snap
    return found


def snapshot(name: str, root: Path | None = None) -> Snapshot:
    known = snapshots(root)
    if name not in known:
        raise UsageError(f"no official series named {name!r} (known: {', '.join(known)})")
    return known[name]


def _snapshot(res: Any, where: str) -> Snapshot:
    if not isinstance(res, dict) or not res.get("name"):
        raise DataError(f"{where}: every resource needs a name")
    name = res["name"]
    for key in ("path", "title", "publisher", "hash", "schema", "period"):
        if not res.get(key):
            raise DataError(f"{where}: resource {name!r} has no {key}")
    if Path(res["path"]).name != res["path"]:
        raise DataError(f"{where}: resource {name!r}: path must be a bare file name, got {res['path']!r}")
    algo, _, digest = str(res["hash"]).rpartition(":")
    if algo not in ("", "sha256") or len(digest) != 64:
        raise DataError(f"{where}: resource {name!r}: hash must be 'sha256:' and 64 hex digits, got {res['hash']!r}")
    patterns = res.get("patterns") or []
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p and "/" not in p for p in patterns):
        raise DataError(f"{where}: resource {name!r}: patterns must be a list of file name patterns such as 'name_*.csv'")
    coverage = res.get("coverage") or {}
    vintage = res.get("vintage") or {}
    return Snapshot(
        name=name,
        file=res["path"],
        title=res["title"],
        publisher=res["publisher"],
        homepage=res.get("homepage"),
        sha256=digest.lower(),
        bytes=res.get("bytes"),
        url=res.get("url"),
        coverage=(coverage["start"], coverage["end"]) if coverage.get("start") and coverage.get("end") else None,
        period=res["period"],
        schema=res["schema"],
        patterns=tuple(patterns),
        taken=vintage.get("taken"),
        origin=vintage.get("from"),
        descriptor=res,
        described_in=where,
    )


# --- reading and months -----------------------------------------------------------


def read_snapshot(path: Path, snap: Snapshot, where: str | None = None) -> pd.DataFrame:
    """The file checked against its schema and its calendar rules, typed."""
    where = where or display_path(path)
    frame = read_checked(path, snap.schema, where=where, described_in=f"{snap.described_in} ({snap.name})")
    months(frame, snap, where)
    return frame


def months(frame: pd.DataFrame, snap: Snapshot, where: str = "the series") -> pd.Series:
    """The calendar month (a Timestamp) of each row; NaT for rows that hold a year's total.

    Two of the series do not have a month column: OHSS gives calendar year,
    fiscal year and month number (0 for the fiscal-year total), CBP gives a
    fiscal year and a month abbreviation. A row whose fiscal year does not
    match its month is refused, since it would land in the wrong year.
    """
    period = snap.period
    kind = period.get("kind")
    if kind == "yearmonth":
        return frame[period["field"]]
    if kind == "calendar-year-month":
        year, fiscal, month = (frame[period[k]].to_numpy(dtype="int64") for k in ("year", "fiscalYear", "month"))
        total = month == period.get("total", 0)
        expected = np.where(total | (month >= 10), year + 1, year)
        _refuse_mismatch(
            expected != fiscal,
            frame,
            period["fiscalYear"],
            expected,
            where,
            lambda i: f"calendar year {year[i]}, month {month[i]}",
        )
        stamps = pd.to_datetime(pd.DataFrame({"year": year, "month": np.where(total, 1, month), "day": 1}), errors="coerce")
        return stamps.where(~total)
    if kind == "fiscal-year-month-name":
        label = frame[period["fiscalYear"]].astype(str)
        fiscal = label.str.slice(0, 4).astype("int64").to_numpy()
        month = frame[period["month"]].map(MONTH_NAMES).to_numpy(dtype="int64")
        year = np.where(month >= 10, fiscal - 1, fiscal)
        return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    raise DataError(
        f"{snap.described_in}: resource {snap.name!r} has period kind {kind!r}; "
        "known: yearmonth, calendar-year-month, fiscal-year-month-name"
    )


def _refuse_mismatch(bad: np.ndarray, frame: pd.DataFrame, column: str, expected: np.ndarray, where: str, what) -> None:
    hits = np.flatnonzero(bad)
    if hits.size:
        i = int(hits[0])
        raise DataError(
            f"{where}: row {i + 2}, column {column}: {frame[column].iloc[i]} does not fit {what(i)} (expected {expected[i]})"
        )


def coverage_of(frame: pd.DataFrame, snap: Snapshot, where: str = "the series") -> tuple[str, str] | None:
    """First and last month the file holds, as YYYY-MM."""
    stamps = months(frame, snap, where).dropna()
    if stamps.empty:
        return None
    return stamps.min().strftime("%Y-%m"), stamps.max().strftime("%Y-%m")


def compare_coverage(found: tuple[str, str] | None, recorded: tuple[str, str] | None) -> str:
    """'older', 'newer' or 'same months' for a file's months against the recorded vintage's.

    A vintage is newer when it reaches a later month; at the same last month it
    holds the same months (perhaps revised, perhaps with early months dropped).
    """
    if not found or not recorded:
        return "same months" if found == recorded else ("newer" if found else "older")
    if found[1] > recorded[1]:
        return "newer"
    if found[1] < recorded[1]:
        return "older"
    return "same months"


# --- status ---------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotStatus:
    name: str
    file: str
    path: Path
    present: bool
    verified: bool
    sha256: str | None
    coverage: tuple[str, str] | None
    declared: tuple[str, str] | None
    problem: str | None
    taken: str | None = None
    origin: str | None = None

    @property
    def state(self) -> str:
        if not self.present:
            return "absent"
        if self.problem:
            return "invalid"
        return "verified" if self.verified else "checksum differs"

    def vintage_text(self) -> str:
        """The vintage in use: file, months, when and from where it was taken."""
        months = " to ".join(self.declared) if self.declared else "months not recorded"
        taken = f", taken {self.taken}" if self.taken else ""
        origin = f" from {self.origin}" if self.origin else ""
        return f"{self.file} ({months}){taken}{origin}"


@dataclass(frozen=True)
class Stray:
    """A file in the snapshot folder that no series records: a superseded or an unrecorded vintage."""

    file: str
    path: Path
    series: str | None  # the series whose file names it fits, if any

    def text(self) -> str:
        if self.series:
            return (
                f"{self.file} fits the names of {self.series} but is not its recorded vintage; "
                f"bring it in with `briefs data update --file {self.series}={display_path(self.path)}`, or delete it"
            )
        return f"{self.file} is not a file of any official series; delete it or move it elsewhere"


def status(root: Path | None = None) -> list[SnapshotStatus]:
    """What is in the snapshot folder, checked; never raises for a bad file, it reports it."""
    folder = external_dir(root)
    result = []
    for snap in snapshots(root).values():
        path = folder / snap.file
        if not path.is_file():
            result.append(
                SnapshotStatus(snap.name, snap.file, path, False, False, None, None, snap.coverage, None, snap.taken, snap.origin)
            )
            continue
        digest = sha256(path)
        problem, found = None, None
        try:
            frame = read_snapshot(path, snap)
            found = coverage_of(frame, snap)
        except DataError as exc:
            problem = str(exc)
        result.append(
            SnapshotStatus(
                snap.name,
                snap.file,
                path,
                True,
                digest == snap.sha256,
                digest,
                found,
                snap.coverage,
                problem,
                snap.taken,
                snap.origin,
            )
        )
    return result


def strays(root: Path | None = None) -> list[Stray]:
    """Files beside the recorded vintages that no series records (hidden files and superseded/ aside)."""
    folder = external_dir(root)
    if not folder.is_dir():
        return []
    known = snapshots(root)
    recorded = {snap.file for snap in known.values()}
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file() or path.name in recorded:
            continue
        owner = next((s.name for s in known.values() if s.names_a_vintage(path.name)), None)
        found.append(Stray(path.name, path, owner))
    return found


def superseded_dir(root: Path | None = None) -> Path:
    return external_dir(root) / SUPERSEDED
