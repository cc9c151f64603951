"""Bringing in a newer vintage of an official series: found, validated, compared, recorded all or nothing.

A publisher's newer file often has a new name (CBP renames its CSV every
month), so a series' candidates are the files in a mirror whose names fit its
`patterns` (or a file named with `--file NAME=PATH`), and the newest is the one
that reaches the latest month. Before anything is written, every candidate is
checked against its series' schema, and the months the recorded vintage
already held are compared with the new file's, row by row: a changed value, a
row gone or a row added in an old month is a *revision*, reported as a finding
(series, month, column, old -> new), never silently absorbed. Then, and only if
every series passed, the new files are moved in, `data/external.json` is
rewritten in one atomic write, and each superseded file is moved to
`data/external/superseded/`. A file older than the recorded vintage is not
taken, with one line saying so.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from briefs import atomic
from briefs.data.official import fetch
from briefs.data.official.fetch import Address, Folder, Progress, Staged
from briefs.data.official.registry import (
    Snapshot,
    compare_coverage,
    coverage_of,
    description_path,
    description_text,
    external_dir,
    months,
    read_description,
    read_snapshot,
    snapshots,
    superseded_dir,
)
from briefs.data.official.schema import display_path
from briefs.data.package import sha256
from briefs.errors import VintageRefused, BriefsError, UsageError

ROW_ADDED, ROW_REMOVED = "row added", "row removed"


@dataclass(frozen=True)
class Revision:
    """One value of a month the recorded vintage already held, as the new vintage has it."""

    series: str
    month: str  # YYYY-MM
    column: str  # a measure, or ROW_ADDED / ROW_REMOVED for a whole row
    key: str  # the row's other key cells, "component=U.S. Border Patrol, ..." ("" when the month is the key)
    old: Any
    new: Any

    def text(self) -> str:
        where = f"{self.series} {self.month}" + (f" ({self.key})" if self.key else "")
        if self.column in (ROW_ADDED, ROW_REMOVED):
            return f"{where}: {self.column}"
        return f"{where}, {self.column}: {_show(self.old)} -> {_show(self.new)}"


def _show(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "missing"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value)}"
    return str(value)


@dataclass
class Change:
    """A newer vintage of one series, checked and waiting in the staging folder."""

    snap: Snapshot  # the recorded vintage it replaces
    staged: Staged
    file: str  # the name it will have in the snapshot folder
    coverage: tuple[str, str] | None
    revisions: list[Revision] = field(default_factory=list)
    not_compared: str | None = None  # why the old months could not be compared, if they could not
    dropped: list[str] = field(default_factory=list)  # months the recorded vintage had and this one lacks

    @property
    def name(self) -> str:
        return self.snap.name

    def summary(self) -> str:
        was = f"{self.snap.file} ({self.snap.months_text()})"
        now = f"{self.file} ({' to '.join(self.coverage) if self.coverage else 'no months'})"
        if self.not_compared:
            found = self.not_compared
        elif self.revisions:
            found = f"{len(self.revisions)} revised value(s) in months already recorded"
        else:
            found = "months already recorded unchanged"
        dropped = f", {len(self.dropped)} month(s) no longer included" if self.dropped else ""
        return f"{was} -> {now}, from {self.staged.origin}: {found}{dropped}"


@dataclass
class Plan:
    """What an update would record: checked changes, and why each other series stays as it is."""

    root: Path
    staging: Path | None
    description: bytes  # data/external.json as read when the plan was made
    changes: dict[str, Change] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # name -> why it keeps its vintage

    @property
    def revisions(self) -> list[Revision]:
        return [r for c in self.changes.values() for r in c.revisions]

    def close(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    def __enter__(self) -> "Plan":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- finding and checking -----------------------------------------------------------


def prepare(
    names: Iterable[str] | None = None,
    *,
    mirror: str | os.PathLike | None = None,
    files: dict[str, str] | None = None,
    root: Path | None = None,
    timeout: float = 60.0,
    progress: Progress | None = None,
) -> Plan:
    """Find the newest candidate of each series, check it, compare its months; write nothing but staging.

    Candidates: `files[name]` (a path or an address) when given, else the files of
    `mirror` (a folder, or an address with a directory index) whose names fit the
    series, else the series' recorded `url`. Raises VintageRefused, having
    removed what it staged, if any candidate fails its schema.
    """
    from briefs.project.paths import project_root

    root = root or project_root()
    progress = progress or Progress()
    known = snapshots(root)
    files = dict(files or {})
    wanted = list(dict.fromkeys([*(names or []), *files])) or list(known)
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise UsageError(f"no official series named {', '.join(map(repr, unknown))} (known: {', '.join(known)})")
    for name, given in files.items():
        if not fetch.is_address(given) and not Path(given).is_file():
            raise UsageError(f"--file {name}={given}: no such file")
    source = fetch.mirror(mirror)
    folder = external_dir(root)
    fetch.clear_stale_staging(folder)
    plan = Plan(root, fetch.staging_dir(folder), description_path(root).read_bytes())
    failures: dict[str, BriefsError] = {}
    try:
        for name in wanted:
            snap = known[name]
            try:
                outcome = _assess(snap, _origins(snap, source, files.get(name), timeout), plan.staging, folder, timeout, progress)
            except BriefsError as exc:
                failures[name] = exc
                progress.finish(name, str(exc), False)
                continue
            if isinstance(outcome, Change):
                plan.changes[name] = outcome
                progress.finish(name, "newer vintage: " + outcome.summary(), True)
            else:
                plan.kept[name] = outcome
                progress.finish(name, outcome, True)
    except BaseException:
        plan.close()
        raise
    if failures:
        plan.close()
        raise VintageRefused(failures)
    return plan


def _origins(
    snap: Snapshot, source: Folder | Address | None, given: str | None, timeout: float
) -> list[tuple[str, Path | str]] | str:
    """(file name, where to get it) for every candidate, or why there is none."""
    if given:
        if fetch.is_address(given):
            return [(given.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or snap.file, given)]
        return [(Path(given).name, Path(given))]
    if isinstance(source, Folder):
        names = [n for n in source.names() if snap.names_a_vintage(n)]
        return [(n, source.locate(n)) for n in names] or f"no file for it in {source.label}"
    if isinstance(source, Address):
        listed = source.names(timeout)
        if listed is None:
            return [(snap.file, source.locate(snap.file))]
        names = [n for n in listed if snap.names_a_vintage(n)]
        return [(n, source.locate(n)) for n in names] or f"no file for it at {source.label}"
    if snap.url:
        return [(snap.file, snap.url)]
    return "no address to look for a newer vintage: use --mirror DIR or --file NAME=PATH"


def _assess(snap: Snapshot, origins, staging: Path, folder: Path, timeout: float, progress: Progress) -> Change | str:
    """The change a series' candidates bring, or why it keeps its vintage."""
    if isinstance(origins, str):
        return origins
    candidates = []
    for file_name, origin in origins:
        try:
            staged = fetch.fetch(origin, staging, snap.name, timeout=timeout, progress=progress)
        except fetch.NotFound:
            if len(origins) == 1:
                return f"no file for it at {origin}"
            raise
        frame = read_snapshot(staged.path, snap, where=staged.origin)
        candidates.append((file_name, staged, frame, coverage_of(frame, snap, staged.origin)))
    # The newest reaches the latest month; among files holding the same months the recorded one is kept.
    candidates.sort(key=lambda c: ((c[3] or ("", ""))[1], c[1].sha256 == snap.sha256), reverse=True)
    file_name, staged, frame, found = candidates[0]
    if staged.sha256 == snap.sha256:
        return "already the recorded vintage" + ("" if file_name == snap.file else f" (named {file_name} there)")
    relation = compare_coverage(found, snap.coverage)
    if relation == "older":
        return (
            f"the newest file found ({staged.origin}, months {' to '.join(found) if found else 'none'}) is older "
            f"than the recorded vintage {snap.file} ({snap.months_text()}); kept the recorded one"
        )
    change = Change(snap, staged, _file_name(file_name, snap), found)
    current = folder / snap.file
    if current.is_file() and sha256(current) == snap.sha256:
        old = read_snapshot(current, snap)
        change.revisions = revisions(snap, old, frame)
        change.dropped = _dropped(snap, old, frame)
    else:
        change.not_compared = (
            f"months already recorded not compared: the recorded vintage {snap.file} is not in "
            f"{display_path(folder)} (pull it first to compare)"
        )
    return change


