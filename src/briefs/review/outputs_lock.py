"""The outputs lock: every brief's numbers as small CSV files committed under `outputs/`.

A pull request that changes data or code changes these files too, so its
plain `git diff` shows which claim, glued value, table cell or chart point
moved, line by line, without opening a notebook. `briefs lock` rewrites the
folder from the executed notebooks in build/runs; `briefs check` re-runs every
brief in a temporary folder (build/ and the site are not touched) and fails,
naming what differs, when the committed lock no longer matches the code and
data beside it.

Layout, per brief: `NAME/claims.csv` (one claim a line: id, status, value...),
`NAME/values.csv` (glued values that are not claims), `NAME/derivations.csv` (how
each glued value is computed: formula, unit, period, inputs and their sources, no values; see
`review.formulas`), `NAME/tables/T.csv` and
`NAME/charts/C.csv` (the data each table and chart shows). Everything is
sorted or in the brief's own order, with LF endings, so the same outputs give
the same bytes.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefs import atomic
from briefs.project import buildlock, catalog
from briefs.review import digest, formulas
from briefs.review.diff import Report, compare
from briefs.errors import BriefFailed, UsageError
from briefs.execute.schedule import Progress, run_briefs
from briefs.project import paths
from briefs.execute.normalize import slug
from briefs.review.digest import Chart, Digest, Table
from briefs.review.numbers import cell

CLAIM_COLUMNS = [
    "id",
    "status",
    "text",
    "value",
    "published",
    "rule",
    "statement",
    "source",
    "basis",
    "kind",
    "unit",
    "period",
    "instead",
]  # what a claim rests on and how a contradiction reads


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[cell(v) for v in row] for row in rows])
    return buffer.getvalue()


def _file_names(names: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        base = slug(name)
        candidate, n = base, 2
        while candidate in out.values():
            candidate, n = f"{base}-{n}", n + 1
        out[name] = candidate
    return out


def lock_files(snap: Digest) -> dict[str, str]:
    """The lock's files for one brief, as {path relative to outputs/: text}."""
    files = {
        f"{snap.name}/claims.csv": csv_text(CLAIM_COLUMNS, [[c.get(k) for k in CLAIM_COLUMNS] for c in snap.claims]),
        f"{snap.name}/values.csv": csv_text(["key", "value"], [[k, v] for k, v in snap.glued().items()]),
    }
    if snap.formulas:
        files[f"{snap.name}/derivations.csv"] = csv_text(
            formulas.COLUMNS, [[line[c] for c in formulas.COLUMNS] for line in snap.formulas.values()]
        )
    for name, file in _file_names(list(snap.tables)).items():
        t = snap.tables[name]
        files[f"{snap.name}/tables/{file}.csv"] = csv_text(
            [t.index_name, *t.columns], [[r, *row] for r, row in zip(t.index, t.data)]
        )
    for name, file in _file_names(list(snap.charts)).items():
        c = snap.charts[name]
        columns = list(dict.fromkeys(k for row in c.data for k in row))
        files[f"{snap.name}/charts/{file}.csv"] = csv_text(columns, [[row.get(k) for k in columns] for row in c.data])
    return files


def all_files(snapshots: dict[str, Digest]) -> dict[str, str]:
    files: dict[str, str] = {}
    for snap in snapshots.values():
        files.update(lock_files(snap))
    return dict(sorted(files.items()))


def _managed(rel: str) -> bool:
    parts = rel.split("/")
    return (len(parts) == 2 and parts[1] in ("claims.csv", "values.csv", "derivations.csv")) or (
        len(parts) == 3 and parts[1] in ("tables", "charts") and parts[2].endswith(".csv")
    )


def read_files(folder: Path) -> dict[str, str]:
    """The lock files present in `folder` (anything else there, such as a README, is left alone)."""
    if not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.rglob("*.csv")):
        rel = path.relative_to(folder).as_posix()
        if _managed(rel):
            found[rel] = path.read_text(encoding="utf-8")
    return found


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def parse(files: dict[str, str]) -> dict[str, Digest]:
    """Lock files back into snapshots (every value a string), so two locks compare like two runs."""
    snaps: dict[str, Digest] = {}
    for rel, text in sorted(files.items()):
        parts = rel.split("/")
        snap = snaps.setdefault(parts[0], Digest(name=parts[0], title=parts[0], origin=rel))
        rows = _rows(text)
        header, body = (rows[0], rows[1:]) if rows else ([], [])
        if parts[1] == "claims.csv":
            snap.claims = [{k: (v if v != "" else None) for k, v in zip(header, row)} for row in body]
        elif parts[1] == "values.csv":
            snap.values.update({row[0]: row[1] for row in body if len(row) >= 2})
        elif parts[1] == "derivations.csv":
            snap.formulas = {row[0]: dict(zip(header, row)) for row in body if row}
        elif parts[1] == "tables":
            name = parts[2][: -len(".csv")]
            snap.tables[name] = Table(
                name=name,
                caption="",
                index_name=header[0] if header else "",
                index=[row[0] for row in body],
                columns=header[1:],
                data=[row[1:] for row in body],
            )
        elif parts[1] == "charts":
            name = parts[2][: -len(".csv")]
            snap.charts[name] = Chart(name=name, title=name, description="", data=[dict(zip(header, row)) for row in body])
    return snaps


