"""Official monthly series used to check the documents' figures.

They are external snapshots: never committed, fetched into `data/external/`
(or read from $BRIEFS_EXTERNAL) by `briefs data pull`, and every brief must
build without them, so `load` returns None when a series is absent and the
brief says so plainly (`absent_note`). A series that is present is trusted only
after two checks: its cells against the Table Schema in `data/external.json`
(so a damaged file stops the run naming row and column, instead of becoming a
wrong number on a page) and its sha256 against the hash recorded there (so a
brief is never silently recomputed on other data than its author checked).
Which file holds a series, and its title, come from `data/external.json` alone:
a vintage published under a new name is read as soon as it is recorded there.

Types follow the schema: counts are int64 (Int64 with <NA> where OHSS prints
"X"), a `month` column is a Timestamp; `months(name, frame)` gives the
calendar month of each row for the two series that spell months otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from briefs.data.official import registry
from briefs.data.package import record_input, record_part
from briefs.media import ABSENT
from briefs.errors import DataError
from briefs.data.official.schema import display_path

# Typed frames already checked, keyed by file identity and the hash they were checked against:
# a brief that loads a series in several cells pays for parsing and hashing once.
_CACHE: dict[tuple, pd.DataFrame] = {}


# The official series this process read, by name: the vintage in use, or that it was absent.
# `sources.show` puts them in the brief's sources record, so provenance and the edition's
# manifest say which vintage of which series each page was computed from.
READ: dict[str, dict] = {}


def external_dir(root: Path | None = None) -> Path:
    return registry.external_dir(root)


def describe(name: str, root: Path | None = None) -> registry.Snapshot:
    """Publisher, sources, licence, schema and recorded vintage of a series (from data/external.json)."""
    return registry.snapshot(name, root)


def names(root: Path | None = None) -> list[str]:
    """Every described series, in the description's order."""
    return list(registry.snapshots(root))


def path_of(name: str, root: Path | None = None) -> Path:
    """Where the recorded vintage of the series is read from (its file name comes from data/external.json)."""
    return external_dir(root) / describe(name, root).file


def available(name: str, root: Path | None = None) -> bool:
    return path_of(name, root).is_file()


def title(name: str, root: Path | None = None) -> str:
    """The series' title, as data/external.json gives it."""
    return describe(name, root).title


def _record_description(name: str, root: Path | None) -> None:
    """The series' part of data/external.json as an input: a new vintage or title re-runs its readers only."""
    record_part(registry.description_path(root), name)


def load(name: str, root: Path | None = None) -> pd.DataFrame | None:
    """The series as a typed DataFrame, or None when it has not been fetched.

    Raises DataError naming file, row and column when a cell breaks the
    schema, and DataError when the file is valid but is not the snapshot
    recorded in data/external.json.
    """
    snap = describe(name, root)
    path = external_dir(root) / snap.file
    _record_description(name, root)
    try:
        stat = path.stat()
    except FileNotFoundError:
        record_input(path, ABSENT)  # so that fetching it later re-runs the briefs that wanted it
        READ[name] = {**snap.vintage(), "state": "absent"}
        return None
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, snap.sha256)
    if key not in _CACHE:
        where = display_path(path)
        frame = registry.read_snapshot(path, snap, where)
        digest = registry.sha256(path)
        if digest != snap.sha256:
            raise DataError(
                f"{where}: sha256 is {digest}, but {snap.described_in} records {snap.sha256} for {name}; "
                "if it is a newer vintage, record it with `briefs data update --file "
                f"{name}={where}`; else fetch the recorded one with `briefs data pull --force --only {name}`"
            )
        if len(_CACHE) >= 16:
            _CACHE.clear()
        _CACHE[key] = frame
    record_input(path, snap.sha256)
    READ[name] = {**snap.vintage(), "state": "read"}
    return _CACHE[key].copy()


def months(name: str, frame: pd.DataFrame, root: Path | None = None) -> pd.Series:
    """Calendar month (Timestamp) of each row of a loaded series; NaT for fiscal-year total rows."""
    return registry.months(frame, describe(name, root), name)


def citation(name: str, root: Path | None = None) -> str:
    """A source line for charts and tables built from the series."""
    return describe(name, root).citation()


def absent_note(name: str, *more: str) -> str:
    """What a brief prints in place of a check whose series has not been fetched (one sentence for all)."""
    if not more:
        return (
            f"The official series “{title(name)}” is not available in this build, so this check was not made. "
            "Fetch it with `briefs data pull` and rebuild."
        )
    titles = [f"“{title(n)}”" for n in (name, *more)]
    listed = ", ".join(titles[:-1]) + " and " + titles[-1]
    return (
        f"The official series {listed} are not available in this build, so these checks were not made. "
        "Fetch them with `briefs data pull` and rebuild."
    )
