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
import contextlib
import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

import nbformat

from briefs import atomic
from briefs.project import catalog
from briefs.execute import briefenv, cache, completion, downloads, limits, prosepatch, readback, variants, warm, window_guard
from briefs.execute.kernelspec import KERNEL, ensure_kernel  # noqa: F401 (run.KERNEL, run.ensure_kernel: as before)
from briefs.media import BRIEF_ENV, CHARTS_ENV, VALIDATED_ENV
from briefs.errors import BriefFailed, ClaimContradicted, DataError, UsageError
from briefs.project import buildlock, paths
from briefs.project.paths import default_package, project_root


@dataclass
class RunResult:
    brief: str
    notebook: Path
    parameters: dict[str, Any]
    claims: list[dict] = field(default_factory=list)
    published: bool = True  # False for a run with other parameters (build/variants) or into another file
    code: str | None = None  # the code key of the source it ran (execute.prosepatch), when the run knows it

    @property
    def contradicted(self) -> list[dict]:
        return [c for c in self.claims if c["status"] != "holds"]


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # matched whole (fullmatch): a trailing newline is not a date


def _coerce(name: str, raw: Any, default_type: str) -> Any:
    if not isinstance(raw, str):
        return raw
    if default_type == "date":
        try:
            if ISO_DATE.fullmatch(raw):
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
    if isinstance(default, str) and ISO_DATE.fullmatch(default):
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
    from briefs.data.userpaths import descriptor_problem

    path = Path(value) if Path(value).is_absolute() else root / value
    path, problem = descriptor_problem(path)
    if problem:
        raise UsageError(f"parameter 'data_package': {value!r} is not a data package ({problem})")
    return path


def preflight(declared: dict[str, dict], params: dict[str, Any], root: Path):
    """Validate every resource of the brief's data package before a kernel starts.

    Bad input then stops a run in a fraction of a second, with the same
    one-line message the brief would give, and nothing is executed or written.
    What passed is kept by key (a file's sha256, its schema and the validating code:
    `package.validation_key`) in build/cache/validated.txt, so the threads running a build's
    briefs (which wait while the build's own thread validates for them: `prevalidate`), other
    processes and later runs do not validate the same bytes again (`keep_verdicts`, once the run
    is accepted: a refused run writes nothing).
    """
    from briefs.data import package

    path = data_package_of(declared, params, root)
    with _VALIDATING:  # a build's threads wait for the one validating the package, then share its verdicts
        seen = _package_state(path)
        if seen not in _PASSED:  # else validated already by this process, and no file has changed since
            package.VALIDATED.update(_read_verdicts(paths.verdicts_file(root)))
            pkg = package.load_package(path)
            for name in pkg.resource_names():
                pkg.table(name)
            _PASSED[seen] = pkg
        pkg = _PASSED[seen]
    # The kernel this process starts is told what passed (execute.warm), and does not validate it again.
    os.environ[VALIDATED_ENV] = " ".join(sorted(set(pkg.passed.values())))
    return pkg


def prevalidate(root: Path) -> None:
    """Validate the project's data package and keep the verdicts, for the workers about to run its
    briefs (execute.schedule); a problem is left for each brief to report, in its own words."""
    try:
        keep_verdicts(preflight({}, {}, root), root)
    except Exception:  # noqa: BLE001 - each brief's own preflight reports it
        pass


def keep_verdicts(pkg: Any, root: Path) -> None:
    """Add what `pkg` passed to build/cache/validated.txt (newest first), unless it is there already."""
    path = paths.verdicts_file(root)
    known = _read_verdicts(path)
    if not set(pkg.passed.values()) <= set(known):
        _write_verdicts(path, [*pkg.passed.values(), *known])


VERDICT = re.compile(r"[0-9a-f]{64}")
KEEP_VERDICTS = 500  # the newest first: a long preview of many data edits does not grow it without end


def _read_verdicts(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in lines if VERDICT.fullmatch(line)]


def _write_verdicts(path: Path, keys: list[str]) -> None:
    newest = list(dict.fromkeys(keys))[:KEEP_VERDICTS]
    try:
        atomic.write_text(path, "\n".join(newest) + "\n")
    except OSError:  # a read-only build folder: the verdicts are only a shortcut
        pass


