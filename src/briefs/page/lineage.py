"""What each glued value was computed from: quantities that carry their own derivation.

A number on a page is only as good as what it was computed from. A `Quantity`
is a value with its unit, a short label and either a SOURCE (a leaf: a figure a
document prints, rows of a project resource, an official series over some
months, a parameter of the run, a constant with a reason) or a FORMULA over other
quantities (a node). Arithmetic on quantities builds the nodes, so a brief
computes as it always did and the derivation comes along: the words ("INM
returns divided by days in the window"), the symbols ("19,561 ÷ 198") and the
leaves with their sources. The value of every node is exactly what the plain
float arithmetic gives, operation for operation, so converting a brief moves no
published number.

The claims library reads the leaves to tell what a claim rests on (an official
series, another document, the document's own numbers) and to refuse a check that
can only restate the figure it is compared with. `derivation(q)` is the JSON
record a brief carries for every glued value (see the lineage contract in the
project's notes): deterministic, with sorted keys and no ids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping

import pandas as pd

from briefs.data.package import Figure, Package
from briefs.errors import UsageError
from briefs.page.periods import period_text, window_days as days_of

FIGURE, RESOURCE, SERIES, PARAMETER, CONSTANT = "figure", "resource", "series", "parameter", "constant"
LEAF_KINDS = (FIGURE, RESOURCE, SERIES, PARAMETER, CONSTANT)
EVIDENCE = (FIGURE, RESOURCE, SERIES)  # leaves that are data; parameters and constants are not evidence

DIMENSIONLESS = {"", "times", "share", "ratio"}

# How each operation reads: (symbol, words, precedence); a child of lower precedence is parenthesised.
_OPS = {
    "add": ("+", "{a} plus {b}", 1),
    "sub": ("−", "{a} minus {b}", 1),
    "mul": ("×", "{a} times {b}", 2),
    "div": ("÷", "{a} divided by {b}", 2),
    "pow": ("^", "{a} to the power {b}", 3),
}


def number_text(value: Any) -> str:
    """A value as the symbols show it: thousands separated, whole numbers without decimals, others to six figures."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return f"{value:,.0f}"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{value:,.6g}" if abs(value) >= 1e-4 else f"{value:.3g}"


@dataclass(frozen=True, eq=False)
class Quantity:
    """A value with its unit and label, and where it came from: a source (a leaf) or an operation on inputs (a node)."""

    value: int | float
    unit: str
    label: str
    period: str | None = None
    source: Mapping[str, Any] | None = None
    op: str | None = None
    args: tuple["Quantity", ...] = ()
    digits: int | None = None  # for `rounded`
    words: str | None = None  # a node's formula in words when its operation has no template of its own

    def __post_init__(self):
        if (self.source is None) == (self.op is None):
            raise UsageError(f"quantity {self.label!r} needs either a source or an operation, not both or neither")
        if self.source is not None and self.source.get("kind") not in LEAF_KINDS:
            raise UsageError(f"quantity {self.label!r}: a source's kind must be one of {', '.join(LEAF_KINDS)}")

    @property
    def is_leaf(self) -> bool:
        return self.source is not None

    def named(self, label: str | None = None, unit: str | None = None, period: str | None = None) -> "Quantity":
        """The same value and derivation under a new label, unit or period."""
        return replace(
            self,
            label=label if label is not None else self.label,
            unit=unit if unit is not None else self.unit,
            period=period if period is not None else self.period,
        )

    # --- plain-number behaviour, so existing formatting and comparisons keep working ----------
    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    def __repr__(self) -> str:
        return f"Quantity({self.value!r} {self.unit}, {self.label!r})"

    def _cmp(self, other) -> float:
        return other.value if isinstance(other, Quantity) else other

    def __lt__(self, other):
        return self.value < self._cmp(other)

    def __le__(self, other):
        return self.value <= self._cmp(other)

    def __gt__(self, other):
        return self.value > self._cmp(other)

    def __ge__(self, other):
        return self.value >= self._cmp(other)

    # --- arithmetic builds nodes ------------------------------------------------------------
    def __add__(self, other):
        return _binary("add", self, other)

    def __sub__(self, other):
        return _binary("sub", self, other)

    def __mul__(self, other):
        return _binary("mul", self, other)

    def __truediv__(self, other):
        return _binary("div", self, other)

    def __pow__(self, other):
        return _binary("pow", self, other)

    def __radd__(self, other):
        return _binary("add", other, self)

    def __rsub__(self, other):
        return _binary("sub", other, self)

    def __rmul__(self, other):
        return _binary("mul", other, self)

    def __rtruediv__(self, other):
        return _binary("div", other, self)


