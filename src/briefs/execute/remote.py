"""Run briefs on a Dask cluster whose workers share no disk with this machine.

A task carries everything a brief reads: the brief's MyST text, its parameters, and the
project's data files (`data/`, the official series too), as bytes keyed by their path in the
project. The files go to the cluster once per build (`Client.scatter`, content-hashed, so a
worker that already holds them is not sent them again), and each task names them. A worker
writes them into a project folder of its own (one per worker thread, under the worker's local
directory, rewriting only files whose bytes changed, so its warm kernel and checks carry over
from task to task), runs the brief there with `run.run_brief`, and returns the executed
notebook's bytes with what it recorded (claims, inputs) or, when the brief fails, the error and
the failed notebook's bytes. This machine writes the notebook where a local run would have,
so the cache and the book see no difference: the same inputs give the same bytes wherever they
ran (tests/execute/test_remote.py compares them with local runs).

A run whose `data_package` parameter names a package elsewhere in the project (another vintage of
the data kept beside `data/`, as a sweep over vintages has) is sent that package's folder too.
Every worker must have the same `briefs` library and packages as this machine (a run on a
worker whose library differs fails, naming it). A brief whose data live outside the project
folder (a `data_package` parameter, or BRIEFS_EXTERNAL pointing elsewhere) cannot be sent.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefs import atomic, errors
from briefs.errors import BriefFailed, UsageError
from briefs.execute.run import RunResult
from briefs.project import catalog, paths

FOLDERS = ("data",)  # what a brief may read, relative to the project root
MARKERS = ("pyproject.toml",)  # with data/datapackage.json, what makes a folder a project


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back for one brief."""

    ok: bool
    notebook: bytes = b""
    parameters: dict = field(default_factory=dict)
    claims: list = field(default_factory=list)
    inputs: dict | None = None
    error: str = ""
    kind: str = ""
    failed: bytes | None = None
    library: str = ""
    where: str = ""


def bundle(root: Path) -> dict[str, bytes]:
    """The project's files a brief may read, by path relative to the root."""
    external = paths.external_dir(root).resolve()
    if not external.is_relative_to(root.resolve()):
        raise UsageError(
            f"the official series are in {external}, outside the project: a remote worker cannot be sent them "
            "(use the default data/external/ or a folder inside the project)"
        )
    files = folder_files(root, [*FOLDERS, external.relative_to(root.resolve()).as_posix()])
    for name in MARKERS:
        if (root / name).is_file():
            files[name] = (root / name).read_bytes()
    return files


def folder_files(root: Path, folders: list[str]) -> dict[str, bytes]:
    """Every file under these folders of the project, by path relative to the root."""
    files: dict[str, bytes] = {}
    for folder in sorted(set(folders)):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def sendable(root: Path, parameters: dict) -> None:
    """Raise UsageError, naming the parameter, if a run with these parameters cannot be sent to a
    worker (`package_folder`)."""
    if parameters.get("data_package"):
        package_folder(Path(root), str(parameters["data_package"]))


def package_folder(root: Path, package: str) -> str | None:
    """The project folder of the data package a `data_package` parameter names, relative to the
    root, when bundle() does not send it already; None when it does. Raises UsageError for a
    package outside the project, which no worker can be sent."""
    path = Path(package) if Path(package).is_absolute() else root / package
    folder = path if path.is_dir() else path.parent
    if not folder.resolve().is_relative_to(root.resolve()):
        raise UsageError(f"parameter 'data_package': {package} is outside the project, so a remote worker cannot be sent it")
    if Path(package).is_absolute():  # the worker's copy of the project is elsewhere
        raise UsageError(f"parameter 'data_package': give {package} relative to the project folder to run it on a cluster")
    # As the brief will open it on the worker (through a link too), not where a link points.
    rel = Path(os.path.normpath(folder.relative_to(root))).as_posix()
    if rel == "." or rel.startswith("../"):
        raise UsageError(
            f"parameter 'data_package': {package} is not in a folder of its own inside the project, "
            "so a remote worker cannot be sent it (keep each vintage of the data in a folder, like data/)"
        )
    if any(rel == sent or rel.startswith(sent + "/") for sent in FOLDERS):
        return None
    return rel


def _workdir() -> Path:
    """This worker thread's own project folder, kept from task to task."""
    base = Path(tempfile.gettempdir())
    try:
        from distributed import get_worker

        base = Path(get_worker().local_directory)
    except (ImportError, ValueError):
        pass
    return base / f"briefs-{os.getpid()}-{threading.get_ident()}" / "project"