_PASSED: dict[tuple, Any] = {}
_VALIDATING = threading.RLock()


def _package_state(path: Path) -> tuple:
    """The descriptor and every file it names, with size and modification time: cheap to take, and it
    changes whenever one of them is edited, replaced or removed. Only those files are looked at,
    never the rest of the folder (a package may sit in a folder of any size)."""
    files = [path]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        listed = descriptor.get("resources", []) if isinstance(descriptor, dict) else []
    except (OSError, UnicodeDecodeError, ValueError):
        listed = []
    for res in listed if isinstance(listed, list) else []:
        for key in ("path", "schema"):
            value = res.get(key) if isinstance(res, dict) else None
            if isinstance(value, str):
                files.append(path.parent / value)
    state = []
    for file in files:
        try:
            st = file.stat()
            state.append((str(file), st.st_size, st.st_mtime_ns))
        except OSError:
            state.append((str(file), None, None))
    return (str(path.resolve()), *state)


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
            cell["outputs"] = normalize.streams(cell.get("outputs", []))
            for position, output in enumerate(cell["outputs"]):
                if "execution_count" in output:
                    output["execution_count"] = number
                normalize.output(output, f"{cell['id']}-{position}", root)
    return nb


def _write_atomic(nb: nbformat.NotebookNode, target: Path, root: Path | None = None) -> None:
    scratch = paths.scratch_dir(root) if root and target.resolve().is_relative_to(paths.build_dir(root).resolve()) else None
    atomic.write_text(target, nbformat.writes(nb) + "\n", scratch=scratch)


