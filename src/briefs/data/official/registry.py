"""The official series as external snapshots: described in the repository, fetched on demand.

The series are not committed (publishers revise them and their terms differ),
so `data/external.json` records, for each one, where it comes from, its
licence, its Table Schema and the sha256 of the exact bytes the briefs were
written against. `pull` fetches those bytes from the recorded address or from a
local mirror into a temporary file beside the destination and renames it into
place only once the checksum matches: a bad download never replaces a good
file, and a reader never sees half a file. An author who wants newer data pulls
with `update_checksums=True`, which validates the new file against the schema
before recording its hash and coverage in the description.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from briefs import __version__
from briefs.files import sha256
from briefs.errors import BriefsError, DataError, FetchFailed, PullFailed, UsageError
from briefs.project.paths import project_root
from briefs.data.official.schema import display_path, read_checked

DESCRIPTION = Path("data") / "external.json"
CHUNK = 1 << 16
MONTH_NAMES = {name: number for number, name in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}


def external_dir(root: Path | None = None) -> Path:
    """Where snapshots live: $BRIEFS_EXTERNAL, else data/external/ (gitignored)."""
    env = os.environ.get("BRIEFS_EXTERNAL")
    return Path(env) if env else (root or project_root()) / "data" / "external"


def description_path(root: Path | None = None) -> Path:
    return (root or project_root()) / DESCRIPTION


# --- the description ------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """One series as `data/external.json` describes it."""

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
    descriptor: dict = field(repr=False)
    described_in: str = field(default=str(DESCRIPTION), repr=False)

    def citation(self) -> str:
        """Short source line for a chart or table: publisher, title, months held, checksum prefix."""
        held = f", {self.coverage[0]} to {self.coverage[1]}" if self.coverage else ""
        return f"{self.publisher}, “{self.title}”{held} (snapshot sha256 {self.sha256[:12]})"


def read_description(root: Path | None = None) -> dict:
    path = description_path(root)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{display_path(path)}: the description of the official series is missing") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{display_path(path)}: not readable JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
        raise DataError(f"{display_path(path)}: the description needs a list of resources")
    return doc


def snapshots(root: Path | None = None) -> dict[str, Snapshot]:
    """Every described series by name, in the description's order."""
    path = description_path(root)
    where = display_path(path)
    found: dict[str, Snapshot] = {}
    for res in read_description(root)["resources"]:
        snap = _snapshot(res, where)
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
    coverage = res.get("coverage") or {}
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
        _refuse_mismatch(expected != fiscal, frame, period["fiscalYear"], expected, where,
                         lambda i: f"calendar year {year[i]}, month {month[i]}")
        stamps = pd.to_datetime(
            pd.DataFrame({"year": year, "month": np.where(total, 1, month), "day": 1}), errors="coerce"
        )
        return stamps.where(~total)
    if kind == "fiscal-year-month-name":
        label = frame[period["fiscalYear"]].astype(str)
        fiscal = label.str.slice(0, 4).astype("int64").to_numpy()
        month = frame[period["month"]].map(MONTH_NAMES).to_numpy(dtype="int64")
        year = np.where(month >= 10, fiscal - 1, fiscal)
        return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    raise DataError(f"{snap.described_in}: resource {snap.name!r} has period kind {kind!r}; "
                    "known: yearmonth, calendar-year-month, fiscal-year-month-name")


def _refuse_mismatch(bad: np.ndarray, frame: pd.DataFrame, column: str, expected: np.ndarray, where: str, what) -> None:
    hits = np.flatnonzero(bad)
    if hits.size:
        i = int(hits[0])
        raise DataError(
            f"{where}: row {i + 2}, column {column}: {frame[column].iloc[i]} does not fit {what(i)} "
            f"(expected {expected[i]})"
        )


