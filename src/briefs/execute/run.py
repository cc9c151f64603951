"""Execute one brief with papermill, from its MyST source to a deterministic executed notebook.

The executed notebook is written aside and renamed into place only when the
run succeeds, so a failing run never replaces what was last published; the
failed notebook is kept under `build/failed/` for the author to read.
Papermill's timestamps, durations and random cell ids are removed, and what
else varies between runs or machines is made stable (`scrub`), so the same
inputs give the same bytes and reviewers diff only what changed.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import nbformat

from briefs import atomic
from briefs.project import catalog
from briefs.execute import downloads, readback, warm
from briefs.errors import BriefFailed, ClaimContradicted, DataError, UsageError
from briefs.project import paths
from briefs.project.paths import default_package, project_root

KERNEL = "briefs"


@dataclass
class RunResult:
    brief: str
    notebook: Path
    parameters: dict[str, Any]
    claims: list[dict] = field(default_factory=list)

    @property
    def contradicted(self) -> list[dict]:
        return [c for c in self.claims if c["status"] != "holds"]


def ensure_kernel() -> str:
    """A kernelspec named 'briefs' that runs this interpreter, so runs never pick another environment."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve() and spec.argv[1:3] == ["-m", "briefs.execute.kernel"]:
            return KERNEL
    except (NoSuchKernel, OSError, ValueError, IndexError):
        pass  # absent, or left half-installed by a killed run: install it again
    import tempfile as _tempfile

    from ipykernel.kernelspec import write_kernel_spec

    with _tempfile.TemporaryDirectory() as tmp:
        # The kernel's own log (a warning about TCP transport on every start) is noise to authors.
        path = write_kernel_spec(Path(tmp) / KERNEL, overrides={"display_name": "Python (briefs)"})
        spec_file = Path(path) / "kernel.json"
        spec = json.loads(spec_file.read_text())
        spec["argv"] = [sys.executable, "-m", "briefs.execute.kernel", "-f", "{connection_file}", "--log-level=ERROR"]
        spec_file.write_text(json.dumps(spec, indent=1))
        KernelSpecManager().install_kernel_spec(str(path), KERNEL, prefix=sys.prefix)
    return KERNEL


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _coerce(name: str, raw: Any, default_type: str) -> Any:
    if not isinstance(raw, str):
        return raw
    if default_type == "date":
        try:
            if ISO_DATE.match(raw):
                date.fromisoformat(raw)
                return raw
        except ValueError:
            pass
        raise UsageError(f"parameter {name!r}: {raw!r} is not a date (YYYY-MM-DD)")
    if default_type == "bool":
        low = raw.strip().lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no"):
            return False
        raise UsageError(f"parameter {name!r}: {raw!r} is not true or false")
    if default_type == "int":
        try:
            return int(raw)
        except ValueError:
            raise UsageError(f"parameter {name!r}: {raw!r} is not a whole number") from None
    if default_type == "float":
        try:
            return float(raw)
        except ValueError:
            raise UsageError(f"parameter {name!r}: {raw!r} is not a number") from None
    return raw


def _declared_type(spec: dict) -> str:
    """The type of a parameter: its annotation if any, else the type of its default literal.

    A string default written as an ISO date makes a date parameter, so a value
    that is not a date is refused here rather than failing deep in the brief.
    """
    hinted = spec.get("inferred_type_name")
    if hinted and hinted != "None":
        return hinted
    try:
        default = ast.literal_eval(spec.get("default", ""))
    except (ValueError, SyntaxError):
        return "str"
    if isinstance(default, str) and ISO_DATE.match(default):
        return "date"
    return type(default).__name__


def parameters_of(nb_path: Path) -> dict[str, dict]:
    """The brief's declared parameters (from its `parameters` cell) with their inferred types."""
    import papermill

    return papermill.inspect_notebook(str(nb_path))


def check_parameters(brief: str, declared: dict[str, dict], given: dict[str, Any]) -> dict[str, Any]:
    """Refuse unknown names, convert CLI strings to the declared type, refuse control characters."""
    out = {}
    for name, raw in given.items():
        if name not in declared:
            valid = ", ".join(sorted(declared)) or "(none)"
            raise UsageError(f"brief {brief!r} has no parameter {name!r}; its parameters are: {valid}")
        value = _coerce(name, raw, _declared_type(declared[name]))
        if isinstance(value, str) and any(ord(ch) < 32 for ch in value):
            raise UsageError(f"parameter {name!r}: control characters (such as newlines) are not allowed")
        out[name] = value
    return out


def data_package_of(declared: dict[str, dict], params: dict[str, Any], root: Path) -> Path:
    """The data package a brief will read: its `data_package` parameter (relative to the root,
    the kernel's working directory), else the project's."""
    value = params.get("data_package")
    if value is None and "data_package" in declared:
        try:
            value = ast.literal_eval(declared["data_package"].get("default", ""))
        except (ValueError, SyntaxError):
            value = None
    if not value or not isinstance(value, str):
        return default_package(root)
    path = Path(value) if Path(value).is_absolute() else root / value
    if not path.exists():
        raise UsageError(f"parameter 'data_package': {value!r} is not a data package (no such file or folder)")
    return path