def _need(q: Any, op: str) -> Quantity:
    if not isinstance(q, Quantity):
        raise TypeError(
            f"{op}: {q!r} is a plain number; make it a quantity with its reason (lineage.constant or lineage.parameter)"
        )
    return q


def _base(unit: str) -> tuple[str, str | None]:
    """'people per day' -> ('people', 'day'); 'people' -> ('people', None)."""
    head, sep, tail = unit.rpartition(" per ")
    return (head, tail) if sep else (unit, None)


_SINGULAR = {"days": "day", "months": "month", "weeks": "week", "years": "year", "trips": "trip", "people": "person"}


def _per(unit: str) -> str:
    return _SINGULAR.get(unit, unit)


def singular(unit: str) -> str:
    """The unit of one: 'people' -> 'person', 'statements' -> 'statement'; 'people per day' -> 'person per day'."""
    head, tail = _base(unit)
    one = _SINGULAR.get(head) or (head[:-1] if head.endswith("s") and not head.endswith("ss") and " " not in head else head)
    return f"{one} per {tail}" if tail else one


def _unit(op: str, a: Quantity, b: Quantity) -> str:
    if op in ("add", "sub"):
        if a.unit in DIMENSIONLESS and b.unit in DIMENSIONLESS:
            return a.unit or b.unit
        if a.unit != b.unit:
            raise UsageError(
                f"cannot {'add' if op == 'add' else 'subtract'} {b.label!r} ({b.unit}) "
                f"{'to' if op == 'add' else 'from'} {a.label!r} ({a.unit}): the units differ"
            )
        return a.unit
    if op == "mul":
        if a.unit in DIMENSIONLESS:
            return b.unit
        if b.unit in DIMENSIONLESS:
            return a.unit
        for x, y in ((a, b), (b, a)):
            head, per = _base(x.unit)
            if per is not None and _per(y.unit) == per:
                return head
        return f"{a.unit} × {b.unit}"
    if op == "div":
        if a.unit == b.unit:
            return "times"
        if b.unit in DIMENSIONLESS:
            return a.unit
        return f"{a.unit} per {_per(b.unit)}"
    if op == "pow":
        return a.unit if a.unit in DIMENSIONLESS else f"{a.unit}^{number_text(b.value)}"
    raise UsageError(f"unknown operation {op!r}")


def _apply(op: str, x, y):
    if op == "add":
        return x + y
    if op == "sub":
        return x - y
    if op == "mul":
        return x * y
    if op == "div":
        return x / y
    if op == "pow":
        return x**y
    raise UsageError(f"unknown operation {op!r}")


def _binary(op: str, a, b) -> Quantity:
    symbol = _OPS[op][0]
    a, b = _need(a, symbol), _need(b, symbol)
    value = _apply(op, a.value, b.value)
    if a.period == b.period or b.period is None:
        period = a.period
    else:
        period = b.period if a.period is None else None
    node = Quantity(value=value, unit=_unit(op, a, b), label="", period=period, op=op, args=(a, b))
    return replace(node, label=formula_words(node))


# --- operations with names ----------------------------------------------------------------------


