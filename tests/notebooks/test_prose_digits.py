"""No number, date or note number typed into a brief's prose: every one reaches the page through glue.

A number typed by hand goes stale the day the data change; a glued one is recomputed with
the brief. The test reads each brief's MyST source, drops its front matter, its code cells
and its glue roles and directives, and fails on any digit left in the Markdown, naming the
brief, the line and the text. A short allow-list covers digits that are names, not
quantities (the law called Title 42); each entry says why.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefs.project import catalog

REPO = Path(__file__).resolve().parents[2]

# Digits that name something rather than count it. Keep this short: a number belongs in the data.
ALLOWED = {
    r"\bTitle (42|8)\b": "the names of two parts of the U.S. Code (the Title 42 public-health order, Title 8 removals)",
}

FENCE = re.compile(r"^(`{3,}|~{3,})")
ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`[^`]*`")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) of each Markdown line outside the front matter, code cells and glue directives."""
    lines = text.splitlines()
    out: list[tuple[int, str]] = []
    i = 0
    if lines and lines[0].strip() == "---":
        i = next(k for k in range(1, len(lines)) if lines[k].strip() == "---") + 1
    fence = None
    for number, line in enumerate(lines[i:], start=i + 1):
        match = FENCE.match(line.strip())
        if fence is None and match:
            fence = match.group(1)
            continue
        if fence is not None:
            if line.strip() == fence:
                fence = None
            continue
        out.append((number, line))
    return out


def stray_digits(text: str) -> list[tuple[int, str]]:
    """Lines whose prose, with glue roles and allowed names taken out, still holds a digit."""
    found = []
    for number, line in prose_lines(text):
        rest = ROLE.sub("", line)
        for pattern in ALLOWED:
            rest = re.sub(pattern, "", rest)
        if re.search(r"\d", rest):
            found.append((number, line.strip()))
    return found


BRIEFS = [b for b in catalog.discover(REPO) if b.document or b.name == "figure-ledger"]


@pytest.mark.parametrize("brief", BRIEFS, ids=lambda b: b.name)
def test_a_briefs_prose_holds_no_typed_digit(brief):
    text = (REPO / "notebooks" / f"{brief.name}.md").read_text(encoding="utf-8")
    found = stray_digits(text)
    assert not found, f"notebooks/{brief.name}.md: digits typed into prose (glue them instead):\n" + "\n".join(
        f"  line {n}: {line}" for n, line in found
    )


def test_the_check_sees_typed_digits_and_passes_glued_ones():
    sample = "\n".join(
        [
            "---",
            "title: 2024 in review",
            "---",
            "In {glue:text}`year` the count was {glue:text}`n_2023`.",
            "```{code-cell} ipython3",
            "x = 2023",
            "```",
            "```{glue:md} check_2",
            ":format: myst",
            "```",
            "Title 42 ended; see note 27.",
            "In May 2021 it rose.",
        ]
    )
    assert [n for n, _ in stray_digits(sample)] == [11, 12]


def test_the_allow_list_is_short_and_explained():
    assert len(ALLOWED) <= 3 and all(len(why) > 20 for why in ALLOWED.values())
