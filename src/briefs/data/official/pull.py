"""`briefs data pull`: fetch the vintage each series records, and nothing else.

Each file comes from a mirror (a folder or an address holding the series'
files) or from the series' recorded download address, lands in a staging
folder, and is renamed into place only when its sha256 is the recorded one. A
file that is not the recorded vintage is never taken; instead the refusal says
what it is, in one line: an older vintage (with the months each holds, and
what to do), a newer one (bring it in with `briefs data update`), the same
months with other bytes, or a damaged file.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from briefs.data.official import fetch
from briefs.data.official.fetch import Address, Folder, HashMismatch, Progress, Staged
from briefs.data.official.registry import (
    Snapshot,
    compare_coverage,
    coverage_of,
    external_dir,
    read_snapshot,
    snapshots,
)
from briefs.data.official.schema import display_path
from briefs.data.package import sha256
from briefs.errors import OlderVintage, PullFailed, BriefsError, DataError, FetchFailed, UsageError


@dataclass
class PullReport:
    folder: Path
    outcomes: dict[str, str] = field(default_factory=dict)  # name -> what happened
    failures: dict[str, BriefsError] = field(default_factory=dict)


def pull(
    names: Iterable[str] | None = None,
    *,
    mirror: str | os.PathLike | None = None,
    root: Path | None = None,
    force: bool = False,
    urls: dict[str, str] | None = None,
    timeout: float = 60.0,
    progress: Progress | None = None,
) -> PullReport:
    """Fetch the recorded vintage of the named series (default: all) into the snapshot folder, verified.

    `mirror` is a local folder or an http(s) address holding the files; without
    it each file comes from its recorded `url` (`urls` overrides those, by
    name). A file already present with the recorded hash is left alone unless
    `force`. Every series is attempted; if any failed, the single error (or a
    PullFailed listing them) is raised at the end, after the others are in place.
    """
    progress = progress or Progress()
    known = snapshots(root)
    wanted = list(dict.fromkeys(names)) if names else list(known)
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise UsageError(f"no official series named {', '.join(map(repr, unknown))} (known: {', '.join(known)})")
    source = fetch.mirror(mirror)
    folder = external_dir(root)
    report = PullReport(folder)
    fetch.clear_stale_staging(folder)
    staging: Path | None = None
    try:
        for name in wanted:
            snap = known[name]
            dest = folder / snap.file
            if not force and dest.is_file() and sha256(dest) == snap.sha256:
                report.outcomes[name] = "already verified" + _others_in(snap, source)
                progress.finish(name, report.outcomes[name], True)
                continue
            staging = staging or fetch.staging_dir(folder)
            try:
                staged, note = _recorded_vintage(snap, dest, source, (urls or {}).get(name), staging, timeout, progress)
                os.replace(staged.path, dest)
            except BriefsError as exc:
                report.failures[name] = exc
                progress.finish(name, str(exc), False)
                continue
            report.outcomes[name] = "pulled and verified" + note
            progress.finish(name, report.outcomes[name], True)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    if len(report.failures) == 1:
        exc = next(iter(report.failures.values()))
        exc.report = report  # type: ignore[attr-defined]
        raise exc
    if report.failures:
        raise PullFailed(report)
    return report


def _recorded_vintage(
    snap: Snapshot, dest: Path, source, url: str | None, staging: Path, timeout: float, progress: Progress
) -> tuple[Staged, str]:
    """The recorded vintage staged, and a note on where it was found; or one line saying why not."""
    before = f"{display_path(dest)} left untouched" if dest.exists() else f"nothing written to {display_path(dest.parent)}"
    if source is None:
        origin = url or snap.url
        if not origin:
            raise DataError(f"{snap.file}: no download address in {snap.described_in}; use --mirror DIR (or record a url)")
        try:
            return fetch.fetch(origin, staging, snap.name, known_hash=snap.sha256, timeout=timeout, progress=progress), ""
        except HashMismatch as exc:
            raise _explain(snap, exc, staging, timeout, before, None) from None
    candidates = _candidates(snap, source, timeout)
    if not candidates:
        raise DataError(f"{snap.file}: not in the mirror {source.label}")
    refusals = []
    for file_name, origin in candidates:
        try:
            staged = fetch.fetch(origin, staging, snap.name, known_hash=snap.sha256, timeout=timeout, progress=progress)
        except HashMismatch as exc:
            refusals.append(exc)
            continue
        except FetchFailed:
            if file_name == snap.file and len(candidates) > 1:
                continue  # the recorded name is missing there; another name may hold the bytes
            raise
        return staged, "" if file_name == snap.file else f" (named {file_name} in the mirror)"
    raise _explain(snap, refusals[0], staging, timeout, before, source)


def _others_in(snap: Snapshot, source) -> str:
    """A note when a mirror folder holds a file of the series other than the recorded vintage (pull never takes it)."""
    if not isinstance(source, Folder):
        return ""
    others = [
        n for n in source.names() if snap.names_a_vintage(n) and (n != snap.file or sha256(source.locate(n)) != snap.sha256)
    ]
    if not others:
        return ""
    return (
        f"; the mirror also holds {', '.join(others)}, another vintage: "
        f"`briefs data update --mirror {source.label} --only {snap.name}` compares it and brings it in if newer"
    )


def _candidates(snap: Snapshot, source: Folder | Address, timeout: float) -> list[tuple[str, Path | str]]:
    """Files in the mirror that may hold the series: the recorded name first, then names fitting its patterns."""
    if isinstance(source, Folder):
        names = source.names()
    else:
        names = source.names(timeout)
        if names is None:  # no directory index: only the recorded name can be tried
            return [(snap.file, source.locate(snap.file))]
    fitting = [n for n in names if n != snap.file and snap.names_a_vintage(n)]
    ordered = ([snap.file] if snap.file in names else []) + fitting
    return [(n, source.locate(n)) for n in ordered]


def _explain(
    snap: Snapshot, refusal: HashMismatch, staging: Path, timeout: float, before: str, source: Folder | Address | None
) -> DataError:
    """One line saying what the file that is not the recorded vintage is, and what to do."""
    staged = refusal.staged
    if staged is None:  # pooch deleted the download when its hash did not match: fetch it once more to read it
        try:
            staged = fetch.fetch(refusal.label, staging, snap.name, timeout=timeout)
        except BriefsError:
            return DataError(
                f"{snap.name}: {refusal.label} is not the recorded vintage {snap.file} (its sha256 differs); {before}"
            )
    where = refusal.label
    try:
        found = coverage_of(read_snapshot(staged.path, snap, where), snap, where)
    except DataError as exc:
        return DataError(f"{snap.name}: {where} is not the recorded vintage (its sha256 differs) and is not valid either: {exc}")
    recorded = f"the recorded vintage {snap.file} has {snap.months_text()}"
    held = " to ".join(found) if found else "no months"
    mirror_arg = f" --mirror {source.label}" if source is not None else ""
    relation = compare_coverage(found, snap.coverage)
    if relation == "older":
        fix = (
            f"download the recorded file with `briefs data pull --only {snap.name}`"
            if snap.url
            else f"copy the recorded file {snap.file} into the mirror"
        )
        return OlderVintage(
            f"{snap.name}: the mirror holds an older vintage than {snap.described_in} records "
            f"({where} has months {held}; {recorded}): {fix}, or use a mirror that has it; {before}",
            snap.name,
            held,
            snap.months_text(),
        )
    if relation == "newer":
        return DataError(
            f"{snap.name}: the mirror holds a newer vintage than {snap.described_in} records "
            f"({where} has months {held}; {recorded}): bring it in with "
            f"`briefs data update{mirror_arg} --only {snap.name}`; {before}"
        )
    return DataError(
        f"{snap.name}: {where} holds the same months as the recorded vintage ({held}) but other bytes "
        f"(sha256 {staged.sha256[:12]}, recorded {snap.sha256[:12]}): a revision, or an edited copy; "
        f"`briefs data update{mirror_arg} --only {snap.name}` reports which months differ; "
        f"{before}"
    )
