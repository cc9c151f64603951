"""The one reader of executed notebooks: what a brief recorded, read back from its outputs.

A brief displays its records beside what a reader sees (see `briefs.media` for their
MIME types): its claims and glued values, each table and chart with its data, the
sources it cited and the data files it read. Everything downstream (the cache, the
landing page, provenance, the outputs lock, `briefs diff`) reads them through here.
"""

from __future__ import annotations

import ast
import os
import re
from collections import OrderedDict
from typing import Any, Iterator

from briefs.media import CLAIMS_MIME, GLUE_PREFIX, INPUTS_MIME, SOURCES_MIME


_LOADED: OrderedDict[str, tuple[tuple[int, int, int], Any]] = OrderedDict()
_KEEP = 16  # notebooks kept in memory: a book's worth


def load(path: str | os.PathLike) -> Any:
    """An executed notebook as nbformat reads it, read once per version of the file (inode, size and
    modification time: a run replaces it by renaming). Staging the book reads each notebook for its
    derivations and again for its card on the landing page; large ones take a tenth of a second to
    parse and validate. Callers read it and never change it."""
    import nbformat

    st = os.stat(path)
    stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
    key = os.path.realpath(path)
    hit = _LOADED.get(key)
    if hit is not None and hit[0] == stamp:
        _LOADED.move_to_end(key)
        return hit[1]
    nb = nbformat.read(path, as_version=4)
    _LOADED[key] = (stamp, nb)
    while len(_LOADED) > _KEEP:
        _LOADED.popitem(last=False)
    return nb


def outputs(nb: Any) -> Iterator[tuple[int, int, dict]]:
    """(cell index, output position, output) of every code cell's outputs, in page order."""
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        for position, output in enumerate(cell.get("outputs", [])):
            yield index, position, output


def first(nb: Any, mime: str) -> Any | None:
    """The first payload a notebook displayed under `mime`, or None."""
    for _, _, output in outputs(nb):
        data = output.get("data", {})
        if mime in data:
            return data[mime]
    return None


def claims(nb: Any) -> dict | None:
    """The claims record (`claims`, `values`) a brief displayed, or None if it showed none."""
    return first(nb, CLAIMS_MIME)


def sources(nb: Any) -> dict | None:
    """The sources record (`sources.show`): its document, the notes behind its figures, the resources read."""
    return first(nb, SOURCES_MIME)


def inputs(nb: Any) -> dict[str, str] | None:
    """The data files the brief read, as {path: sha256}, or None if it did not say."""
    record = first(nb, INPUTS_MIME)
    return None if record is None else dict(record.get("files", {}))


def is_glue(output: dict) -> bool:
    return any(key.startswith(GLUE_PREFIX) for key in output.get("data", {}))


def glued(nb: Any) -> dict[str, str]:
    """Every value the notebook glued, as the text a `{glue:text}` role shows."""
    out: dict[str, str] = {}
    for _, _, output in outputs(nb):
        name = output.get("metadata", {}).get("scrapbook", {}).get("name")
        text = output.get("data", {}).get(GLUE_PREFIX + "text/plain")
        if name is None or text is None:
            continue
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text
        out[name] = value if isinstance(value, str) else str(value)
    return out


def html_outputs(nb: Any) -> Iterator[str]:
    """The HTML of every output, as one string each."""
    for _, _, output in outputs(nb):
        markup = output.get("data", {}).get("text/html")
        if markup is not None:
            yield "".join(markup) if isinstance(markup, list) else markup


# Inline roles ({glue}`k`, {glue:text}`k:fmt`, {glue:md}`k`) and block directives (```{glue:md} k).
ROLE = re.compile(r"\{glue(?::(?:any|text|md))?\}`([^`]+)`")
DIRECTIVE = re.compile(r"^(?:```+|:::+)\{glue(?::(?:any|md|figure|math))?\}\s+(\S+)", re.M)


def _key(target: str, role_with_format: bool) -> str | None:
    """The glue key a role or directive names on its own page (None for another page's key)."""
    if "::" in target:
        return None
    if role_with_format and ":" in target:
        return target.rsplit(":", 1)[0]
    return target


def used_keys(nb: Any) -> list[str]:
    """The glue keys a brief's prose pastes in (roles and directives of its Markdown cells), in the order they first appear."""
    seen: dict[str, None] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        for match in ROLE.finditer(source):
            key = _key(match.group(1), match.group(0).startswith("{glue:text}"))
            if key:
                seen.setdefault(key, None)
        for match in DIRECTIVE.finditer(source):
            key = _key(match.group(1), False)
            if key:
                seen.setdefault(key, None)
    return list(seen)
