"""Older and newer vintages of the official series, for tests, without inventing a number.

Only the shared mirror's files exist, and a test must never make up data. So an
*older* vintage is the mirror's file cut after an earlier month (`cut`), and a
test that needs a *newer* vintage records the cut file as the project's vintage
and then brings in the full mirror file, which is newer than it by construction.
The cut keeps the file's own bytes for every row it keeps (same header, same
line endings), as a publisher's earlier release of the same table would be.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from briefs.data.official import registry
from snapshot_helpers import shared_data

THROUGH = "2024-06"  # the last month of the older vintages the tests record


# What would point a test's update at another folder or through a proxy instead of the local server.
OUTSIDE = ("BRIEFS_EXTERNAL", "BRIEFS_MIRROR", "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


def isolate(monkeypatch) -> None:
    """Take away the environment's series folder, mirror and proxies for one test."""
    for var in OUTSIDE:
        monkeypatch.delenv(var, raising=False)


def cut(source: Path, dest: Path, snap: registry.Snapshot, through: str = THROUGH) -> tuple[str, str]:
    """Write `source` without its rows after `through` (fiscal-year totals of later years too); returns its months."""
    frame = registry.read_snapshot(source, snap)
    stamps = registry.months(frame, snap)
    lines = source.read_bytes().decode("utf-8").splitlines(keepends=True)
    assert len(lines) == len(frame) + 1, f"{source.name}: a row spans lines; cut() keeps whole lines only"
    last = f"{through}-01"
    if snap.period.get("kind") == "calendar-year-month":  # keep a fiscal year's total row while its months are kept
        fiscal = frame[snap.period["fiscalYear"]].astype(int)
        keep_fy = set(fiscal[stamps.notna() & (stamps <= last)])
        keep = (stamps <= last).fillna(False) | (stamps.isna() & fiscal.isin(keep_fy))
    else:
        keep = stamps <= last
    kept = [lines[0]] + [line for line, k in zip(lines[1:], keep.to_numpy()) if k]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes("".join(kept).encode("utf-8"))
    return registry.coverage_of(registry.read_snapshot(dest, snap), snap)


def record_older(root: Path, names: list[str], through: str = THROUGH, renamed: dict[str, str] | None = None) -> dict[str, Path]:
    """Make the project's recorded vintage of each series the mirror's file cut after `through`.

    The cut file goes into the project's data/external/ (under `renamed[name]` if
    given: the name an earlier release had) and data/external.json records it.
    Returns the cut files by series name.
    """
    renamed = renamed or {}
    known = registry.snapshots(root)
    desc = registry.description_path(root)
    doc = json.loads(desc.read_text(encoding="utf-8"))
    made = {}
    for name in names:
        snap = known[name]
        file = renamed.get(name, snap.file)
        dest = registry.external_dir(root) / file
        months = cut(shared_data() / snap.file, dest, snap, through)
        res = next(r for r in doc["resources"] if r["name"] == name)
        data = dest.read_bytes()
        res.update(path=file, hash=f"sha256:{hashlib.sha256(data).hexdigest()}", bytes=len(data))
        res["coverage"] = {**res.get("coverage", {}), "start": months[0], "end": months[1]}
        res.pop("vintage", None)  # a fixture was not taken from anywhere: say nothing rather than something untrue
        made[name] = dest
    desc.write_text(registry.description_text(doc), encoding="utf-8")
    return made


def newer_mirror(folder: Path, names: list[str] | None = None, renamed: dict[str, str] | None = None) -> Path:
    """A folder holding the mirror's full files (newer than `record_older`'s), some under a publisher's new name."""
    renamed = renamed or {}
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(shared_data().glob("*.csv")):
        name = next((n for n, s in _described().items() if s == path.name), None)
        if names is not None and name not in names:
            continue
        target = folder / renamed.get(name, path.name)
        shutil.copyfile(path, target)
        target.chmod(0o644)
    return folder


def _described() -> dict[str, str]:
    from conftest import REPO

    doc = json.loads((REPO / "data" / "external.json").read_text(encoding="utf-8"))
    return {r["name"]: r["path"] for r in doc["resources"]}


RERUN_SERIES = "mx_deportations_and_returns"
RERUN_OLD = "mx_deportations_and_returns_2015_2024jun.csv"
RERUN_NEW = "mx_deportations_and_returns_2015_2024dec.csv"


def rerun_guide_setup(root: Path) -> None:
    """The state the author's guide (book/guides/rerun.md) walks from, in a copy of the project.

    Every official series is in data/external/ as recorded, except that the
    project records the deportation series cut after June 2024, under the name
    that release had; `incoming/` holds the full file, as a publisher's newer
    release would arrive, under its own new name.
    """
    folder = registry.external_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    for snap in registry.snapshots(root).values():
        shutil.copyfile(shared_data() / snap.file, folder / snap.file)
    full = shared_data() / registry.snapshot(RERUN_SERIES, root).file
    (folder / full.name).unlink()
    record_older(root, [RERUN_SERIES], renamed={RERUN_SERIES: RERUN_OLD})
    (root / "incoming").mkdir()
    shutil.copyfile(full, root / "incoming" / RERUN_NEW)