def share(part: Quantity, whole: Quantity, label: str | None = None) -> Quantity:
    """`part` as a fraction of `whole` (unit 'share'; format it with '{:.1%}')."""
    q = _need(part, "share") / _need(whole, "share")
    return q.named(label=label or f"{part.label} as a share of {whole.label}", unit="share")


def ratio(a: Quantity, b: Quantity, label: str | None = None) -> Quantity:
    """How many times `b` `a` is (unit 'times')."""
    q = _need(a, "ratio") / _need(b, "ratio")
    return q.named(label=label or f"{a.label} over {b.label}", unit="times")


def difference(a: Quantity, b: Quantity, label: str | None = None) -> Quantity:
    q = _need(a, "difference") - _need(b, "difference")
    return q.named(label=label) if label else q


def per_day(total: Quantity, days: Quantity, label: str | None = None) -> Quantity:
    """A total spread over a number of days."""
    q = _need(total, "per_day") / _need(days, "per_day")
    return q.named(label=label or f"{total.label} a day", unit=f"{_base(total.unit)[0]} per day")


def sum_of(items: Iterable[Quantity], label: str | None = None) -> Quantity:
    """The sum of several quantities of one unit, added left to right (as `sum()` would)."""
    items = [_need(q, "sum_of") for q in items]
    if not items:
        raise UsageError("sum_of needs at least one quantity")
    total = items[0]
    for q in items[1:]:
        total = total + q
    return total.named(label=label) if label else total


def rounded(q: Quantity, digits: int = 0, label: str | None = None) -> Quantity:
    """`q` rounded to `digits` decimals (Python's `round`)."""
    q = _need(q, "rounded")
    node = Quantity(value=round(q.value, digits), unit=q.unit, label="", period=q.period, op="round", args=(q,), digits=digits)
    return replace(node, label=label or formula_words(node))


def extreme(items: Iterable[Quantity], how: str = "max", label: str | None = None) -> Quantity:
    """The largest (`how='max'`) or smallest of several quantities of one unit."""
    items = [_need(q, how) for q in items]
    if not items or how not in ("max", "min"):
        raise UsageError("extreme needs quantities and how='max' or 'min'")
    units = {q.unit for q in items}
    if len(units) > 1:
        raise UsageError(f"cannot take the {how} of quantities in different units ({', '.join(sorted(units))})")
    pick = (max if how == "max" else min)(items, key=lambda q: q.value)
    node = Quantity(value=pick.value, unit=pick.unit, label="", op=how, args=tuple(items))
    return replace(node, label=label or formula_words(node))


# --- leaves --------------------------------------------------------------------------------------


def _period_text(start, end) -> str | None:
    text = period_text(start, end)
    return None if text == "not stated" else text


def figure_source(fig: Figure, field_name: str | None = None) -> dict[str, Any]:
    src = {
        "kind": FIGURE,
        "figure": fig.id,
        "document": fig.document,
        "document_name": fig.document_name,
        "note": fig.note,
        "location": fig.location,
        "cited_work": fig.cited_work,
        "citation": fig.citation(),
    }
    if field_name:
        src["field"] = field_name
    return src


def figure(fig: Figure, label: str | None = None, unit: str | None = None) -> Quantity:
    """A document's figure as printed (its value, unit and period)."""
    if fig.in_words:
        raise UsageError(
            f"figure {fig.id!r} is stated only in words ({fig.printed!r}): it has no number to compute with or to "
            "compare a claim against; glue its words as text (Ledger.words)"
        )
    if fig.value is None or (isinstance(fig.value, float) and math.isnan(fig.value)):
        raise UsageError(f"figure {fig.id!r} has no value: the document does not print one")
    return Quantity(
        value=fig.value,
        unit=unit or fig.unit,
        label=label or fig.quantity,
        period=_period_text(fig.period_start, fig.period_end),
        source=figure_source(fig),
    )