def _file_name(name: str, snap: Snapshot) -> str:
    """The name the new vintage keeps in the snapshot folder: its own, if it is a plain file name."""
    clean = Path(name).name
    return clean if clean and not clean.startswith(".") else snap.file


# --- revisions ---------------------------------------------------------------------


def key_columns(snap: Snapshot) -> list[str]:
    """The columns that identify a row: the primary key, else the first unique key, else every non-number column."""
    schema = snap.schema
    primary = schema.get("primaryKey")
    if primary:
        return [primary] if isinstance(primary, str) else list(primary)
    unique = schema.get("uniqueKeys") or []
    if unique:
        return [unique[0]] if isinstance(unique[0], str) else list(unique[0])
    return [f["name"] for f in schema["fields"] if f.get("type") not in ("integer", "number")]


def _keyed(frame: pd.DataFrame, snap: Snapshot, key: list[str], keep: set[str] | None) -> pd.DataFrame:
    """Rows of the months in `keep` (all months when None), one per key (summed when the file repeats a key)."""
    stamps = months(frame, snap)
    out = frame.assign(_month=stamps.dt.strftime("%Y-%m"))[stamps.notna().to_numpy()]  # fiscal-year totals aside
    if keep is not None:
        out = out[out["_month"].isin(keep)]
    for column in key:
        out[column] = out[column].astype("string").fillna("")
    if out.duplicated(key).any():
        numeric = [c for c in out.columns if c not in key and c != "_month" and pd.api.types.is_numeric_dtype(out[c])]
        other = [c for c in out.columns if c not in key and c not in numeric]
        agg = {**{c: "sum" for c in numeric}, **{c: "first" for c in other}}
        out = out.groupby(key, as_index=False, sort=False).agg(agg)
    return out.set_index(key)