def check_output(output: Path, name: str) -> Path:
    """A user-named output file, checked before the run: not a folder, and in a folder that exists
    or can be made (its nearest existing ancestor is a folder this process may write in)."""
    shown = str(output)
    if output.is_dir():
        raise UsageError(
            f"--output {shown!r}: is a folder; name the notebook to write, such as {str(output / f'{name}.ipynb')!r}"
        )
    ancestor = output.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UsageError(f"--output {shown!r}: {str(ancestor)!r} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise UsageError(f"--output {shown!r}: cannot write in {str(ancestor)!r}")
    return output


def _keep_failed(executed: Path, failed: Path) -> None:
    if executed.exists():
        atomic.write_bytes(failed, executed.read_bytes())


def run_brief(
    name: str,
    parameters: dict[str, Any] | None = None,
    *,
    root: Path | None = None,
    strict: bool = False,
    output: Path | None = None,
    failed: Path | None = None,
    lock: bool = True,
    progress: Callable[[str, str], None] | None = None,
) -> RunResult:
    """Execute a brief; on success atomically replace its executed notebook, else raise and keep the old one.

    Only a run with the brief's own parameters is published (build/runs/NAME.ipynb, with its
    cache record). A run with other parameters is the variant NAME@SET (see execute.variants):
    it runs with the parameters that differ from the brief's defaults only, into
    build/variants/NAME@SET.ipynb, with its own cache record and its line in
    build/variants/index.json, where no build looks. `output`: write exactly there instead, with
    the parameters as given, and record nothing. A failed run's notebook goes to `failed`
    (default build/failed/ID.ipynb, ID being NAME or NAME@SET). A run stops
    early (and fails) at the brief's time limit or output cap (`limits`), and one that ends
    early however it ends (`sys.exit()`, a dead kernel) is a failed run too (`completion`).
    `lock`: hold the build lock while publishing (the scheduler's workers run under their
    build's lock and pass False).
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from briefs.execute import engine
    from briefs.execute import kernel_manager

    root = root or project_root()
    brief = catalog.get(name, root)
    if output is not None:
        output = check_output(Path(output), name)
    budget = limits.of(brief.path)
    # The kernel named, and the brief's name kept (so a renamed copy is still matched by `briefs diff`).
    nb = prosepatch.prepared(brief.read(), name)
    code = prosepatch.code_key(nb, dict(parameters or {}))  # of the source this run reads
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
        pkg = preflight(declared, params, root)
        window_guard.check(brief.path, declared, params, pkg)
        if output is None:  # a run written elsewhere leaves build/ alone
            keep_verdicts(pkg, root)
        if output is not None:
            run_id, target = name, output
        else:
            params = variants.differing(declared, params)  # one id, one set of bytes, however they were given
            run_id, target = variants.ident(name, params), variants.home(name, params, root)
        failed = failed or paths.failed_path(run_id, root)
        executed = Path(tmpdir) / f"{name}.out.ipynb"
        # The kernel is told the brief's name (briefs.page.context) and, for a run published into build/,
        # where its charts are kept for the next run (page.rendered); set for this thread only (execute.briefenv).
        told = {BRIEF_ENV: name, CHARTS_ENV: str(paths.charts_cache_dir(root)) if output is None else None}
        watch = limits.Watch(budget)
        try:
            with briefenv.setting(told):
                papermill.execute_notebook(
                    str(source),
                    str(executed),
                    parameters=params,
                    kernel_name=ensure_kernel(),
                    km=kernel.manager(ensure_kernel()),  # a warm kernel; None: a fresh one, started as below
                    # The kernel's own log (a warning about TCP transport on every start) is noise to authors.
                    extra_arguments=["--log-level=ERROR"],
                    # A fresh kernel's: no SIGINT when idle, sockets of its own, this brief's variables.
                    kernel_manager_class=kernel_manager.for_brief(briefenv.environ()),
                    cwd=str(root),
                    progress_bar=False,
                    start_timeout=300,  # a loaded machine (CI, many builds at once) can take long to start a kernel
                    log_output=False,
                    report_mode=False,
                    request_save_on_cell_execute=False,  # by default it rewrites the whole notebook after every cell
                    engine_name=engine.NAME,  # ... so it is written at the end, however the run ends (execute.engine)
                    keep_on_failure=str(executed),
                    **watch.hooks(),
                )
        except PapermillExecutionError as exc:
            _keep_failed(executed, failed)
            reason = str(exc.evalue).strip().splitlines()[0] if exc.evalue else exc.ename
            if exc.ename == "ClaimContradicted":
                raise ClaimContradicted(f"{name}: {reason}") from None
            if exc.ename == "DataError":
                raise DataError(reason) from None
            if exc.ename == "UsageError":
                raise UsageError(f"{name}: {reason}") from None
            raise BriefFailed(f"{name}: cell {exc.cell_index} raised {exc.ename}: {reason}") from None
        except CellTimeoutError:
            _keep_failed(executed, failed)
            raise BriefFailed(
                f"{name}: stopped in cell {watch.cell_index} at its time limit of {budget.timeout:g} seconds "
                "(briefs: timeout in its front matter)"
            ) from None
        except limits.OutputTooLarge as exc:
            _keep_failed(executed, failed)
            raise BriefFailed(
                f"{name}: stopped after cell {exc.cell_index}: its outputs reached {exc.size / 10**6:,.1f} MB, over its "
                f"limit of {budget.max_output_mb:g} MB (briefs: max_output_mb in its front matter)"
            ) from None
        except DeadKernelError:
            _keep_failed(executed, failed)
            raise BriefFailed(f"{name}: the kernel died in cell {watch.cell_index} (it exited, crashed or was killed)") from None
        result_nb = nbformat.read(executed, as_version=4)
        stopped = completion.problem(result_nb)
        if stopped:
            _keep_failed(executed, failed)
            raise BriefFailed(f"{name}: {stopped}")
        result_nb = normalize(result_nb, params, root)
    downloads.check_unique(result_nb, name)  # before it replaces the last good run
    published = output is None and not params
    inside = target.resolve().is_relative_to(paths.build_dir(root).resolve())
    with buildlock.hold(root, progress) if lock and inside else contextlib.nullcontext():
        _write_atomic(result_nb, target, root)
        if output is None:
            cache.save(run_id, root, cache.key(brief.path, params), target, params)
            if params:
                variants.record(root, name, {run_id: params})
    ledger = readback.claims(result_nb) or {}
    return RunResult(
        brief=name, notebook=target, parameters=params, claims=ledger.get("claims", []), published=published, code=code
    )


def parse_cli_parameters(pairs: list[list[str]] | None) -> dict[str, str]:
    return {key: value for key, value in (pairs or [])}