def figure_days(fig: Figure, label: str | None = None) -> Quantity:
    """The days of the window a figure states, both ends counted (part of the figure, not a separate datum)."""
    days = days_of(fig.period_start, fig.period_end)
    if days is None:
        raise UsageError(f"figure {fig.id!r} does not state both ends of its window, so it has no length in days")
    period = _period_text(fig.period_start, fig.period_end)
    return Quantity(
        value=days,
        unit="days",
        label=label or f"days from {period.replace(' – ', ' to ')}",
        period=period,
        source=figure_source(fig, "period"),
    )


def figure_field(fig: Figure, value: Any, field_name: str, label: str, unit: str = "") -> Quantity:
    """Another number a figure's row holds (a year of its period, its note): part of the figure."""
    return Quantity(
        value=value,
        unit=unit,
        label=label,
        period=_period_text(fig.period_start, fig.period_end),
        source=figure_source(fig, field_name),
    )


def constant(value: int | float, why: str, unit: str = "", label: str | None = None) -> Quantity:
    """A fixed number with the reason it is what it is (12 months a year, 100 to make a percentage)."""
    if not why:
        raise UsageError("a constant needs the reason for its value")
    return Quantity(value=value, unit=unit, label=label or why, source={"kind": CONSTANT, "why": why})


def parameter(name: str, value: int | float, unit: str = "", label: str | None = None) -> Quantity:
    """A number set by the run's parameters (or derived from them: a window's days)."""
    return Quantity(value=value, unit=unit, label=label or name, source={"kind": PARAMETER, "name": name})


def window_days(start, end, parameter_name: str, label: str | None = None) -> Quantity:
    """The days of a window set by the run's parameters, both ends counted."""
    days = days_of(start, end)
    period = _period_text(start, end)
    return Quantity(
        value=days,
        unit="days",
        label=label or f"days from {period.replace(' – ', ' to ')}",
        period=period,
        source={"kind": PARAMETER, "name": parameter_name},
    )


def _describe_rows(frame: pd.DataFrame, where: str | None) -> str:
    parts = []
    if where:
        parts.append(where)
    if {"period_start", "period_end"} <= set(frame.columns) and len(frame):
        span = _period_text(frame["period_start"].min(), frame["period_end"].max())
        if span:
            parts.append(f"periods {span}")
    return "; ".join(parts) or "every row"


def resource_source(pkg: Package | None, resource: str, rows_text: str, n_rows: int) -> dict[str, Any]:
    src: dict[str, Any] = {"kind": RESOURCE, "resource": resource, "rows": rows_text, "n_rows": int(n_rows)}
    if pkg is not None:
        res = pkg.resource(resource)
        src["path"] = res.get("path")
        src["sha256"] = pkg.loaded.get(resource)
        docs = sorted({s["document"] for s in res.get("sources", []) if isinstance(s, dict) and s.get("document")})
        if docs:
            src["documents"] = docs
    return src


def rows(
    frame: pd.DataFrame,
    column: str | None,
    *,
    resource: str,
    label: str,
    unit: str,
    pkg: Package | None = None,
    where: str | None = None,
    how: str = "sum",
    period: str | None = None,
) -> Quantity:
    """An aggregate of some rows of a project resource: `how` is sum, max, min, count (rows), one (a single
    cell) or days (the days the rows' periods span, both ends counted)."""
    if how == "count":
        value = int(len(frame))
    elif how == "days":
        value = days_of(frame["period_start"].min(), frame["period_end"].max())
    else:
        if column not in frame.columns:
            raise UsageError(f"resource {resource!r} has no column {column!r}")
        if how == "sum":
            value = frame[column].sum().item()
        elif how in ("max", "min"):
            value = getattr(frame[column], how)().item()
        elif how == "one":
            if len(frame) != 1:
                raise UsageError(f"{label}: expected one row of {resource!r}, found {len(frame)}")
            value = frame[column].iloc[0].item() if hasattr(frame[column].iloc[0], "item") else frame[column].iloc[0]
        else:
            raise UsageError(f"unknown aggregate {how!r} (sum, max, min, count, one or days)")
    if period is None and {"period_start", "period_end"} <= set(frame.columns) and len(frame):
        period = _period_text(frame["period_start"].min(), frame["period_end"].max())
    return Quantity(
        value=value,
        unit=unit,
        label=label,
        period=period,
        source=resource_source(pkg, resource, _describe_rows(frame, where), len(frame)),
    )