def revisions(snap: Snapshot, old: pd.DataFrame, new: pd.DataFrame) -> list[Revision]:
    """Every value of a month `old` holds that `new` states differently, row by row."""
    key = key_columns(snap)
    before = _keyed(old, snap, key, None)
    after = _keyed(new, snap, key, set(before["_month"]))
    measures = [c for c in before.columns if c != "_month" and c in after.columns]
    found: list[Revision] = []
    shared = before.index.intersection(after.index)
    for index in before.index.difference(after.index):
        found.append(Revision(snap.name, before.at[index, "_month"], ROW_REMOVED, _key_text(key, index, snap), None, None))
    for index in after.index.difference(before.index):
        found.append(Revision(snap.name, after.at[index, "_month"], ROW_ADDED, _key_text(key, index, snap), None, None))
    a, b = before.loc[shared, measures], after.loc[shared, measures]
    for column in measures:
        left, right = a[column].astype(object), b[column].astype(object)
        equal = (left == right).fillna(False).astype(bool).to_numpy() | (left.isna() & right.isna()).to_numpy()
        for index in left.index[~equal]:
            found.append(
                Revision(
                    snap.name,
                    before.at[index, "_month"],
                    column,
                    _key_text(key, index, snap),
                    _plain(left[index]),
                    _plain(right[index]),
                )
            )
    found.sort(key=lambda r: (r.month, r.key, r.column))
    return found


