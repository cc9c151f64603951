"""Names that several layers share and that must cost nothing to import.

The MIME types under which a brief's outputs carry their records (claims, tables,
charts, sources, data inputs), the prefix myst-nb gives glued values, the Vega-Lite
release the charts target, and the folders of the built book. Orchestration (running,
building, reviewing, publishing) reads these without importing pandas or Altair.
"""

from __future__ import annotations

import re

CLAIMS_MIME = "application/vnd.briefs.ledger+json"  # a brief's claims and glued values (page.claims)
TABLE_MIME = "application/vnd.briefs.table+json"
CHART_MIME = "application/vnd.briefs.chart+json"
SOURCES_MIME = "application/vnd.briefs.sources+json"
INPUTS_MIME = "application/vnd.briefs.inputs+json"  # the data files the kernel read, with their sha256
CHART_DESCRIBING = ("unit", "source")  # columns a chart's data carries to describe its values, not to name a point
ABSENT = "absent"  # recorded for an optional input (an official series) that was not there
GLUE_PREFIX = "application/papermill.record/"  # myst-nb's glue: this prefix + the MIME type of the value

BRIEF_ENV = "BRIEFS_BRIEF"  # the running brief's name, set by execute.run for its kernel (page.context reads it)
# The keys of the data files validated before the brief's kernel starts (execute.run.preflight), so the
# kernel does not validate them again (data.package reads it).
VALIDATED_ENV = "BRIEFS_VALIDATED"
# Where the running brief's kernel keeps the SVGs of the charts it draws (page.rendered): set by
# execute.run to the project's build/cache/charts for a run published into build/, and unset for a
# run written elsewhere (`briefs check`, `briefs run --output`), which leaves build/ alone.
CHARTS_ENV = "BRIEFS_CHARTS"

VL_VERSION = "6.4"  # the Vega-Lite minor version Altair 6 targets; vl-convert bundles it
CHART_SCRIPT = "vega-bundle.js"  # the book's copy of that bundle, in _static/ (book.stage, book.pdf)

BRIEFS_DIR = "briefs"  # the book's folder of executed briefs: briefs/NAME.html
PDF_DIR = "pdf"  # inside the built HTML folder: pdf/NAME.pdf


def note_anchor(document: str, note: int | None) -> str:
    """The id of a note's entry in a page's sources section, for links from elsewhere on the page."""
    return f"source-note-{document}-{note}" if note else f"source-doc-{document}"


def derivation_anchor(key: str) -> str:
    """The id of a glued value's entry in its page's "How each number was computed" section."""
    return "derivation-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)