def coverage_of(frame: pd.DataFrame, snap: Snapshot, where: str = "the series") -> tuple[str, str] | None:
    """First and last month the file holds, as YYYY-MM."""
    stamps = months(frame, snap, where).dropna()
    if stamps.empty:
        return None
    return stamps.min().strftime("%Y-%m"), stamps.max().strftime("%Y-%m")


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

    @property
    def state(self) -> str:
        if not self.present:
            return "absent"
        if self.problem:
            return "invalid"
        return "verified" if self.verified else "checksum differs"


def status(root: Path | None = None) -> list[SnapshotStatus]:
    """What is in the snapshot folder, checked; never raises for a bad file, it reports it."""
    folder = external_dir(root)
    result = []
    for snap in snapshots(root).values():
        path = folder / snap.file
        if not path.is_file():
            result.append(SnapshotStatus(snap.name, snap.file, path, False, False, None, None, snap.coverage, None))
            continue
        digest = sha256(path)
        problem, found = None, None
        try:
            frame = read_snapshot(path, snap)
            found = coverage_of(frame, snap)
        except DataError as exc:
            problem = str(exc)
        result.append(SnapshotStatus(snap.name, snap.file, path, True, digest == snap.sha256, digest, found, snap.coverage, problem))
    return result


# --- pull -----------------------------------------------------------------------


class PullProgress:
    """Silent progress; the CLI passes one that draws rich progress bars."""

    def start(self, name: str, total: int | None) -> None: ...

    def advance(self, name: str, size: int) -> None: ...

    def finish(self, name: str, outcome: str, ok: bool) -> None: ...


@dataclass
class PullReport:
    folder: Path
    outcomes: dict[str, str] = field(default_factory=dict)  # name -> what happened
    failures: dict[str, BriefsError] = field(default_factory=dict)
    recorded: list[str] = field(default_factory=list)  # names whose hash was rewritten in the description


def pull(
    names: Iterable[str] | None = None,
    *,
    mirror: str | os.PathLike | None = None,
    root: Path | None = None,
    update_checksums: bool = False,
    force: bool = False,
    urls: dict[str, str] | None = None,
    timeout: float = 60.0,
    progress: PullProgress | None = None,
) -> PullReport:
    """Fetch the named snapshots (default: all) into the snapshot folder, verified.

    `mirror` is a local folder or an http(s) address holding the files under
    their own names; without it each file comes from its recorded `url`
    (`urls` overrides those, by name). A file already present with the
    recorded hash is left alone unless `force`. Every file is attempted; if any
    failed, the single error (or a PullFailed listing them) is raised at the end,
    after the others are in place.
    """
    progress = progress or PullProgress()
    known = snapshots(root)
    wanted = list(dict.fromkeys(names)) if names else list(known)
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise UsageError(f"no official series named {', '.join(map(repr, unknown))} (known: {', '.join(known)})")
    source = _mirror(mirror)
    folder = external_dir(root)
    report = PullReport(folder)
    updates: dict[str, tuple[str, int, tuple[str, str] | None]] = {}
    for name in wanted:
        snap = known[name]
        try:
            outcome, update = _pull_one(snap, folder / snap.file, source, (urls or {}).get(name), update_checksums, force, timeout, progress)
        except BriefsError as exc:
            report.failures[name] = exc
            progress.finish(name, str(exc), False)
            continue
        report.outcomes[name] = outcome
        if update:
            updates[name] = update
        progress.finish(name, outcome, True)
    if updates:
        _record(root, updates)
        report.recorded = list(updates)
    if len(report.failures) == 1:
        exc = next(iter(report.failures.values()))
        exc.report = report  # type: ignore[attr-defined]
        raise exc
    if report.failures:
        raise PullFailed(report)
    return report


def _mirror(mirror: str | os.PathLike | None) -> str | Path | None:
    if mirror is None:
        return None
    text = os.fspath(mirror)
    if text.startswith(("http://", "https://")):
        return text if text.endswith("/") else text + "/"
    folder = Path(text)
    if not folder.is_dir():
        raise UsageError(f"mirror folder {text} does not exist")
    return folder