def write(snapshots: dict[str, Digest], folder: Path) -> list[str]:
    """Make `folder` hold exactly the lock of `snapshots`; returns the paths it created, changed or removed."""
    files = all_files(snapshots)
    present = read_files(folder)
    touched = []
    for rel in sorted(set(present) - set(files)):
        (folder / rel).unlink()
        touched.append(rel)
    for rel, text in files.items():
        if present.get(rel) != text:
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic.write_text(path, text)
            touched.append(rel)
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(sub.iterdir()):
            sub.rmdir()
    return sorted(touched)


def from_runs(root: Path | None = None, runs: Path | None = None) -> dict[str, Digest]:
    """Snapshots of every brief's executed notebook in `runs` (build/runs); a brief never run is an error."""
    root = root or paths.project_root()
    snaps = {}
    missing = []
    for brief in catalog.discover(root):
        path = runs / f"{brief.name}.ipynb" if runs else paths.run_path(brief.name, root)
        if not path.exists():
            missing.append(brief.name)
            continue
        snaps[brief.name] = digest.read(path, brief.name)
    if missing:
        where = runs or "build/runs"
        raise UsageError(
            f"no executed notebook in {where} for {', '.join(missing)}: run `briefs lock --run` (or `make book`) first"
        )
    return snaps


def lock(
    root: Path | None = None,
    *,
    folder: Path | None = None,
    runs: Path | None = None,
    run: bool = False,
    progress: Progress | None = None,
) -> list[str]:
    """(Re)write the outputs lock from build/runs (or `runs`), running the briefs there first if `run`
    (through the build's scheduler: in parallel, and only the briefs whose inputs changed)."""
    root = root or paths.project_root()
    with buildlock.hold(root, progress):  # it runs briefs into build/ and reads them back
        if run:
            _, failures, _ = run_briefs(catalog.discover(root), root, progress=progress, into=runs)
            if failures:
                raise BriefFailed("the briefs must all run to lock their outputs: " + "; ".join(failures.values()))
        return write(from_runs(root, runs), folder or paths.lock_dir(root))


def fresh(
    root: Path | None = None, workdir: Path | None = None, progress: Progress | None = None, parameters: dict | None = None
) -> dict[str, Digest]:
    """Every brief run anew (in parallel) into `workdir` (a temporary folder if None), never into build/,
    with `parameters` given to every brief (such as another `data_package`)."""
    root = root or paths.project_root()
    with tempfile.TemporaryDirectory(prefix="briefs-check-") as tmp:
        work = Path(workdir or tmp)
        briefs = catalog.discover(root)
        runs, failures, _ = run_briefs(briefs, root, progress=progress, into=work, parameters=parameters)
        if failures:
            raise BriefFailed("the briefs must all run to check the outputs lock: " + "; ".join(failures.values()))
        done = {r.brief: r.notebook for r in runs}
        return {b.name: digest.read(done[b.name], b.name) for b in briefs}


@dataclass
class CheckResult:
    report: Report
    files: list[str] = field(default_factory=list)  # lock files that are missing, extra or different

    @property
    def ok(self) -> bool:
        return not self.files


def compare_lock(snapshots: dict[str, Digest], folder: Path) -> CheckResult:
    """The committed lock against fresh snapshots: which files differ, and what moved inside them."""
    expected = all_files(snapshots)
    actual = read_files(folder)
    differing = sorted(rel for rel in set(expected) | set(actual) if expected.get(rel) != actual.get(rel))
    report = compare(parse(actual), parse(expected), f"{folder} (locked)", "a fresh run")
    return CheckResult(report, differing)


def check(root: Path | None = None, *, folder: Path | None = None, progress: Progress | None = None) -> CheckResult:
    root = root or paths.project_root()
    return compare_lock(fresh(root, progress=progress), folder or paths.lock_dir(root))
