"""What varies in an executed notebook between runs or machines, and how it is made stable.

`run.normalize` calls these so that the same inputs give the same bytes on any
machine: a reviewer's diff, the outputs lock and an edition's "what changed"
page then show only numbers that moved. `briefs diff` applies them again when
it reads a notebook, so an older notebook written before a rule existed does
not show the volatile part as a change either.
"""

from __future__ import annotations

import re
from pathlib import Path

from briefs.media import CHART_MIME

# vl-convert numbers clip paths and gradients with a counter that lives as long as the
# kernel ("clip1", "gradient_0"), so a chart's SVG changed whenever another chart was drawn
# before it. Ids are renamed per chart instead: unique on a page, stable across runs.
_SVG_ID = re.compile(r'\bid="([^"]+)"')
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]{6,16}>")
# The interpreter's version changes from one machine to the next; the rest names the language.
LANGUAGE_INFO_KEEP = ("name", "codemirror_mode", "file_extension", "mimetype", "nbconvert_exporter", "pygments_lexer")


def svg_ids(svg: str, prefix: str) -> tuple[str, dict[str, str]]:
    """Rename every id the SVG defines (and its references) to `prefix` + its rank in the SVG."""
    mapping: dict[str, str] = {}
    for old in _SVG_ID.findall(svg):
        if old not in mapping:
            mapping[old] = f"{prefix}{len(mapping) + 1}"
    return rename_ids(svg, mapping), mapping


def rename_ids(text: str, mapping: dict[str, str]) -> str:
    """Apply an id renaming to definitions and to the three ways SVG refers to an id."""
    if not mapping:
        return text
    alternatives = "|".join(re.escape(old) for old in sorted(mapping, key=len, reverse=True))
    pattern = re.compile(rf'(\bid="|url\(#|href="#)({alternatives})(?=[")])')
    return pattern.sub(lambda m: m.group(1) + mapping[m.group(2)], text)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


def output(out: dict, label: str, root: Path | None = None) -> None:
    """Make one output stable in place. `label` names it when it carries no name of its own."""
    data = out.get("data")
    if isinstance(data, dict):
        svg = data.get("image/svg+xml")
        if isinstance(svg, str):
            chart = data.get(CHART_MIME)
            name = chart.get("name") if isinstance(chart, dict) and chart.get("name") else label
            data["image/svg+xml"], mapping = svg_ids(svg, f"chart-{slug(name)}-svg")
            if isinstance(data.get("text/html"), str):
                data["text/html"] = rename_ids(data["text/html"], mapping)
        if isinstance(data.get("text/plain"), str):  # "<object at 0x7f…>" differs on every run
            data["text/plain"] = _ADDRESS.sub(" at 0x…>", data["text/plain"])
    if out.get("output_type") == "stream" and isinstance(out.get("text"), str):
        out["text"] = paths(out["text"], root)
    if out.get("output_type") == "error":
        out["traceback"] = [paths(line, root) for line in out.get("traceback", [])]
    out.get("metadata", {}).pop("execution", None)


def streams(outputs: list) -> list:
    """A cell's outputs with adjacent pieces of one stream (stdout, or stderr) joined into one.

    The kernel sends what a cell prints in pieces cut by its flush timer, and nbclient appends
    each piece as an output of its own, so a busy machine could split the same printed text
    into two outputs: the same words, other bytes. Joined, a cell's run of prints to one stream
    is one output however it was sent.

    Not nbclient's `coalesce_streams`: that joins every piece of a stream in the cell, moving
    text printed after a table or chart above it, and rewrites carriage returns. Only adjacent
    pieces need joining: ipykernel flushes both streams before it sends a display, so where
    printing stands among a cell's displays does not depend on timing.
    """
    joined: list = []
    for out in outputs:
        last = joined[-1] if joined else None
        if (
            last is not None
            and out.get("output_type") == last.get("output_type") == "stream"
            and out.get("name") == last.get("name")
        ):
            last["text"] = _text(last.get("text", "")) + _text(out.get("text", ""))
        else:
            joined.append(out)
    return joined


def _text(text) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


def paths(text: str, root: Path | None) -> str:
    """Warnings and tracebacks name files under the project's clone: make those paths relative."""
    if root is None:
        return text
    prefix = str(Path(root).resolve())
    return text.replace(prefix + "/", "").replace(prefix, ".")


def language_info(meta: dict) -> None:
    info = meta.get("language_info")
    if isinstance(info, dict):
        meta["language_info"] = {k: info[k] for k in LANGUAGE_INFO_KEEP if k in info}