def from_resource(
    value: int | float,
    *,
    resource: str,
    label: str,
    unit: str,
    rows_text: str,
    n_rows: int,
    pkg: Package | None = None,
    period: str | None = None,
) -> Quantity:
    """A value computed from rows of a project resource in some other way (a count of months that pass a test)."""
    return Quantity(value=value, unit=unit, label=label, period=period, source=resource_source(pkg, resource, rows_text, n_rows))


def _month(m) -> str | None:
    return None if m is None or m is pd.NaT else f"{pd.Timestamp(m):%Y-%m}"


def _months_text(first, last) -> str:
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    return f"{first:%b %Y}" if (first.year, first.month) == (last.year, last.month) else f"{first:%b %Y} – {last:%b %Y}"


def _sha(name: str) -> str | None:
    from briefs.data.official import series as official

    try:
        return official.describe(name).sha256
    except Exception:  # noqa: BLE001 - a series unknown to the registry still has a name and months
        return None


def _title(official, name: str) -> str:
    try:
        return official.title(name)
    except Exception:  # noqa: BLE001 - a series unknown to the registry is still named
        return name


def series_source(
    name: str | tuple[str, ...], first=None, last=None, column: str | None = None, where: str | None = None
) -> dict[str, Any]:
    """A series leaf's source; `name` may be several series when a value is computed from them together."""
    from briefs.data.official import series as official

    names = (name,) if isinstance(name, str) else tuple(name)
    src: dict[str, Any] = {
        "kind": SERIES,
        "name": " + ".join(names),
        "title": "; ".join(_title(official, n) for n in names),
        "first": _month(first),
        "last": _month(last),
    }
    src["sha256"] = _sha(names[0]) if len(names) == 1 else " ".join(str(_sha(n)) for n in names)
    if first is not None and last is not None:
        src["months"] = _months_text(first, last)
    if column:
        src["column"] = column
    if where:
        src["where"] = where
    return src


def series(
    value: int | float,
    name: str | tuple[str, ...],
    *,
    label: str,
    unit: str,
    first=None,
    last=None,
    column: str | None = None,
    where: str | None = None,
    period: str | None = None,
) -> Quantity:
    """A value read or computed from an official monthly series over the months `first` to `last`."""
    if period is None and first is not None and last is not None:
        period = _months_text(first, last)
    return Quantity(value=value, unit=unit, label=label, period=period, source=series_source(name, first, last, column, where))


def window_sum(total, name: str, *, label: str, unit: str, column: str | None = None, where: str | None = None) -> Quantity:
    """A `periods.WindowSum` of an official series as a quantity over the months it actually had."""
    return series(total.total, name, label=label, unit=unit, first=total.first, last=total.last, column=column, where=where)


# --- reading a quantity back ---------------------------------------------------------------------


def leaves(q: Quantity) -> list[Quantity]:
    """The leaves under `q`, each once, in the order the formula first meets them."""
    seen: dict[int, Quantity] = {}

    def walk(node: Quantity) -> None:
        if node.is_leaf:
            seen.setdefault(id(node), node)
        else:
            for arg in node.args:
                walk(arg)

    walk(q)
    return list(seen.values())


def evidence_key(leaf: Quantity) -> tuple | None:
    """What a leaf is evidence of: the figure, the resource rows or the series months; None for parameters and constants."""
    src = leaf.source or {}
    kind = src.get("kind")
    if kind == FIGURE:
        return (FIGURE, src["figure"])
    if kind == RESOURCE:
        return (RESOURCE, src["resource"], src.get("rows"))
    if kind == SERIES:
        return (SERIES, src["name"], src.get("first"), src.get("last"), src.get("column"), src.get("where"))
    return None


