"""An edition's data as one archive: the exact files its briefs read, and the outputs they gave.

`data/briefs-data-EDITION.zip` in every edition holds, under one folder:

    data/datapackage.json    the data package, with every file it describes (the CSVs, schemas)
    data/external.json       the official series' description: the vintage (file, sha256,
                             months) of each series; the series themselves are not included
    inputs.json              each brief's record of the files it read, with their sha256
    outputs/                 the outputs lock of the edition: every claim, value, table and
                             chart as the edition's briefs computed them

Every data file is checked against the sha256 the briefs recorded before it goes in, so
the archive holds exactly what the edition was computed from. The bytes are
deterministic: fixed timestamps and permissions, names in order.

`check` is `briefs check --package ARCHIVE`: it runs every brief on the archive's data
package (the official series of the vintages the edition read, from the project's
snapshot folder) and compares the outputs with the archive's, byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import posixpath
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator

from briefs.errors import BuildFailed, UsageError
from briefs.execute import readback
from briefs.execute.schedule import Progress
from briefs.media import ABSENT
from briefs.project import paths
from briefs.review import digest, outputs_lock

FOLDER = "data"  # where an edition keeps its archive
EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no build time leaks into the bytes
PACKAGE = "data/datapackage.json"
DESCRIPTION = "data/external.json"
INPUTS = "inputs.json"
README = "README.txt"
OUTPUTS = "outputs"


def name(edition: str) -> str:
    return f"briefs-data-{edition}"


def relative_path(edition: str) -> str:
    """The archive's place inside its edition's folder."""
    return f"{FOLDER}/{name(edition)}.zip"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _package_files(root: Path) -> list[str]:
    """The data package's descriptor and every file it names (resources and their schemas)."""
    package = paths.default_package(root)
    try:
        descriptor = json.loads(package.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildFailed(f"{package}: cannot read the data package to archive it ({exc})") from None
    base = package.parent
    found = {PACKAGE}
    for res in descriptor.get("resources", []) or []:
        for key in ("path", "schema"):
            value = res.get(key) if isinstance(res, dict) else None
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and "://" not in item:
                    found.add(posixpath.normpath(posixpath.join("data", item)))
    missing = [f for f in sorted(found) if not (root / f).is_file()]
    if missing:
        raise BuildFailed(f"{base}: the data package names files that are not there: {', '.join(missing)}")
    if paths.description_path(root).is_file():
        found.add(DESCRIPTION)
    return sorted(found)


def members(root: Path, notebooks: dict[str, Path]) -> dict[str, bytes]:
    """The archive's files (paths inside its folder) for the briefs executed into `notebooks`."""
    files = {rel: (root / rel).read_bytes() for rel in _package_files(root)}
    recorded: dict[str, dict[str, str]] = {}
    snapshots = {}
    for brief, path in sorted(notebooks.items()):
        import nbformat

        nb = nbformat.read(path, as_version=4)
        recorded[brief] = dict(sorted((readback.inputs(nb) or {}).items()))
        snapshots[brief] = digest.from_notebook(nb, brief, str(path))
        for rel, sha in recorded[brief].items():
            file = rel.split("#", 1)[0]
            if file in files and "#" not in rel and sha != ABSENT and _sha(files[file]) != sha:
                raise BuildFailed(
                    f"{file} changed while the edition was being built (sha256 {_sha(files[file])}, "
                    f"but {brief} read {sha}); release again"
                )
    files[INPUTS] = (json.dumps(recorded, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    for rel, text in outputs_lock.all_files(snapshots).items():
        files[f"{OUTPUTS}/{rel}"] = text.encode("utf-8")
    return files


def readme(edition: str) -> bytes:
    text = (
        f"The data of edition {edition} of this book, as its briefs read it.\n\n"
        "data/            the data package (datapackage.json and every file it describes)\n"
        "data/external.json  the vintage (file, sha256, months) of each official series; the series\n"
        "                 themselves are published by their own agencies and not included\n"
        "inputs.json      each brief's record of the files it read, with their sha256\n"
        "outputs/         every claim, glued value, table and chart the edition's briefs computed\n\n"
        "To check that the briefs give these outputs again from this data, in a copy of the project:\n\n"
        f"    briefs check --package {name(edition)}.zip\n"
    )
    return text.encode("utf-8")


def write(path: Path, edition: str, files: dict[str, bytes]) -> Path:
    """A zip whose bytes depend on its contents only: one folder, names sorted, fixed time and mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    top = name(edition)
    entries = {**files, README: readme(edition)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for rel in sorted(entries):
            info = zipfile.ZipInfo(f"{top}/{rel}", date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, entries[rel], compresslevel=9)
    path.write_bytes(buffer.getvalue())
    return path


def build(root: Path, edition: str, notebooks: dict[str, Path], folder: Path) -> Path:
    """Write the edition's archive into its folder; returns its path."""
    return write(folder / relative_path(edition), edition, members(root, notebooks))


# --- checking an edition's outputs against its archive ------------------------------------------------


def read(archive: Path) -> dict[str, bytes]:
    """The archive's files by their path inside its one folder."""
    try:
        with zipfile.ZipFile(archive) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            tops = {n.split("/", 1)[0] for n in names}
            if len(tops) != 1 or any("/" not in n for n in names):
                raise UsageError(f"{archive}: not an edition's data archive (expected one folder holding data/ and outputs/)")
            files = {n.split("/", 1)[1]: zf.read(n) for n in names}
    except FileNotFoundError:
        raise UsageError(f"{archive}: no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise UsageError(f"{archive}: not a readable zip archive ({exc})") from None
    for rel in rel_name_checks(files):
        raise UsageError(f"{archive}: unsafe path {rel!r} in the archive")
    if PACKAGE not in files or not any(n.startswith(OUTPUTS + "/") for n in files):
        raise UsageError(f"{archive}: not an edition's data archive (no {PACKAGE} or no {OUTPUTS}/)")
    return files


def rel_name_checks(files: dict[str, bytes]) -> list[str]:
    return [n for n in files if n.startswith("/") or ".." in n.split("/")]


def _series_needed(files: dict[str, bytes]) -> dict[str, str]:
    """The official series files the edition's briefs read (or looked for): {file name: sha256 or ABSENT}."""
    try:
        recorded = json.loads(files.get(INPUTS, b"{}"))
    except ValueError:
        recorded = {}
    needed: dict[str, str] = {}
    for inputs in recorded.values():
        for path, sha in inputs.items():
            if "#" not in path and "/external/" in f"/{path}":
                needed[posixpath.basename(path)] = sha
    return needed


@contextlib.contextmanager
def _vintages(archive: Path, files: dict[str, bytes], root: Path, work: Path) -> Iterator[None]:
    """Point the runs at a snapshot folder holding exactly the series vintages the edition read."""
    needed = _series_needed(files)
    folder = work / "external"
    folder.mkdir()
    source = paths.external_dir(root)
    try:
        recorded_now = json.loads(paths.description_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded_now = {}
    now = {
        r.get("path"): str(r.get("hash") or r.get("sha256") or "").removeprefix("sha256:")
        for r in recorded_now.get("resources", [])
        if isinstance(r, dict)
    }
    for file, sha in sorted(needed.items()):
        if sha == ABSENT:
            continue  # the edition was built without it: the check runs without it too
        if now.get(file) and now[file] != sha:
            raise UsageError(
                f"{archive}: the edition read official series file {file} with sha256 {sha}, but this project's "
                f"{paths.description_path(root).name} records {now[file]}; check out the project's commit of that edition"
            )
        candidates = [source / file, *sorted(source.glob("**/*.csv"))] if source.is_dir() else []
        match = next((c for c in candidates if c.is_file() and _sha(c.read_bytes()) == sha), None)
        if match is None:
            raise UsageError(
                f"{archive}: the edition read official series file {file} (sha256 {sha}); "
                f"no such file in {source}: fetch it with `briefs data pull`"
            )
        shutil.copyfile(match, folder / file)
    before = os.environ.get("BRIEFS_EXTERNAL")
    os.environ["BRIEFS_EXTERNAL"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("BRIEFS_EXTERNAL", None)
        else:
            os.environ["BRIEFS_EXTERNAL"] = before


def check(archive: Path, root: Path | None = None, *, progress: Progress | None = None) -> outputs_lock.CheckResult:
    """Run every brief on the archive's data and compare their outputs with the archive's, byte for byte."""
    archive = Path(archive)
    root = Path(root) if root else paths.project_root()
    files = read(archive)
    with tempfile.TemporaryDirectory(prefix="briefs-package-check-") as tmp:
        work = Path(tmp)
        for rel, data in files.items():
            target = work / "archive" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        package = work / "archive" / PACKAGE
        with _vintages(archive, files, root, work):
            snapshots = outputs_lock.fresh(root, work / "runs", progress, parameters={"data_package": str(package)})
        return outputs_lock.compare_lock(snapshots, work / "archive" / OUTPUTS)