def _key_text(key: list[str], index, snap: Snapshot) -> str:
    values = index if isinstance(index, tuple) else (index,)
    period = set(snap.period.values())
    return ", ".join(f"{k}={v}" for k, v in zip(key, values) if k not in period and v != "")


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _dropped(snap: Snapshot, old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    held = set(months(old, snap).dropna().dt.strftime("%Y-%m"))
    now = set(months(new, snap).dropna().dt.strftime("%Y-%m"))
    return sorted(held - now)


# --- recording ---------------------------------------------------------------------


def commit(plan: Plan, *, today: str | None = None) -> list[str]:
    """Move the new vintages in and record them; external.json is written once, or not at all.

    Returns the superseded files' new places. The staging folder is removed.
    """
    root = plan.root
    path = description_path(root)
    if path.read_bytes() != plan.description:
        plan.close()
        raise UsageError(f"{display_path(path)} changed while the new vintages were being checked; run the update again")
    today = today or dt.datetime.now(dt.timezone.utc).date().isoformat()
    doc = read_description(root)
    for res in doc["resources"]:
        change = plan.changes.get(res.get("name"))
        if change:
            _record(res, change, today, root)
    text = description_text(doc)
    folder = external_dir(root)
    archive = superseded_dir(root)
    placed: list[tuple[Path, Path | None]] = []  # (new file, where the file it replaced went)
    try:
        for change in plan.changes.values():
            target = folder / change.file
            kept = None
            if target.exists():  # same name as a file already there: keep that one first
                kept = _archive_place(archive, target)
                os.link(target, kept) if _same_device(target, archive) else shutil.copy2(target, kept)
            os.replace(change.staged.path, target)
            placed.append((target, kept))
        atomic.write_text(path, text)
    except BaseException:
        for target, kept in reversed(placed):  # put the folder back as it was
            if kept is not None:
                os.replace(kept, target)
            else:
                target.unlink(missing_ok=True)
        plan.close()
        raise
    moved = [str(kept) for _, kept in placed if kept is not None]
    for change in plan.changes.values():
        old = folder / change.snap.file
        if change.snap.file != change.file and old.is_file():
            destination = _archive_place(archive, old)
            os.replace(old, destination)
            moved.append(str(destination))
    plan.close()
    return moved


def _record(res: dict, change: Change, today: str, root: Path) -> None:
    """Rewrite one resource for its new vintage: file, hash, size, months, when and where from."""
    origin = change.staged.origin
    address = fetch.is_address(origin)
    res["path"] = change.file
    res["hash"] = f"sha256:{change.staged.sha256}"
    res["bytes"] = change.staged.bytes
    coverage = dict(res.get("coverage") or {})
    if change.coverage:
        coverage.update(start=change.coverage[0], end=change.coverage[1])
    res["coverage"] = coverage
    res["vintage"] = {"taken": today, "from": origin if address else _folder_label(change.staged.origin, root)}
    # The copies the old vintage came from say nothing about the new one: only the publisher's pages stay.
    res["sources"] = [s for s in res.get("sources", []) if isinstance(s, dict) and s.get("role") == "publisher"]
    if address:
        res["url"] = origin
        res["urlNote"] = f"The address this vintage was downloaded from on {today}; the sha256 check refuses anything else."
    else:
        res["url"] = None
        res["urlNote"] = (
            f"This vintage was taken from a local folder on {today}; no address serving these exact bytes is recorded: get them with --mirror."
        )


def _folder_label(origin: str, root: Path) -> str:
    """A folder as the description records it: relative to the project when it is near it, else its name alone."""
    folder = Path(origin).resolve().parent
    relative = os.path.relpath(folder, root.resolve())
    return relative if relative.count("..") <= 1 else folder.name


def _archive_place(archive: Path, old: Path) -> Path:
    archive.mkdir(parents=True, exist_ok=True)
    target = archive / old.name
    if target.exists():
        target = archive / f"{old.stem}.{sha256(old)[:12]}{old.suffix}"
        target.unlink(missing_ok=True)
    return target


def _same_device(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.stat().st_dev
    except OSError:
        return False


def bring_in(
    names: Iterable[str] | None = None,
    *,
    mirror: str | os.PathLike | None = None,
    files: dict[str, str] | None = None,
    root: Path | None = None,
    today: str | None = None,
    timeout: float = 60.0,
    progress: Progress | None = None,
) -> Plan:
    """Find, check and record the newest vintage of each series (`prepare`, then `commit`)."""
    with prepare(names, mirror=mirror, files=files, root=root, timeout=timeout, progress=progress) as plan:
        if plan.changes:
            commit(plan, today=today)
    return plan
