"""Units with a floor: a count of people, trips or years is never below zero.

The figures schema keeps `value` a plain number because some units can go
negative (a change in percent, a balance in dollars). The units named here
cannot: a minus sign in front of one is a typing slip, and a negative count
would flow into every sum and share that uses it.
"""

from __future__ import annotations

FLOORED = frozenset(
    {
        "applications",
        "apprehensions",
        "arrests",
        "days",
        "encounters",
        "expulsions",
        "flights",
        "months",
        "pages",
        "people",
        "people per day",
        "recommendations",
        "roundtables",
        "trips",
        "troops",
        "weeks",
        "year",
        "years",
    }
)


def below_floor(unit: str, cell: str) -> bool:
    """True when `cell` is a negative number in a unit that has a floor of zero."""
    if unit.strip().lower() not in FLOORED:
        return False
    try:
        return float(cell) < 0
    except ValueError:
        return False


def check_rows(rows: list[list[str]], names: list[str], where: str) -> str | None:
    """The first row whose value is negative in a floored unit, as one line; None if there is none."""
    if "value" not in names or "unit" not in names:
        return None
    i_value, i_unit = names.index("value"), names.index("unit")
    for n, rec in enumerate(rows[1:], start=2):
        if len(rec) > max(i_value, i_unit) and below_floor(rec[i_unit], rec[i_value].strip()):
            unit = rec[i_unit].strip()
            return f"{where}: row {n}, column value: {rec[i_value].strip()} {unit} is below zero (a count of {unit} cannot be negative)"
    return None