def preflight(declared: dict[str, dict], params: dict[str, Any], root: Path) -> None:
    """Validate every resource of the brief's data package before a kernel starts.

    Bad input then stops a run in a fraction of a second, with the same
    one-line message the brief would give, and nothing is executed or written.
    """
    from briefs.data.package import load_package

    path = data_package_of(declared, params, root)
    seen = _package_state(path)
    if seen in _PASSED:  # validated already by this process, and no file has changed since
        return
    pkg = load_package(path)
    for name in pkg.resource_names():
        pkg.table(name)
    _PASSED.add(seen)


_PASSED: set[tuple] = set()


def _package_state(path: Path) -> tuple:
    """Every file of a data package's folder with its size and modification time: cheap to take,
    and it changes whenever a file the package could point at is edited, added or removed."""
    folder = path if path.is_dir() else path.parent
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return (str(path.resolve()), *((str(p), st.st_size, st.st_mtime_ns) for p in files for st in [p.stat()]))


def normalize(nb: nbformat.NotebookNode, parameters: dict[str, Any], root: Path | None = None) -> nbformat.NotebookNode:
    """Strip everything that changes from run to run (or machine to machine) but says nothing about the results.

    Cell ids and execution counts number the brief's own cells, so running with
    parameters (papermill inserts a cell for them) renumbers nothing after it.
    """
    from briefs.execute import normalize

    meta = nb.metadata
    meta.pop("papermill", None)
    meta.setdefault("briefs", {})["parameters"] = {k: parameters[k] for k in sorted(parameters)}
    normalize.language_info(meta)
    own = count = 0
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        injected = "injected-parameters" in tags
        if injected:
            cell["id"] = "injected-parameters"
            if "hide-input" not in tags:
                cell.metadata["tags"] = [*tags, "hide-input"]
        else:
            cell["id"] = f"cell-{own:03d}"
            own += 1
        if cell.cell_type == "code":
            number = None if injected else (count := count + 1)
            cell["execution_count"] = number
            for position, output in enumerate(cell.get("outputs", [])):
                if "execution_count" in output:
                    output["execution_count"] = number
                normalize.output(output, f"{cell['id']}-{position}", root)
    return nb




def _write_atomic(nb: nbformat.NotebookNode, target: Path, root: Path | None = None) -> None:
    scratch = paths.scratch_dir(root) if root and target.resolve().is_relative_to(paths.build_dir(root).resolve()) else None
    atomic.write_text(target, nbformat.writes(nb) + "\n", scratch=scratch)


def run_brief(
    name: str,
    parameters: dict[str, Any] | None = None,
    *,
    root: Path | None = None,
    strict: bool = False,
    output: Path | None = None,
    failed: Path | None = None,
) -> RunResult:
    """Execute a brief; on success atomically replace its executed notebook, else raise and keep the old one.

    A failed run's notebook goes to `failed` (default build/failed/NAME.ipynb).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    root = root or project_root()
    brief = catalog.get(name, root)
    target = output or paths.run_path(name, root)
    nb = brief.read()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python (briefs)", "language": "python"}
    nb.metadata.setdefault("briefs", {})["name"] = name  # so a renamed copy is still matched by `briefs diff`
    # A warm kernel (see execute.warm), unless the brief asks for a fresh one in its front matter.
    fresh = bool(nb.metadata["briefs"].get("fresh_kernel"))
    with tempfile.TemporaryDirectory(prefix=f"briefs-{name}-") as tmpdir, warm.lease(root, fresh=fresh) as kernel:
        source = Path(tmpdir) / f"{name}.ipynb"
        nbformat.write(nb, source)
        declared = parameters_of(source)
        given = dict(parameters or {})
        if strict:
            given.setdefault("strict", True)
        params = check_parameters(name, declared, given)
        preflight(declared, params, root)
        executed = Path(tmpdir) / f"{name}.out.ipynb"
        try:
            papermill.execute_notebook(
                str(source),
                str(executed),
                parameters=params,
                kernel_name=ensure_kernel(),
                km=kernel.manager(ensure_kernel()),
                cwd=str(root),
                progress_bar=False,
                log_output=False,
                report_mode=False,
                request_save_on_cell_execute=False,  # by default it rewrites the whole notebook after every cell
            )
        except PapermillExecutionError as exc:
            if executed.exists():
                failed = failed or paths.failed_path(name, root)
                atomic.write_bytes(failed, executed.read_bytes())
            reason = str(exc.evalue).strip().splitlines()[0] if exc.evalue else exc.ename
            if exc.ename == "ClaimContradicted":
                raise ClaimContradicted(f"{name}: {reason}") from None
            if exc.ename == "DataError":
                raise DataError(reason) from None
            if exc.ename == "UsageError":
                raise UsageError(f"{name}: {reason}") from None
            raise BriefFailed(f"{name}: cell {exc.cell_index} raised {exc.ename}: {reason}") from None
        result_nb = normalize(nbformat.read(executed, as_version=4), params, root)
    downloads.check_unique(result_nb, name)  # before it replaces the last good run
    _write_atomic(result_nb, target, root)
    ledger = readback.claims(result_nb) or {}
    return RunResult(brief=name, notebook=target, parameters=params, claims=ledger.get("claims", []))


def parse_cli_parameters(pairs: list[list[str]] | None) -> dict[str, str]:
    return {key: value for key, value in (pairs or [])}

