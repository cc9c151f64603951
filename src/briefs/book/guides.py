"""The guides: the "About this book" part, one Markdown page per file in `book/guides/`.

Like the briefs, the guides are found rather than listed, so adding a page is
adding a file. Each page's front matter carries an `order` key (lower first;
pages without one come last, by file name), which keeps URLs free of numbers
that would change whenever a page is inserted.
"""

from __future__ import annotations

from pathlib import Path

import yaml

FOLDER = "guides"
CAPTION = "About this book"


def front_matter(path: Path) -> dict:
    """The YAML block between the opening `---` lines, or {} when there is none."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 4)
    if end < 0:
        return {}
    meta = yaml.safe_load(text[4:end]) or {}
    return meta if isinstance(meta, dict) else {}


def pages(book: Path) -> list[str]:
    """Document names (`guides/rerun`), in reading order, for the table of contents."""
    found = []
    for path in (book / FOLDER).glob("*.md"):
        order = front_matter(path).get("order", 1000)
        found.append((int(order), path.stem))
    return [f"{FOLDER}/{stem}" for _, stem in sorted(found)]
