"""Did a brief run to its end? A run that stopped early is a failed run, whatever papermill says.

Papermill treats `sys.exit()` (and `raise SystemExit(0)`) in a cell as a clean
stop: it skips the remaining cells and reports success, and the shrunken
notebook would replace the last good one and publish a page without its
tables, charts, claims or sources. So after every run the executed notebook
itself is checked:

- no cell holds an error output (a `SystemExit` included);
- every code cell ran;
- a brief that keeps a claims ledger (`claims.Ledger(...)`) displayed its claims
  record, and one that calls `sources.show(...)` displayed its sources record.

The last two are read from the brief's own source, so a small brief that has
neither is not held to them.
"""

from __future__ import annotations

import re
from typing import Any

from briefs.execute import readback

LEDGER = re.compile(r"\bclaims\.Ledger\(")
SOURCES = re.compile(r"\bsources\.show\(")


def _code(nb: Any) -> list[tuple[int, Any]]:
    return [(i, c) for i, c in enumerate(nb.get("cells", [])) if c.get("cell_type") == "code"]


def problem(executed: Any) -> str | None:
    """Why the executed notebook is not a whole run, as the end of one line; None when it is one."""
    for index, cell in _code(executed):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                ename = output.get("ename", "an error")
                if ename == "SystemExit":
                    code = output.get("evalue") or "0"
                    return f"cell {index} stopped the brief early (SystemExit {code}); a brief must run to its end"
                reason = (str(output.get("evalue") or "").strip().splitlines() or [ename])[0]
                return f"cell {index} raised {ename}: {reason}"
    skipped = [
        i for i, cell in _code(executed) if cell.get("metadata", {}).get("papermill", {}).get("status") not in (None, "completed")
    ]
    if skipped:
        return f"cell {skipped[0]} never ran ({len(skipped)} cell(s) left unexecuted); a brief must run to its end"
    source = "\n".join("".join(cell.get("source", "")) for _, cell in _code(executed))
    if LEDGER.search(source) and readback.claims(executed) is None:
        return "the run ended without displaying its claims record (the ledger's show() never ran)"
    if SOURCES.search(source) and readback.sources(executed) is None:
        return "the run ended without displaying its sources record (sources.show() never ran)"
    return None
