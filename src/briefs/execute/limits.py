"""How long a brief may run and how much it may print: a brief that loops or floods stops with one line.

Both limits are set per brief in its front matter and have defaults that leave
every real brief far inside them:

    briefs:
      timeout: 600        # seconds the whole run may take (every cell together)
      max_output_mb: 50   # size of the executed notebook's outputs, in MB (10**6 bytes)

The timeout is one budget for the whole run, from its first cell (the kernel's start-up
is not counted): each cell is given what is left
of it (nbclient's `timeout_func`), so a brief of many slow cells stops as
surely as one endless loop. Outputs are measured as each cell finishes, so a
flood stops at the cell that caused it, before it reaches the book.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefs.errors import UsageError
from briefs.project import catalog

DEFAULT_TIMEOUT = 600  # seconds
DEFAULT_MAX_OUTPUT_MB = 50


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT
    max_output_mb: float = DEFAULT_MAX_OUTPUT_MB

    @property
    def max_output_bytes(self) -> int:
        return int(self.max_output_mb * 10**6)


class OutputTooLarge(Exception):
    """Raised from the output hook; `execute.run` turns it into a BriefFailed."""

    def __init__(self, cell_index: int, size: int):
        super().__init__(cell_index, size)
        self.cell_index, self.size = cell_index, size


def of(path: Path) -> Limits:
    """The limits a brief's front matter sets, with the defaults for what it leaves out."""
    meta = catalog.front_matter(path).get("briefs") or {}
    shown = catalog._shown(path)
    values = {}
    for key, unit in (("timeout", "a number of seconds"), ("max_output_mb", "a number of megabytes")):
        if key not in meta:
            continue
        value = meta[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or value != value:
            raise UsageError(f"{shown}: briefs.{key} must be {unit} above zero, got {value!r}")
        values[key] = float(value)
    return Limits(**values)


class Watch:
    """The budget of one run: the timeout each cell gets, and the outputs measured as cells finish."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline: float | None = None  # set when the first cell starts: the kernel's start-up is not counted
        self.size = 0
        self.cell_index: int | None = None

    def cell_timeout(self, cell: Any) -> int:
        """nbclient's `timeout_func`: what is left of the budget, at least one second."""
        if self.deadline is None:
            self.deadline = time.monotonic() + self.limits.timeout
        return max(1, int(self.deadline - time.monotonic() + 0.999))

    def on_cell_start(self, cell: Any, cell_index: int) -> None:
        self.cell_index = cell_index

    def on_cell_executed(self, cell: Any, cell_index: int, execute_reply: Any) -> None:
        self.size += len(json.dumps(cell.get("outputs", []), ensure_ascii=False).encode())
        if self.size > self.limits.max_output_bytes:
            raise OutputTooLarge(cell_index, self.size)

    def hooks(self) -> dict[str, Any]:
        """Keyword arguments for papermill, passed on to its nbclient."""
        return {"timeout_func": self.cell_timeout, "on_cell_start": self.on_cell_start, "on_cell_executed": self.on_cell_executed}