def evidence(q: Quantity) -> set[tuple]:
    return {k for k in (evidence_key(leaf) for leaf in leaves(q)) if k is not None}


def documents(q: Quantity) -> set[str]:
    """The documents the evidence under `q` comes from (a figure's document; the documents a resource transcribes)."""
    found: set[str] = set()
    for leaf in leaves(q):
        src = leaf.source or {}
        if src.get("kind") == FIGURE and src.get("document"):
            found.add(src["document"])
        elif src.get("kind") == RESOURCE:
            found.update(src.get("documents", []))
    return found


def kinds(q: Quantity) -> set[str]:
    return {leaf.source["kind"] for leaf in leaves(q)}


def _wrap(child: Quantity, parent_prec: int, text: str, same_op: bool) -> str:
    if child.is_leaf or child.op in ("round", "max", "min") or same_op:
        return text
    return f"({text})" if _OPS[child.op][2] <= parent_prec else text


def formula_words(q: Quantity) -> str:
    """The formula in words, down to the leaves' labels."""
    if q.is_leaf:
        return q.label
    if q.op in _OPS:
        _, template, prec = _OPS[q.op]
        a, b = q.args
        assoc = q.op in ("add", "mul")
        return template.format(
            a=_wrap(a, prec, formula_words(a), assoc and a.op == q.op), b=_wrap(b, prec, formula_words(b), False)
        )
    if q.op == "round":
        return (
            f"{formula_words(q.args[0])}, rounded to {q.digits} decimals" if q.digits else f"{formula_words(q.args[0])}, rounded"
        )
    if q.op in ("max", "min"):
        which = "largest" if q.op == "max" else "smallest"
        return f"the {which} of " + ", ".join(formula_words(a) for a in q.args)
    return q.words or q.label


def formula_symbols(q: Quantity) -> str:
    """The formula in numbers: '19,561 ÷ 198'."""
    if q.is_leaf:
        return number_text(q.value)
    if q.op in _OPS:
        symbol, _, prec = _OPS[q.op]
        a, b = q.args
        assoc = q.op in ("add", "mul")
        return (
            f"{_wrap(a, prec, formula_symbols(a), assoc and a.op == q.op)} {symbol} {_wrap(b, prec, formula_symbols(b), False)}"
        )
    if q.op == "round":
        return f"round({formula_symbols(q.args[0])}, {q.digits})"
    if q.op in ("max", "min"):
        return f"{q.op}(" + ", ".join(formula_symbols(a) for a in q.args) + ")"
    return number_text(q.value)


def json_value(value: Any) -> Any:
    """A value as the record stores it: ints as ints, finite floats as floats, anything else as None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return int(value) if isinstance(value, int) else float(value)


def _clean(source: Mapping[str, Any]) -> dict[str, Any]:
    return {k: source[k] for k in sorted(source) if source[k] is not None}


def leaf_record(leaf: Quantity) -> dict[str, Any]:
    return {
        "label": leaf.label,
        "value": json_value(leaf.value),
        "unit": leaf.unit,
        "period": leaf.period,
        "source": _clean(leaf.source or {}),
    }


def derivation(q: Quantity, claim: str | None = None) -> dict[str, Any]:
    """The record of how `q` was computed: formula in words and symbols, its value and unit, and its leaves."""
    return {
        "formula": formula_words(q),
        "symbols": formula_symbols(q),
        "value": json_value(q.value),
        "unit": q.unit,
        "label": q.label,
        "period": q.period,
        "inputs": [leaf_record(leaf) for leaf in leaves(q)],
        "claim": claim,
    }


def text_record(parameter_name: str | None = None, source: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The record of a glued string: plain text, or the parameter or figure it was written from."""
    rec: dict[str, Any] = {"kind": "text"}
    if parameter_name:
        rec["parameter"] = parameter_name
    if source:
        rec["source"] = _clean(source)
    return rec
