"""A brief over several parameter sets in one go, each result kept and addressable.

`briefs run NAME --sweep start=2023-06-01,2023-07-01 --sweep end=...` runs the brief once per
combination of the listed values (with any `-p` values in every run); `briefs run NAME -p ...`
is a sweep of one combination. Each combination is checked and reduced to the parameters that
differ from the brief's defaults (execute.variants): combinations that reduce to the same are
one run; one that reduces to nothing is the published run, `build/runs/NAME.ipynb`, kept up to
date as a build keeps it; any other is the variant NAME@SET, whose executed notebook is
`build/variants/NAME@SET.ipynb`, whose cache record is its own (so two parameter sets, or two
vintages of the data behind a `data_package` parameter, never overwrite each other and each
runs again only when its own inputs change), and whose parameters `build/variants/index.json`
names. A run made one way is found up to date the other way: a `-p` run and a one-value
`--sweep` of the same value share the run and its cache record.
"""

from __future__ import annotations

import itertools
import tempfile
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefs.errors import UsageError
from briefs.execute import readback, variants, window_guard
from briefs.execute.run import RunResult, check_parameters, parameters_of, preflight
from briefs.execute.schedule import Job, Progress, run_jobs
from briefs.project import buildlock, catalog, paths


def expand(fixed: dict[str, Any], sweeps: list[str]) -> list[dict[str, Any]]:
    """Every combination of the `PARAM=V1,V2,...` lists, each with the fixed values."""
    axes: list[tuple[str, list[str]]] = []
    for spec in sweeps:
        name, sep, values = spec.partition("=")
        listed = [v.strip() for v in values.split(",")] if sep else []
        if not name.strip() or not listed or any(not v for v in listed):
            raise UsageError(f"--sweep {spec!r}: write PARAM=VALUE1,VALUE2 (no empty values)")
        if name.strip() in fixed or name.strip() in dict(axes):
            raise UsageError(f"--sweep {spec!r}: parameter {name.strip()!r} is given twice")
        axes.append((name.strip(), listed))
    return [{**fixed, **dict(zip([a for a, _ in axes], combo))} for combo in itertools.product(*[v for _, v in axes])]


@dataclass
class SweepResult:
    brief: str = ""
    runs: dict[str, RunResult] = field(default_factory=dict)  # by id (NAME or NAME@SET): those that ran
    failures: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    parameters: dict[str, dict] = field(default_factory=dict)  # by id: the parameters that differ from the defaults
    notebooks: dict[str, Path] = field(default_factory=dict)  # by id: where its executed notebook lives
    errors: dict[str, BaseException] = field(default_factory=dict)  # by id: why it failed

    @property
    def ok(self) -> bool:
        return not self.failures

    def outcome(self, run_id: str) -> RunResult | None:
        """The run's result, as it ran or (up to date, not re-run) as its notebook records it; None if it failed."""
        if run_id in self.runs:
            return self.runs[run_id]
        if run_id in self.failures:
            return None
        import nbformat

        notebook = self.notebooks[run_id]
        ledger = readback.claims(nbformat.read(notebook, as_version=4)) or {}
        parameters = self.parameters[run_id]
        return RunResult(self.brief, notebook, parameters, ledger.get("claims", []), published=not parameters)


def run_sweep(
    name: str,
    parameter_sets: list[dict[str, Any]],
    root: Path | None = None,
    *,
    force: bool = False,
    workers: int | None = None,
    executor: Executor | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    strict: bool = False,
) -> SweepResult:
    """Bring the brief's run for each parameter set up to date (those whose inputs changed run), on the one scheduler.

    Every set is checked first, names, types, its data package and its window, as a single run
    checks them: bad input stops here with one line, before anything runs or is written.
    `strict`: `strict` is true in every set that does not set it (`briefs run --strict`).
    """
    root = root or paths.project_root()
    brief = catalog.get(name, root)
    result = SweepResult(brief=name)
    with tempfile.TemporaryDirectory(prefix=f"briefs-{name}-") as tmp:
        import nbformat

        source = Path(tmp) / f"{name}.ipynb"
        nbformat.write(brief.read(), source)
        declared = parameters_of(source)
    for given in parameter_sets:
        checked = check_parameters(name, declared, {"strict": True, **given} if strict else given)
        window_guard.check(brief.path, declared, checked, preflight(declared, checked, root))
        own = variants.differing(declared, checked)
        result.parameters.setdefault(variants.ident(name, own), own)
    jobs = []
    for run_id, own in result.parameters.items():
        result.notebooks[run_id] = variants.home(name, own, root)
        jobs.append(Job(run_id, brief, own, result.notebooks[run_id] if own else None))
    with buildlock.hold(root, progress):  # one process at a time changes build/ (a build, a run, another sweep)
        runs, result.failures, result.unchanged = run_jobs(
            jobs,
            root,
            force=force,
            workers=workers,
            executor=executor,
            scheduler=scheduler,
            progress=progress,
            errors=result.errors,
        )
        by_path = {str(path): run_id for run_id, path in result.notebooks.items()}
        result.runs = {by_path[str(run.notebook)]: run for run in runs}
        listed = {run_id: own for run_id, own in result.parameters.items() if own and run_id not in result.failures}
        if listed:
            variants.record(root, name, listed)
    return result
