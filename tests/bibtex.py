"""A reference manager's reading of a BibTeX entry, for the citation tests.

BibTeX is small enough to parse here: `@type{key, field = {value}, field = "value", field = 123}`
with balanced braces and backslash escapes. A field's value loses its outer delimiters and keeps
everything inside them (inner braces included), as bibtexparser 1.x gives it; that package has
no wheels, and the project installs wheels only.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

ENTRY = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,")
FIELD = re.compile(r"\s*(\w+)\s*=\s*")


def _value(text: str, i: int) -> tuple[str, int]:
    """The value starting at text[i] and the index just after it; raises ValueError if unbalanced."""
    if text[i] == "{":
        depth, j = 0, i
        while j < len(text):
            ch = text[j]
            if ch == "\\":
                j += 2
                continue
            depth += ch == "{"
            depth -= ch == "}"
            if depth == 0:
                return text[i + 1 : j], j + 1
            j += 1
        raise ValueError("unbalanced braces")
    if text[i] == '"':
        j = i + 1
        while text[j] != '"' or text[j - 1] == "\\":
            j += 1
        return text[i + 1 : j], j + 1
    match = re.match(r"[\w-]+", text[i:])
    if not match:
        raise ValueError(f"no value at {text[i : i + 20]!r}")
    return match.group(0), i + match.end()


def loads(text: str) -> SimpleNamespace:
    entries = []
    for match in ENTRY.finditer(text):
        entry = {"ENTRYTYPE": match.group(1).lower(), "ID": match.group(2)}
        i = match.end()
        while True:
            field = FIELD.match(text, i)
            if not field:
                break
            value, i = _value(text, field.end())
            entry[field.group(1).lower()] = value
            rest = re.match(r"\s*,?", text[i:])
            i += rest.end()
        if not re.match(r"\s*\}", text[i:]):
            raise ValueError(f"entry {entry['ID']!r} does not close")
        entries.append(entry)
    return SimpleNamespace(entries=entries)