def _materialize(root: Path, name: str, text: str, files: dict[str, bytes]) -> None:
    """Make `root` hold the brief and the files, and nothing else of a former task in the folders
    this task is sent (a package folder a former task was sent and this one is not stays, unread)."""
    wanted = {**files, f"notebooks/{name}.md": text.encode("utf-8")}
    for rel, data in wanted.items():
        target = root / rel
        if not (target.is_file() and target.read_bytes() == data):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    others = {rel.split("/")[0] for rel in files if "/" in rel} - {"notebooks", *FOLDERS}  # another package's
    for folder in ("notebooks", *FOLDERS, *sorted(others)):
        for path in sorted((root / folder).rglob("*"), reverse=True):
            if path.is_file() and path.relative_to(root).as_posix() not in wanted:
                path.unlink()


def run_task(name: str, text: str, parameters: dict, strict: bool, external: str, *sent: dict[str, bytes]) -> Outcome:
    """On a worker: one brief, from its text and the project's files (`bundle`, then any other data
    package its parameters name), to the executed notebook's bytes."""
    import nbformat

    from briefs.execute import readback
    from briefs.execute.fingerprint import library_digest
    from briefs.execute.run import run_brief

    root = _workdir()
    files = {rel: data for part in sent for rel, data in part.items()}
    _materialize(root, name, text, files)
    out, failed = root.parent / "out" / f"{name}.ipynb", root.parent / "failed" / f"{name}.ipynb"
    failed.unlink(missing_ok=True)
    saved = os.environ.get("BRIEFS_EXTERNAL")
    os.environ["BRIEFS_EXTERNAL"] = str(root / external)  # where this machine's series were, inside the copy
    try:
        result = run_brief(name, parameters, root=root, strict=strict, output=out, failed=failed)
    except errors.BriefsError as exc:
        return Outcome(
            ok=False,
            error=str(exc),
            kind=type(exc).__name__,
            failed=failed.read_bytes() if failed.exists() else None,
            library=library_digest(),
            where=str(root),
        )
    finally:
        if saved is None:
            os.environ.pop("BRIEFS_EXTERNAL", None)
        else:
            os.environ["BRIEFS_EXTERNAL"] = saved
    data = out.read_bytes()
    return Outcome(
        ok=True,
        notebook=data,
        parameters=result.parameters,
        claims=result.claims,
        inputs=readback.inputs(nbformat.reads(data.decode("utf-8"), as_version=4)),
        library=library_digest(),
        where=str(root),
    )


class Cluster:
    """A connection to a Dask scheduler for one build: the files sent once, briefs submitted, results landed."""

    def __init__(self, address: Any, root: Path):
        self.address, self.root = address, Path(root)

    def __enter__(self) -> Cluster:
        try:
            import distributed
        except ImportError:
            raise UsageError("--scheduler needs Dask's distributed package (pip install distributed)") from None
        from briefs.execute.fingerprint import library_digest

        self.library = library_digest()
        external = paths.external_dir(self.root).resolve()
        files = bundle(self.root)
        self.external = external.relative_to(self.root.resolve()).as_posix()
        try:
            self.client = distributed.Client(self.address, timeout="30s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        self.files = self.client.scatter(files, hash=True)  # sent once; tasks name it
        self.packages: dict[str, Any] = {}  # other data packages the runs name, each sent once
        self._as_completed = distributed.as_completed
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def submit(self, name: str, parameters: dict, strict: bool):
        sent = [self.files]
        package = parameters.get("data_package")
        folder = package_folder(self.root, str(package)) if package else None
        if folder is not None:
            if folder not in self.packages:
                self.packages[folder] = self.client.scatter(folder_files(self.root, [folder]), hash=True)
            sent.append(self.packages[folder])
        text = catalog.get(name, self.root).path.read_text(encoding="utf-8")
        return self.client.submit(run_task, name, text, parameters, strict, self.external, *sent, pure=False)

    def as_completed(self, futures):
        return self._as_completed(list(futures), loop=self.client.loop)

    def land(self, future, name: str, output: Path, failed: Path) -> RunResult:
        """Write what a worker returned where a local run would have; raise its failure as this machine's."""
        outcome: Outcome = future.result()
        if outcome.library != self.library:
            raise BriefFailed(
                f"{name}: the worker at {self.address} runs a different briefs library than this machine "
                "(install the same version on every worker)"
            )
        if not outcome.ok:
            if outcome.failed is not None:
                atomic.write_bytes(failed, outcome.failed)
            raise getattr(errors, outcome.kind, BriefFailed)(outcome.error)
        scratch = paths.scratch_dir(self.root) if output.resolve().is_relative_to(paths.build_dir(self.root).resolve()) else None
        atomic.write_bytes(output, outcome.notebook, scratch=scratch)
        return RunResult(brief=name, notebook=output, parameters=outcome.parameters, claims=outcome.claims)
