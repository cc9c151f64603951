"""A run of a brief with parameters other than its own: which parameters count, its name, its home.

A run is known by the parameters that differ from the brief's own defaults, taken after they
are checked and converted to their declared types (`run.check_parameters`). So
`-p end 2023-10-31`, `--sweep end=2023-10-31` and a library call with `{"end": "2023-10-31"}`
are one run; `-p strict yes` and `-p strict true` are one run; and `-p strict false` adds
nothing, since false is the brief's own `strict`. Only the differing parameters count because
a value equal to the default changes nothing the brief computes: it must not make a second
run, cache record and file of the same result. The brief also runs with those parameters
only, so one name always stands for the same executed bytes.

With no differing parameters the run is the published one, `build/runs/NAME.ipynb`. With
some it is the variant NAME@SET, where SET is the first 12 hex digits of the SHA-256 of
those parameters as JSON with sorted keys: its executed notebook is
`build/variants/NAME@SET.ipynb`, its cache record is its own (under the id NAME@SET), and
`build/variants/index.json` names its parameters. A value is taken as written once
converted: two spellings of one data package's path (`data` and `data/datapackage.json`)
are two variants, as their notebooks, which record the path, differ too.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path
from typing import Any

from briefs import atomic
from briefs.project import paths


def _defaults(declared: dict[str, dict]) -> dict[str, Any]:
    out = {}
    for key, spec in declared.items():
        try:
            out[key] = ast.literal_eval(spec.get("default", ""))
        except (ValueError, SyntaxError):
            out[key] = object()  # never equal to a given value
    return out


def differing(declared: dict[str, dict], params: dict[str, Any]) -> dict[str, Any]:
    """The checked parameters that differ from the brief's own defaults (in value or type), keys sorted;
    empty: this is the published run."""
    defaults = _defaults(declared)
    return {
        k: params[k]
        for k in sorted(params)
        if k not in defaults or defaults[k] != params[k] or type(defaults[k]) is not type(params[k])
    }


def set_id(parameters: dict[str, Any]) -> str:
    """SET of NAME@SET: 12 hex digits of the SHA-256 of the differing parameters as sorted JSON."""
    return hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest()[:12]


def ident(name: str, parameters: dict[str, Any]) -> str:
    """The run's id (in progress lines, failures and the cache): NAME for the published run, else NAME@SET."""
    return f"{name}@{set_id(parameters)}" if parameters else name


def home(name: str, parameters: dict[str, Any], root: Path | None = None) -> Path:
    """Where the run's executed notebook lives: build/runs/NAME.ipynb or build/variants/NAME@SET.ipynb."""
    return paths.variant_path(name, set_id(parameters), root) if parameters else paths.run_path(name, root)


def record(root: Path, name: str, runs: dict[str, dict[str, Any]]) -> None:
    """List variants of brief `name` in build/variants/index.json: {NAME@SET: differing parameters}.
    The caller holds the build lock."""
    index_path = paths.variants_index(root)
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = {}
    if not isinstance(index, dict):
        index = {}
    for run_id, parameters in runs.items():
        index[run_id] = {"brief": name, "parameters": parameters, "notebook": f"{run_id}.ipynb"}
    atomic.write_text(index_path, json.dumps(index, indent=1, sort_keys=True, default=str) + "\n")
