"""Figures a document states only in words: 'thousands of families', 'a majority', 'for years'.

Such a figure carries the document's own phrase (column `printed`) and no
value: the project never turns words into a number. These row rules keep the
two kinds apart: a figure in words has an empty value and a phrase; a figure
qualified as exact, approximate, at least or at most has a number and no phrase.
"""

from __future__ import annotations

IN_WORDS = "in_words"
NUMERIC = frozenset({"exact", "approximate", "at_least", "at_most"})


def problem(precision: str, value: str, printed: str) -> tuple[str, str] | None:
    """(column, reason) for the first rule a figure's row breaks, or None."""
    precision, value, printed = precision.strip(), value.strip(), printed.strip()
    if precision == IN_WORDS:
        if value:
            return "value", (
                f"{value!r} is a number, but precision in_words says the document gives this quantity only in words "
                "(leave value empty and quote the words in printed)"
            )
        if not printed:
            return "printed", "is blank, but precision in_words needs the document's own words for the quantity"
        return None
    if precision in NUMERIC and not value:
        return "value", (
            f"is blank, but precision {precision} needs the number the document printed "
            "(if it gives the quantity only in words, use precision in_words and quote them in printed)"
        )
    if printed:
        return "printed", f"{printed!r} is only for a quantity stated in words (precision in_words); leave it empty"
    return None


def check_rows(rows: list[list[str]], names: list[str], where: str) -> str | None:
    """The first figure row that breaks the rules above, as one line; None if there is none or the table has no such columns."""
    if not {"precision", "value", "printed"} <= set(names):
        return None
    i_p, i_v, i_t = names.index("precision"), names.index("value"), names.index("printed")
    for n, rec in enumerate(rows[1:], start=2):
        if len(rec) <= max(i_p, i_v, i_t):
            continue
        found = problem(rec[i_p], rec[i_v], rec[i_t])
        if found:
            column, reason = found
            return f"{where}: row {n}, column {column}: {reason}"
    return None
