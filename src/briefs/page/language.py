"""Spanish words inside English pages, marked `lang="es"` so screen readers pronounce them as Spanish.

The documents cite Mexican sources by their Spanish titles ("Versión estenográfica, conferencia
de prensa del 12 de mayo de 2023") inside English citations. A citation is cut at commas,
semicolons and brackets; a piece reads as Spanish when it has Spanish function words or
letters and words in lower case, and no English function words.
"""

from __future__ import annotations

import html
import re

SPANISH = {"de", "del", "la", "las", "los", "el", "en", "y", "al", "entre", "para", "con", "por", "frente", "sobre", "una", "un"}
ENGLISH = {"the", "of", "and", "for", "in", "to", "with", "on", "after", "a", "an", "by", "from", "at", "is", "has", "its"}
ACCENTED = re.compile(r"[áéíóúñÁÉÍÓÚÑ¿¡]")
PIECES = re.compile(r"[^,;()\[\]]+")
WORD = re.compile(r"[^\W\d_]+")


def is_spanish(piece: str) -> bool:
    words = [w.lower() for w in WORD.findall(piece)]
    if len(words) < 2 or any(w in ENGLISH for w in words):
        return False
    if sum(w in SPANISH for w in words) >= 1 and len(words) >= 3:
        return True
    # Accented letters and a word in lower case ("Versión estenográfica"); not a bare name ("Blas Nuñez-Neto Declaration").
    return bool(ACCENTED.search(piece)) and any(w.islower() for w in WORD.findall(piece))


def spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each Spanish stretch of `text`; neighbouring Spanish pieces join into one."""
    out: list[tuple[int, int]] = []
    for match in PIECES.finditer(text):
        piece = match.group()
        if not is_spanish(piece):
            continue
        start = match.start() + len(piece) - len(piece.lstrip())
        end = match.end() - (len(piece) - len(piece.rstrip()))
        if out and re.fullmatch(r"[\s,;]*", text[out[-1][1] : start]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def marked(text: str) -> str:
    """Escaped HTML of `text` with each Spanish stretch in `<span lang="es">`."""
    out, at = [], 0
    for start, end in spans(text):
        out.append(html.escape(text[at:start]))
        out.append(f'<span lang="es">{html.escape(text[start:end])}</span>')
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)
