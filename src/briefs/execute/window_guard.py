"""A brief's reporting window (`start`, `end`), checked against the data before a kernel starts.

A brief that covers a window declares which resources the window selects from:

    briefs:
      window: [inm_returns_by_nationality, inm_returns_by_sex]

With it, a window that ends before it starts, or that holds no whole period
of a listed resource, is refused naming the parameters, instead of surfacing
as "cannot convert float NaN to integer" deep in a cell. The rule matches
`page.periods.within`: a period counts when it lies wholly inside the window.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path
from typing import Any

from briefs.errors import UsageError
from briefs.project import catalog

START, END = "start", "end"


def resources_of(path: Path) -> list[str]:
    """The resources a brief's window selects from (its front matter's `briefs: window:`)."""
    meta = catalog.front_matter(path).get("briefs") or {}
    listed = meta.get("window") or []
    if isinstance(listed, str):
        listed = [listed]
    if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
        raise UsageError(f"{catalog._shown(path)}: briefs.window must be a list of resource names, got {listed!r}")
    return listed


def _value(name: str, declared: dict[str, dict], params: dict[str, Any]) -> date | None:
    raw = params.get(name)
    if raw is None and name in declared:
        try:
            raw = ast.literal_eval(declared[name].get("default", ""))
        except (ValueError, SyntaxError):
            return None
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def check(path: Path, declared: dict[str, dict], params: dict[str, Any], package: Any) -> None:
    """Refuse an inverted window, and a window with no whole period of a listed resource."""
    start, end = _value(START, declared, params), _value(END, declared, params)
    if start is None or end is None:
        return
    if start > end:
        raise UsageError(f"parameters 'start' and 'end': start {start} is after end {end}; the window is empty")
    for name in resources_of(path):
        frame = package.table(name)
        if not {"period_start", "period_end"} <= set(frame.columns):
            raise UsageError(f"{catalog._shown(path)}: briefs.window lists {name!r}, which has no period_start and period_end")
        inside = frame[(frame.period_start.dt.date >= start) & (frame.period_end.dt.date <= end)]
        if inside.empty:
            first, last = frame.period_start.min(), frame.period_end.max()
            span = f"its periods run from {first:%Y-%m-%d} to {last:%Y-%m-%d}" if len(frame) else "it has no rows"
            raise UsageError(f"parameters 'start' and 'end': no period of {name} lies wholly between {start} and {end} ({span})")