def _pull_one(snap: Snapshot, dest: Path, source, url: str | None, update_checksums: bool, force: bool, timeout: float, progress: PullProgress):
    if not (force or update_checksums) and dest.is_file() and sha256(dest) == snap.sha256:
        return "already verified", None
    if isinstance(source, Path):
        origin = source / snap.file
        if not origin.is_file():
            raise DataError(f"{snap.file}: not in the mirror {display_path(source)}")
        label = display_path(origin)
    else:
        origin = urllib.parse.urljoin(source, urllib.parse.quote(snap.file)) if source else (url or snap.url)
        if not origin:
            raise DataError(
                f"{snap.file}: no download address in {snap.described_in}; use --mirror DIR (or record a url)"
            )
        label = origin
    tmp, digest, size = _fetch(origin, dest, snap.name, timeout, progress)
    try:
        before = "left untouched" if dest.exists() else "nothing written"
        update = None
        if digest != snap.sha256:
            if not update_checksums:
                raise DataError(
                    f"{snap.file}: sha256 mismatch, expected {snap.sha256}, got {digest} (from {label}); "
                    f"{display_path(dest)} {before}"
                )
            frame = read_snapshot(tmp, snap, where=label)
            update = (digest, size, coverage_of(frame, snap, label))
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    if update:
        return f"new snapshot recorded (sha256 {digest[:12]})", update
    return "pulled and verified", None


def _fetch(origin: Path | str, dest: Path, name: str, timeout: float, progress: PullProgress) -> tuple[Path, str, int]:
    """Copy or download into a temporary file next to `dest`; returns it with its sha256 and size."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        handle, tmpname = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except OSError as exc:
        raise FetchFailed(f"{dest.name}: cannot write into {display_path(dest.parent)}: {exc.strerror or exc}") from None
    tmp = Path(tmpname)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            with _SourceStream(origin, timeout) as (stream, total):
                progress.start(name, total)
                while block := stream.read(CHUNK):
                    out.write(block)
                    digest.update(block)
                    size += len(block)
                    progress.advance(name, len(block))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; the snapshot is public data
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, BriefsError) or not isinstance(exc, Exception):
            raise
        raise FetchFailed(f"{dest.name}: {_reason(exc, origin, timeout)}") from None
    return tmp, digest.hexdigest(), size


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class _SourceStream:
    """A readable stream and its size for a local file or a URL, as one context manager."""

    def __init__(self, origin: Path | str, timeout: float):
        self.origin, self.timeout = origin, timeout
        self.stream = None

    def __enter__(self):
        if isinstance(self.origin, Path):
            self.stream = open(self.origin, "rb")
            return self.stream, self.origin.stat().st_size
        request = urllib.request.Request(self.origin, headers={"User-Agent": f"briefs/{__version__}"})
        self.stream = urllib.request.urlopen(request, timeout=self.timeout)
        length = self.stream.headers.get("Content-Length")
        return self.stream, int(length) if length and length.isdigit() else None

    def __exit__(self, *exc):
        if self.stream is not None:
            self.stream.close()
        return False


def _reason(exc: Exception, origin: Path | str, timeout: float) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"{origin} answered HTTP {exc.code} {exc.reason}; nothing replaced"
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return f"no answer from {origin} within {timeout:g} s; nothing replaced"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot download {origin}: {exc.reason}; nothing replaced"
    if isinstance(exc, OSError):
        return f"cannot copy {origin}: {exc.strerror or exc}; nothing replaced"
    return f"{type(exc).__name__}: {exc}; nothing replaced"


def _record(root: Path | None, updates: dict[str, tuple[str, int, tuple[str, str] | None]]) -> None:
    """Write new hashes, sizes and coverage into the description, atomically."""
    path = description_path(root)
    doc = read_description(root)
    for res in doc["resources"]:
        if res.get("name") in updates:
            digest, size, found = updates[res["name"]]
            res["hash"] = f"sha256:{digest}"
            res["bytes"] = size
            if found:
                res.setdefault("coverage", {}).update(start=found[0], end=found[1])
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    handle, tmpname = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        shutil.copymode(path, tmpname)
        os.replace(tmpname, path)
    finally:
        Path(tmpname).unlink(missing_ok=True)
