"""Prose compared word by word: which words of a sentence changed, the rest kept as context.

A paragraph whose one number moved should read as that paragraph with the number struck
out and the new one beside it, not as two whole paragraphs side by side. `diff` splits
both texts into words (keeping the spaces), lines them up with difflib and returns runs
of kept, deleted and inserted text; the renderers mark them for Markdown (`~~old~~
**new**`), for HTML (`<del>`/`<ins>`) and for a terminal.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from typing import Callable

KEEP, DELETE, INSERT = "keep", "delete", "insert"
# Spaces; a number with its sign, separators and percent sign ("+6,281", "42.7%"); a word
# (with inner hyphens and apostrophes); or one other character. "6,281." is a number and a full stop.
_TOKEN = re.compile(r"\s+|[+\-−]?\d(?:[\d,.]*\d)?%?|\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Run:
    op: str  # KEEP, DELETE or INSERT
    text: str


def tokens(text: str) -> list[str]:
    """Words (with the digits, separators and signs that belong to a number) and the spaces between."""
    return _TOKEN.findall(text)


def diff(old: str, new: str) -> list[Run]:
    """Runs of kept, deleted and inserted text that turn `old` into `new`."""
    a, b = tokens(old), tokens(new)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # Changes separated only by spaces join into one: "~~a b~~ **c d**" reads better than
    # "~~a~~ **c** ~~b~~ **d**".
    spans: list[list] = []
    for tag, i1, i2, j1, j2 in ops:
        gap = tag == "equal" and not "".join(a[i1:i2]).strip()
        if spans and spans[-1][0] == "change" and (tag != "equal" or gap):
            spans[-1][2], spans[-1][4] = i2, j2
        else:
            spans.append(["keep" if tag == "equal" else "change", i1, i2, j1, j2])
    # A trailing gap folded into a change that no change followed is kept text again.
    runs: list[Run] = []
    for kind, i1, i2, j1, j2 in spans:
        if kind == "keep":
            runs.append(Run(KEEP, "".join(a[i1:i2])))
            continue
        old_text, new_text = "".join(a[i1:i2]), "".join(b[j1:j2])
        tail = 0
        while (
            tail < min(len(old_text), len(new_text))
            and old_text[-1 - tail] == new_text[-1 - tail]
            and not old_text[-1 - tail].strip()
        ):
            tail += 1
        if old_text[: len(old_text) - tail]:
            runs.append(Run(DELETE, old_text[: len(old_text) - tail]))
        if new_text[: len(new_text) - tail]:
            runs.append(Run(INSERT, new_text[: len(new_text) - tail]))
        if tail:
            runs.append(Run(KEEP, old_text[len(old_text) - tail :]))
    merged: list[Run] = []
    for run in runs:
        if merged and merged[-1].op == run.op:
            merged[-1] = Run(run.op, merged[-1].text + run.text)
        elif run.text:
            merged.append(run)
    return merged


def changed(runs: list[Run]) -> bool:
    return any(r.op != KEEP for r in runs)


def excerpt(runs: list[Run], context: int = 12) -> list[Run]:
    """The runs with long unchanged stretches cut to `context` words on each side of a change."""
    out: list[Run] = []
    for index, run in enumerate(runs):
        if run.op != KEEP:
            out.append(run)
            continue
        words = tokens(run.text)
        n_words = sum(1 for w in words if w.strip())
        first, last = index == 0, index == len(runs) - 1
        if n_words <= 2 * context or (first and last):
            out.append(run)
            continue
        head = _take(words, context) if not first else []
        tail = _take(list(reversed(words)), context)[::-1] if not last else []
        if first:
            out.append(Run(KEEP, "… " + "".join(tail).lstrip()))
        elif last:
            out.append(Run(KEEP, "".join(head).rstrip() + " …"))
        else:
            out.append(Run(KEEP, "".join(head).rstrip() + " … " + "".join(tail).lstrip()))
    return out


def _take(words: list[str], n: int) -> list[str]:
    taken, count = [], 0
    for w in words:
        if w.strip():
            if count == n:
                break
            count += 1
        taken.append(w)
    return taken


def render(
    runs: list[Run], keep: Callable[[str], str], delete: Callable[[str], str], insert: Callable[[str], str], between: str = ""
) -> str:
    """Each run through its function; `between` separates a deletion from the insertion that replaces it."""
    parts = []
    for index, run in enumerate(runs):
        if between and run.op == INSERT and index and runs[index - 1].op == DELETE:
            parts.append(between)
        fn = keep if run.op == KEEP else delete if run.op == DELETE else insert
        # Markers hug the words: spaces at the edges of a change stay outside the marks.
        lead = run.text[: len(run.text) - len(run.text.lstrip())]
        trail = run.text[len(run.text.rstrip()) :]
        core = run.text.strip()
        parts.append(lead + (fn(core) if core else "") + trail if run.op != KEEP else fn(run.text))
    return "".join(parts)


def to_html(runs: list[Run]) -> str:
    """`<del>` and `<ins>` around the changes; every word escaped."""
    return render(runs, html.escape, lambda t: f"<del>{html.escape(t)}</del>", lambda t: f"<ins>{html.escape(t)}</ins>", " ")


def to_text(runs: list[Run]) -> str:
    """For a terminal or a log: [-old-]{+new+}, as `git diff --word-diff` writes it."""
    return render(runs, str, lambda t: f"[-{t}-]", lambda t: f"{{+{t}+}}")
