"""Official monthly series used to check the documents' figures.

They are external snapshots: never committed, fetched into `data/external/`
(or read from $BRIEFS_EXTERNAL) by `briefs data pull`, and every brief must
build without them, so `load` returns None when a series is absent and the
brief says so plainly (`absent_note`). A series that is present is trusted only
after two checks: its cells against the Table Schema in `data/external.json`
(so a damaged file stops the run naming row and column, instead of becoming a
wrong number on a page) and its sha256 against the hash recorded there (so a
brief is never silently recomputed on other data than its author checked).

Types follow the schema: counts are int64 (Int64 with <NA> where OHSS prints
"X"), a `month` column is a Timestamp; `months(name, frame)` gives the
calendar month of each row for the two series that spell months otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from briefs.data.official import registry
from briefs.data.package import record_input
from briefs.media import ABSENT
from briefs.errors import DataError, UsageError
from briefs.data.official.schema import display_path

FILES = {
    "us_sw_border_encounters": "us_sw_border_encounters_monthly.csv",
    "cbp_sw_land_border_encounters": "cbp_sw_land_border_encounters_fy22_fy25dec.csv",
    "ohss_enforcement_monthly": "ohss_enforcement_monthly_fy2014_2024aug.csv",
    "mx_irregular_events_by_nationality": "mx_irregular_events_by_nationality_monthly.csv",
    "mx_irregular_events_by_sex_age": "mx_irregular_events_by_sex_age_monthly.csv",
    "mx_deportations_and_returns": "mx_deportations_and_returns_monthly.csv",
}

TITLES = {
    "us_sw_border_encounters": "U.S. southwest land border encounters (CBP)",
    "cbp_sw_land_border_encounters": "Southwest Land Border Encounters, CBP's published layout",
    "ohss_enforcement_monthly": "DHS OHSS immigration enforcement monthly tables",
    "mx_irregular_events_by_nationality": "Mexico: events of people in an irregular migration situation, by nationality (UPM)",
    "mx_irregular_events_by_sex_age": "Mexico: events of people in an irregular migration situation, by sex and age (UPM)",
    "mx_deportations_and_returns": "Mexico: deportations and assisted returns (UPM)",
}

# Typed frames already checked, keyed by file identity and the hash they were checked against:
# a brief that loads a series in several cells pays for parsing and hashing once.
_CACHE: dict[tuple, pd.DataFrame] = {}


def _known(name: str) -> None:
    if name not in FILES:
        raise UsageError(f"no official series named {name!r} (known: {', '.join(FILES)})")


def external_dir(root: Path | None = None) -> Path:
    return registry.external_dir(root)


def path_of(name: str, root: Path | None = None) -> Path:
    _known(name)
    return external_dir(root) / FILES[name]


def available(name: str, root: Path | None = None) -> bool:
    return path_of(name, root).is_file()


def describe(name: str, root: Path | None = None) -> registry.Snapshot:
    """Publisher, sources, licence, schema and recorded hash of a series (from data/external.json)."""
    _known(name)
    return registry.snapshot(name, root)


def load(name: str, root: Path | None = None) -> pd.DataFrame | None:
    """The series as a typed DataFrame, or None when it has not been fetched.

    Raises DataError naming file, row and column when a cell breaks the
    schema, and DataError when the file is valid but is not the snapshot
    recorded in data/external.json.
    """
    path = path_of(name, root)
    try:
        stat = path.stat()
    except FileNotFoundError:
        record_input(path, ABSENT)  # so that fetching it later re-runs the briefs that wanted it
        return None
    snap = describe(name, root)
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, snap.sha256)
    if key not in _CACHE:
        where = display_path(path)
        frame = registry.read_snapshot(path, snap, where)
        digest = registry.sha256(path)
        if digest != snap.sha256:
            raise DataError(
                f"{where}: sha256 is {digest}, but {snap.described_in} records {snap.sha256} for {name}; "
                "if this newer snapshot is intended, record it with `briefs data pull --update-checksums --only "
                f"{name}` (see README, Official series)"
            )
        if len(_CACHE) >= 16:
            _CACHE.clear()
        _CACHE[key] = frame
    record_input(path, snap.sha256)
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
            f"The official series “{TITLES[name]}” is not available in this build, so this check was not made. "
            "Fetch it with `briefs data pull` and rebuild."
        )
    names = [f"“{TITLES[n]}”" for n in (name, *more)]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"The official series {listed} are not available in this build, so these checks were not made. "
        "Fetch them with `briefs data pull` and rebuild."
    )
