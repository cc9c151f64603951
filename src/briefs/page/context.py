"""Which brief is running: its name and its document, given by the run instead of retyped in the notebook.

`briefs run` (and every command that runs briefs) sets BRIEFS_BRIEF to the
brief's name around the kernel it starts. A notebook opened in Jupyter has no
such variable, but Jupyter names the session after the file, so the file's
stem stands in. The document id is the one in the brief's own `briefs:` front
matter, so a notebook never states it twice.
"""

from __future__ import annotations

import os
from pathlib import PurePath

from briefs.errors import UsageError
from briefs.media import BRIEF_ENV  # set by briefs.execute.run.run_brief while the brief's kernel runs

JUPYTER_ENV = "JPY_SESSION_NAME"  # the path of the notebook a Jupyter kernel was opened for


def brief_name() -> str:
    """The running brief's name: BRIEFS_BRIEF, else the stem of the notebook Jupyter opened."""
    name = os.environ.get(BRIEF_ENV, "").strip()
    if name:
        return name
    session = os.environ.get(JUPYTER_ENV, "").strip()
    if session:
        return PurePath(session).stem
    raise UsageError(
        f"this code does not know which brief it belongs to: run the brief with `briefs run NAME`, "
        f"open it in Jupyter, or set {BRIEF_ENV}"
    )


def document_id(name: str | None = None) -> str:
    """The document id in the brief's `briefs:` front matter ("" for a page drawing on several documents)."""
    from briefs.project import catalog

    return catalog.get(name or brief_name()).document
