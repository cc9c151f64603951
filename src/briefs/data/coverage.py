"""The audit of the documents' statements (`data/coverage.csv`): its references and the rules between its columns.

The Table Schema checks each cell on its own. These are the rules that tie cells of
a row together (a statement marked not carried names nothing that carries it; a
check rests on a basis that allows it) and the grammar of `carried_ids`, whose
references point into the data package (figures, resources) and into the outputs
lock (claims, tables, charts, glued values), so a test can tell a stale reference
from a good one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

# What a reference can point at, and where it lives: the data package or outputs/BRIEF/.
IN_PACKAGE = ("figure", "resource")
IN_LOCK = ("claim", "table", "chart", "value")
KINDS = IN_PACKAGE + IN_LOCK
# carried_as, from the strongest way of carrying a statement to the weakest, with the references each needs.
CARRIED_BY = {
    "claim": ("claim",),
    "table": ("table",),
    "chart": ("chart",),
    "finding": ("value",),
    "figure": ("figure", "resource"),
}
NOT_CARRIED = "not_carried"
INDEPENDENT_BASES = ("official_series", "other_document")
TESTABLE_BASES = INDEPENDENT_BASES + ("own_numbers",)

_REF = re.compile(r"^(?P<kind>[a-z]+):(?:(?P<brief>[a-z0-9-]+)/)?(?P<name>[A-Za-z0-9_.-]+)$")


@dataclass(frozen=True)
class Ref:
    """One entry of `carried_ids`: `kind:NAME` or `kind:BRIEF/NAME`."""

    kind: str
    name: str
    brief: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}:{self.brief + '/' if self.brief else ''}{self.name}"


def parse(token: str) -> Ref:
    """A reference from its text; ValueError says what is wrong with it."""
    match = _REF.match(token)
    if not match or match["kind"] not in KINDS:
        raise ValueError(f"{token!r} is not a reference (kind:NAME or kind:BRIEF/NAME, kind one of {', '.join(KINDS)})")
    ref = Ref(match["kind"], match["name"], match["brief"])
    if ref.kind in IN_PACKAGE and ref.brief:
        raise ValueError(f"{token!r}: a {ref.kind} lives in the data package and takes no brief")
    if ref.kind in ("table", "chart", "value") and not ref.brief:
        raise ValueError(f"{token!r}: a {ref.kind} belongs to one brief; write {ref.kind}:BRIEF/{ref.name}")
    return ref


def refs(cell: object) -> list[Ref]:
    """The references in a `carried_ids` cell (empty or missing: none)."""
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return []
    return [parse(token) for token in str(cell).split()]


def row_problems(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    """(row as a spreadsheet numbers it, column, reason) for each row that breaks a rule between its cells."""
    found = []
    for n, row in enumerate(frame.itertuples(index=False), start=2):

        def bad(column: str, reason: str) -> None:
            found.append((n, column, reason))

        if not str(row.statement).startswith(f"{row.document}-s"):
            bad("statement", f"{row.statement!r} does not start with its document id {row.document!r}")
        try:
            carried = refs(row.carried_ids)
        except ValueError as exc:
            bad("carried_ids", str(exc))
            continue
        if len({str(r) for r in carried}) < len(carried):
            bad("carried_ids", "names the same reference twice")
        kinds = {r.kind for r in carried}
        if row.carried_as == NOT_CARRIED:
            if carried:
                bad("carried_ids", "names what carries the statement, but carried_as is not_carried")
        elif not kinds & set(CARRIED_BY[row.carried_as]):
            needs = " or ".join(f"{k}:" for k in CARRIED_BY[row.carried_as])
            bad("carried_ids", f"carried_as is {row.carried_as}, but no {needs} reference is given")
        if row.check != "none" and row.carried_as != "claim":
            bad("check", f"{row.check!r} needs a claim, but carried_as is {row.carried_as}")
        if row.check == "independent" and row.basis not in INDEPENDENT_BASES:
            bad("check", f"an independent check needs an official series or another document, but basis is {row.basis}")
        if row.check == "internal" and row.basis != "own_numbers":
            bad("check", f"an internal check rests on the document's own numbers, but basis is {row.basis}")
        if row.testable == "yes" and row.basis not in TESTABLE_BASES:
            bad("testable", f"basis {row.basis} leaves nothing to test against")
        if row.check != "none" and row.testable != "yes":
            bad("testable", f"the statement is checked ({row.check}) but marked not testable")
        problems = str(row.problem).split()
        if len(set(problems)) < len(problems):
            bad("problem", "names the same problem twice")
    return found
