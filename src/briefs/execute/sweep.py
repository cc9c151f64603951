"""One brief over several parameter sets in one go, each result kept and addressable.

`briefs run NAME --sweep start=2023-06-01,2023-07-01 --sweep end=...` runs the brief once per
combination of the listed values (with any `-p` values in every run). Each run is named
NAME@SET, where SET is the first 12 hex digits of the SHA-256 of its parameters as canonical
JSON: its executed notebook is `build/variants/NAME@SET.ipynb`, its cache record is its own
(so two parameter sets, or two vintages of the data behind a `data_package` parameter, never
overwrite each other and each runs again only when its own inputs change), and
`build/variants/index.json` says which parameters each one had. The brief's default run,
`build/runs/NAME.ipynb`, the one the book shows, is left alone.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import tempfile
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefs import atomic
from briefs.errors import UsageError
from briefs.execute.run import RunResult, check_parameters, parameters_of
from briefs.execute.schedule import Job, Progress, run_jobs
from briefs.project import buildlock, catalog, paths


def set_id(parameters: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest()[:12]


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
    runs: dict[str, RunResult] = field(default_factory=dict)  # by NAME@SET
    failures: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    parameters: dict[str, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures


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
    """Run the brief once per parameter set (those whose inputs changed), on the one scheduler."""
    root = root or paths.project_root()
    brief = catalog.get(name, root)
    with tempfile.TemporaryDirectory(prefix=f"briefs-{name}-") as tmp:  # bad parameters stop here, before any run
        import nbformat

        source = Path(tmp) / f"{name}.ipynb"
        nbformat.write(brief.read(), source)
        declared = parameters_of(source)
        for parameters in parameter_sets:
            check_parameters(name, declared, parameters)
    result = SweepResult()
    jobs = []
    for parameters in parameter_sets:
        ident = f"{name}@{set_id(parameters)}"
        if ident not in result.parameters:
            result.parameters[ident] = parameters
            jobs.append(Job(ident, brief, parameters, paths.variant_path(name, set_id(parameters), root)))
    with buildlock.hold(root, progress):  # one process at a time changes build/ (a build, a run, another sweep)
        runs, result.failures, result.unchanged = run_jobs(
            jobs, root, force=force, workers=workers, executor=executor, scheduler=scheduler, progress=progress, strict=strict
        )
        by_path = {str(job.output): job.id for job in jobs}
        result.runs = {by_path[str(run.notebook)]: run for run in runs}
        index_path = paths.variants_index(root)
        try:
            index = json.loads(index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            index = {}
        for ident, parameters in result.parameters.items():
            if ident not in result.failures:
                index[ident] = {"brief": name, "parameters": parameters, "notebook": f"{ident}.ipynb"}
        atomic.write_text(index_path, json.dumps(index, indent=1, sort_keys=True, default=str) + "\n")
    return result
