"""The prose of a brief as a reader reads it: its Markdown with every glued value filled in.

A number reaches a brief's text only through a glue role (`{glue:text}` `key`) or a
glued passage (a `{glue:md}` block). To tell a reader which sentence of the page says
something new, the text of each Markdown cell is rebuilt with the values of the run
in place of the roles, cut into paragraphs (a list item is one), and stripped of
markup. Each paragraph keeps the heading it sits under, whose anchor on the page
(`section_id`, as Sphinx makes it) lets a change link to its place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

_ROLE = re.compile(r"\{glue(?::[a-z]*)?\}`([^`]+)`")
_BLOCK = re.compile(r"^(`{3,}|:{3,})\{glue(?::[a-z]*)?\}\s+(\S+)")
_FENCE = re.compile(r"^(`{3,}|:{3,})")
_OTHER_ROLE = re.compile(r"\{[a-z][\w:-]*\}`([^`]*)`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
_EM = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@dataclass(frozen=True)
class Paragraph:
    text: str
    section: str  # the heading it sits under ("" before the first)

    @property
    def anchor(self) -> str:
        return section_id(self.section) if self.section else ""


def section_id(title: str) -> str:
    """The id Sphinx gives a section with this title (docutils' make_id)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    ident = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    ident = re.sub(r"^[^a-z]+", "", ident)
    return ident or "section"


def _value(values: dict[str, Any], key: str) -> str:
    key = key.strip().split("::")[-1]
    return str(values.get(key, "…"))


def plain(markdown: str) -> str:
    """One paragraph of MyST as plain text: roles, links, emphasis and tags reduced to their words."""
    text = _OTHER_ROLE.sub(lambda m: m.group(1), markdown)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _TAG.sub("", text)
    text = _STRONG.sub(lambda m: m.group(2), text)
    text = _EM.sub(lambda m: m.group(1), text)
    text = text.replace("\\", "")
    return " ".join(text.split())


def paragraphs(cells: list[dict], values: dict[str, Any]) -> list[Paragraph]:
    """Every paragraph of the Markdown cells, glued values in place, in page order."""
    out: list[Paragraph] = []
    section = ""
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        current: list[str] = []
        fence: str | None = None

        def flush() -> None:
            if current:
                text = plain(" ".join(current))
                if text:
                    out.append(Paragraph(text, section))
                current.clear()

        for line in source.splitlines():
            stripped = line.strip()
            if fence is not None:
                if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                    fence = None
                continue
            block = _BLOCK.match(stripped)
            if block:
                flush()
                passage = plain(_value(values, block.group(2)))
                if passage:
                    out.append(Paragraph(passage, section))
                fence = block.group(1)
                continue
            opened = _FENCE.match(stripped)
            if opened:
                flush()
                fence = opened.group(1)
                continue
            if not stripped or stripped.startswith(("%", "+++")) or re.match(r"^\(.+\)=$", stripped):
                flush()
                continue
            heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
            if heading:
                flush()
                section = plain(_ROLE.sub(lambda m: _value(values, m.group(1)), heading.group(2)))
                continue
            if _ITEM.match(line):
                flush()
                line = _ITEM.sub("", line, count=1)
            current.append(_ROLE.sub(lambda m: _value(values, m.group(1)), line.strip()))
        flush()
    return out
