"""Numbers compared as numbers, written one way: what `briefs diff` and the outputs lock agree on.

A brief's records carry numbers in several spellings for the same value: an integer
count becomes a float when one month of its column has no value (129513 and 129513.0),
chart data arrive as the text of a CSV (\"129513.0\"), and a computed share may differ
from one run to the next in its 16th digit. None of these is a change a reader could
see. So:

- `canonical` writes a number in one form: an integral value as an integer, any other
  value rounded to `DIGITS` significant digits. The outputs lock writes every number
  this way, and a number written as text (\"590.0\") is recognised as one.
- `same` says two values are equal when they are the same number: their canonical
  forms agree, or they differ by less than `REL_TOL` of their size (float noise; the
  tolerance is far below any rounding a brief prints). Text that is not a number is
  compared as text.
- `shown` writes a value for a reader: thousands separators, and no more digits than
  needed to tell two different values apart.
"""

from __future__ import annotations

import math
import re
from typing import Any

DIGITS = 12  # significant digits kept for a non-integral number
REL_TOL = 1e-12  # two numbers closer than this, relative to their size, are the same number
ABSENT = "—"  # how a missing value is shown

# A number as a machine writes it: no sign but minus, no leading zeros, no separators.
# "001" or "1,450" are labels or text, never silently read as numbers.
NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$")


def as_number(value: Any) -> float | int | None:
    """The number a value holds (an int, a float, or text written as a number), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and NUMBER.match(value):
        number = float(value)
        return int(value) if re.fullmatch(r"-?\d+", value) else number
    return None


def is_blank(value: Any) -> bool:
    """No value: None, an empty cell, or NaN."""
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def canonical(value: float | int) -> str:
    """One spelling per number: 590.0 -> '590', 98.79292929292929 -> '98.7929292929'."""
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return repr(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    rounded = float(f"{value:.{DIGITS}g}")
    if rounded.is_integer() and abs(rounded) < 1e15:
        return str(int(rounded))
    return repr(rounded)


def same(a: Any, b: Any) -> bool:
    """Equal as a reader would judge: the same number however written, blanks alike, else equal text."""
    if is_blank(a) and is_blank(b):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    x, y = as_number(a), as_number(b)
    if x is not None and y is not None:
        if isinstance(x, float) and isinstance(y, float) and (math.isnan(x) or math.isnan(y)):
            return math.isnan(x) and math.isnan(y)
        return canonical(x) == canonical(y) or math.isclose(x, y, rel_tol=REL_TOL, abs_tol=0.0)
    return a == b


def _decimals(value: float) -> int:
    """Decimals a value needs to be written as it is (up to DIGITS significant digits)."""
    text = canonical(value)
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".")[1])


def shown(value: Any, other: Any = None, decimals: int | None = None) -> str:
    """A value for a reader: '1,450', '98.8', '—' for none, text as it is.

    A non-integral number gets `decimals` places (one by default, as the tables print
    them); if `other` is a different number that would then look the same, just enough
    more places to tell the two apart.
    """
    if is_blank(value):
        return ABSENT
    if isinstance(value, bool):
        return "true" if value else "false"
    number = as_number(value)
    if number is None:
        return str(value)
    if isinstance(number, int) or (number.is_integer() and abs(number) < 1e15):
        return f"{int(number):,}"
    places = 1 if decimals is None else decimals
    other_number = as_number(other)
    if other_number is not None and not same(number, other_number):
        while places < DIGITS and f"{number:,.{places}f}" == f"{other_number:,.{places}f}":
            places += 1
    places = min(places, max(_decimals(number), 1 if decimals is None else decimals))
    return f"{number:,.{places}f}"


def pair(old: Any, new: Any) -> tuple[str, str]:
    """Old and new written so that the difference shows (and only as many digits as it needs)."""
    return shown(old, new), shown(new, old)


def cell(value: Any) -> str:
    """A value as lock text, numbers in their canonical form (`review.numbers.canonical`): an
    integral number without '.0', any other rounded to 12 significant digits, whether the brief
    recorded it as a number or as the text of a CSV ("590.0" is written 590). Float noise never
    reaches the lock, so a changed lock file is a changed value. Absent is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return canonical(value)
    if isinstance(value, str) and ("." in value or "e" in value.lower()):
        number = as_number(value)
        if isinstance(number, float):
            return canonical(number)
    return str(value)
