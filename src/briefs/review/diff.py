"""What moved between two versions of the briefs, claim by claim and cell by cell.

A notebook diff shows bytes; a reviewer of a data change needs to know which
argument stopped holding and which table cell moved. `compare` pairs two sets
of executed briefs (a notebook, a run folder or an edition folder each) by
brief name and lists, per brief: claims whose value, status or wording
changed; glued values; table cells, rows and columns; chart data rows and
drawings; and the text of any other output. `report` renders the result for a
terminal, a pull request or a browser; `changes_page` writes an edition's
"what changed" page in sentences.
"""

from __future__ import annotations

import difflib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from briefs.review.digest import Chart, Digest, Table, collect

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
CLAIM_FIELDS = ("value", "text", "status", "published", "published_text", "rule", "statement", "source")


@dataclass
class ValueChange:
    key: str
    old: Any  # None: absent on that side
    new: Any


@dataclass
class ClaimChange:
    id: str
    kind: str
    old: dict | None
    new: dict | None

    @property
    def statement(self) -> str:
        return str((self.new or self.old or {}).get("statement", ""))

    @property
    def fields(self) -> list[str]:
        if self.old is None or self.new is None:
            return []
        return [f for f in CLAIM_FIELDS if not same(self.old.get(f), self.new.get(f))]

    @property
    def old_status(self) -> str | None:
        return None if self.old is None else self.old.get("status")

    @property
    def new_status(self) -> str | None:
        return None if self.new is None else self.new.get("status")

    @property
    def flipped(self) -> bool:
        return self.old_status != self.new_status


@dataclass
class CellChange:
    row: str
    column: str
    old: Any
    new: Any


@dataclass
class TableChange:
    name: str
    caption: str
    kind: str
    old_caption: str | None = None
    cells: list[CellChange] = field(default_factory=list)
    rows_added: list[str] = field(default_factory=list)
    rows_removed: list[str] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)


@dataclass
class RowChange:
    key: dict[str, Any]
    fields: list[tuple[str, Any, Any]]


@dataclass
class ChartChange:
    name: str
    title: str
    kind: str
    key: list[str] = field(default_factory=list)
    old_title: str | None = None
    old_description: str | None = None
    new_description: str | None = None
    rows_added: list[dict] = field(default_factory=list)
    rows_removed: list[dict] = field(default_factory=list)
    rows_changed: list[RowChange] = field(default_factory=list)
    old_svg: str | None = None
    new_svg: str | None = None

    @property
    def drawing_changed(self) -> bool:
        return self.old_svg != self.new_svg

    @property
    def data_changed(self) -> bool:
        return bool(self.rows_added or self.rows_removed or self.rows_changed)


@dataclass
class BriefDiff:
    name: str
    title: str
    kind: str
    parameters: list[ValueChange] = field(default_factory=list)
    claims: list[ClaimChange] = field(default_factory=list)
    values: list[ValueChange] = field(default_factory=list)
    tables: list[TableChange] = field(default_factory=list)
    charts: list[ChartChange] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # unified diff of the other outputs

    @property
    def changed(self) -> bool:
        return self.kind != UNCHANGED


@dataclass
class Report:
    old_label: str
    new_label: str
    briefs: list[BriefDiff]

    @property
    def changed(self) -> bool:
        return any(b.changed for b in self.briefs)

    @property
    def changed_briefs(self) -> list[BriefDiff]:
        return [b for b in self.briefs if b.changed]

    @property
    def unchanged_briefs(self) -> list[BriefDiff]:
        return [b for b in self.briefs if not b.changed]


def same(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN and 3 as equal to 3.0 (JSON does not keep the difference)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def show(value: Any) -> str:
    """A value as a reader expects it: thousands separators, no float noise, a dash for absent."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.10g}"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def number(value: Any) -> str:
    """Chart data arrives as CSV text; a value that reads as a number is shown like one."""
    if isinstance(value, str):
        try:
            parsed = float(value)
        except ValueError:
            return value
        return show(parsed) if value.strip() == value and value.lower() not in ("nan", "inf", "-inf") else value
    return show(value)


def claim_value(claim: dict) -> str:
    return str(claim.get("text") if claim.get("text") is not None else show(claim.get("value")))


def _mapping_changes(old: dict, new: dict) -> list[ValueChange]:
    keys = list(new) + [k for k in old if k not in new]
    return [ValueChange(k, old.get(k), new.get(k)) for k in sorted(keys) if not (k in old and k in new and same(old[k], new[k]))]


def compare_claims(old: list[dict], new: list[dict]) -> list[ClaimChange]:
    before = {c["id"]: c for c in old}
    after = {c["id"]: c for c in new}
    out = []
    for cid, claim in after.items():
        if cid not in before:
            out.append(ClaimChange(cid, ADDED, None, claim))
        else:
            change = ClaimChange(cid, CHANGED, before[cid], claim)
            if change.fields:
                out.append(change)
    out += [ClaimChange(cid, REMOVED, claim, None) for cid, claim in before.items() if cid not in after]
    return out


def compare_tables(old: Table | None, new: Table | None) -> TableChange | None:
    if old is None or new is None:
        present = new or old
        return TableChange(present.name, present.caption, ADDED if old is None else REMOVED)
    change = TableChange(new.name, new.caption, CHANGED)
    if old.caption != new.caption:
        change.old_caption = old.caption
    change.rows_added = [r for r in new.index if r not in old.index]
    change.rows_removed = [r for r in old.index if r not in new.index]
    change.columns_added = [c for c in new.columns if c not in old.columns]
    change.columns_removed = [c for c in old.columns if c not in new.columns]
    before, after = old.cells(), new.cells()
    for row in new.index:
        for col in new.columns:
            if (row, col) in before and not same(before[row, col], after[row, col]):
                change.cells.append(CellChange(row, col, before[row, col], after[row, col]))
    if change.old_caption is None and not (
        change.cells or change.rows_added or change.rows_removed or change.columns_added or change.columns_removed
    ):
        return None
    return change


def _numeric(value: Any) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    if isinstance(value, str):
        try:
            float(value.replace(",", ""))
        except ValueError:
            return False
        return True
    return False


def chart_key(rows: Iterable[dict], columns: list[str]) -> list[str]:
    """Columns that name a data point: those holding text. A row's other columns are its values."""
    rows = list(rows)
    return [c for c in columns if any(r.get(c) not in (None, "") and not _numeric(r.get(c)) for r in rows)]


def _row_id(row: dict, key: list[str]) -> tuple:
    return tuple(json.dumps(row.get(k), sort_keys=True) for k in key)


def compare_chart_data(old: list[dict], new: list[dict]) -> tuple[list[str], list[dict], list[dict], list[RowChange]]:
    """Rows added, removed and changed. Rows are matched on their text columns when those identify them."""
    columns = list(dict.fromkeys([k for row in [*old, *new] for k in row]))
    key = chart_key([*old, *new], columns)
    if not key and columns and len({json.dumps(r.get(columns[0])) for r in old}) == len(old) \
            and len({json.dumps(r.get(columns[0])) for r in new}) == len(new):
        key = columns[:1]
    unique = key and len({_row_id(r, key) for r in old}) == len(old) and len({_row_id(r, key) for r in new}) == len(new)
    if unique:
        before = {_row_id(r, key): r for r in old}
        after = {_row_id(r, key): r for r in new}
        added = [r for k, r in after.items() if k not in before]
        removed = [r for k, r in before.items() if k not in after]
        changed = []
        for k, row in after.items():
            if k in before:
                fields = [(c, before[k].get(c), row.get(c)) for c in columns if c not in key and not same(before[k].get(c), row.get(c))]
                if fields:
                    changed.append(RowChange({c: row.get(c) for c in key}, fields))
        return key, added, removed, changed
    # No key: compare the rows as a multiset, so a moved value shows as one row out and one in.
    as_text = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
    before, after = Counter(map(as_text, old)), Counter(map(as_text, new))
    removed = [json.loads(t) for t in (before - after).elements()]
    added = [json.loads(t) for t in (after - before).elements()]
    return [], added, removed, []


def compare_charts(old: Chart | None, new: Chart | None) -> ChartChange | None:
    if old is None or new is None:
        present = new or old
        change = ChartChange(present.name, present.title, ADDED if old is None else REMOVED)
        change.old_svg, change.new_svg = (old.svg if old else None), (new.svg if new else None)
        return change
    change = ChartChange(new.name, new.title, CHANGED, old_svg=old.svg, new_svg=new.svg)
    if old.title != new.title:
        change.old_title = old.title
    if old.description != new.description:
        change.old_description, change.new_description = old.description, new.description
    change.key, change.rows_added, change.rows_removed, change.rows_changed = compare_chart_data(old.data, new.data)
    if change.old_title is None and change.old_description is None and not change.data_changed and not change.drawing_changed:
        return None
    return change


def compare_texts(old: list[str], new: list[str]) -> list[str]:
    a = "\n".join(old).splitlines()
    b = "\n".join(new).splitlines()
    return [line for line in difflib.unified_diff(a, b, lineterm="", n=1) if not line.startswith(("---", "+++"))]


def _paired(old: dict, new: dict) -> list[tuple[str, Any, Any]]:
    names = list(new) + [n for n in old if n not in new]
    return [(n, old.get(n), new.get(n)) for n in names]


def compare_brief(old: Digest | None, new: Digest | None) -> BriefDiff:
    present = new or old
    if old is None or new is None:
        return BriefDiff(present.name, present.title, ADDED if old is None else REMOVED)
    out = BriefDiff(new.name, new.title, CHANGED)
    out.parameters = _mapping_changes(old.parameters, new.parameters)
    out.claims = compare_claims(old.claims, new.claims)
    out.values = _mapping_changes(old.glued(), new.glued())
    out.tables = [c for _, a, b in _paired(old.tables, new.tables) if (c := compare_tables(a, b))]
    out.charts = [c for _, a, b in _paired(old.charts, new.charts) if (c := compare_charts(a, b))]
    out.text = compare_texts(old.texts, new.texts)
    if not (out.parameters or out.claims or out.values or out.tables or out.charts or out.text):
        out.kind = UNCHANGED
    return out


def compare(old: dict[str, Digest], new: dict[str, Digest], old_label: str = "old", new_label: str = "new") -> Report:
    briefs = [compare_brief(a, b) for _, a, b in sorted(_paired(old, new), key=lambda t: t[0])]
    return Report(old_label, new_label, briefs)


def diff(old: str | Path, new: str | Path) -> Report:
    """Compare two notebooks, run folders or edition folders (any pairing of the three)."""
    before, after = collect(old), collect(new)
    if Path(old).is_file() and Path(new).is_file():
        # Two notebooks named on the command line are compared whatever their names.
        (_, a), (name, b) = next(iter(before.items())), next(iter(after.items()))
        before, after = {name: a}, {name: b}
    return compare(before, after, str(old), str(new))


# ---------------------------------------------------------------------------------------------
# "What changed in this edition": the same comparison, told in sentences for readers.

_MD_SPECIAL = set("\\`*_{}[]#|~$")
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def md_escape(text: Any) -> str:
    """Text safe to place in Markdown/MyST: no markup, no HTML, no roles, on one line.

    Angle brackets and ampersands become entities (every renderer shows them
    as text); other markup characters are backslash-escaped.
    """
    return "".join(
        _MD_ENTITIES.get(ch) or ("\\" + ch if ch in _MD_SPECIAL else ch) for ch in " ".join(str(text).split())
    )


def _quote(text: str) -> str:
    return f"“{md_escape(text)}”"


def _claim_sentence(c: ClaimChange) -> str:
    ref = f"(claim {md_escape(c.id)})"
    if c.kind == ADDED:
        verdict = "holds" if c.new_status == "holds" else "is contradicted by the data"
        return f"New claim {ref}: {_quote(c.statement)}, computed as {md_escape(claim_value(c.new))}; it {verdict}."
    if c.kind == REMOVED:
        return f"The claim {_quote(c.statement)} {ref} is no longer made; it was {md_escape(claim_value(c.old))}."
    old_v, new_v = claim_value(c.old), claim_value(c.new)
    if c.flipped:
        verdict = "now holds" if c.new_status == "holds" else "no longer holds"
    else:
        verdict = "still holds" if c.new_status == "holds" else "is still contradicted"
    sentence = f"The claim {_quote(c.statement)} {ref} {verdict}"
    if old_v != new_v:
        sentence += f": the computed value moved from {md_escape(old_v)} to {md_escape(new_v)}"
    elif "value" in c.fields:
        sentence += (f"; its value as printed, {md_escape(new_v)}, is unchanged (exactly {md_escape(show(c.old.get('value')))} "
                     f"before, {md_escape(show(c.new.get('value')))} now)")
    rule = md_escape(c.new.get("rule", ""))
    sentence += f" (rule: {rule})." if rule and c.flipped else "."
    if "published" in c.fields or "published_text" in c.fields:
        sentence += (f" The published figure it is checked against changed from "
                     f"{md_escape(c.old.get('published_text') or show(c.old.get('published')))} to "
                     f"{md_escape(c.new.get('published_text') or show(c.new.get('published')))}.")
    if "statement" in c.fields:
        sentence += f" Its wording changed from {_quote(c.old.get('statement', ''))}."
    return sentence


def _cells_phrase(cells: list[CellChange], limit: int = 12) -> str:
    shown = [f"{md_escape(c.row)}, {md_escape(c.column)}: {md_escape(show(c.old))} → {md_escape(show(c.new))}" for c in cells[:limit]]
    more = f"; and {len(cells) - limit} more" if len(cells) > limit else ""
    return "; ".join(shown) + more


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _table_sentence(t: TableChange) -> str:
    name = _quote(t.caption or t.name)
    if t.kind == ADDED:
        return f"New table: {name}."
    if t.kind == REMOVED:
        return f"The table {name} was removed."
    bits = []
    if t.cells:
        bits.append(f"{_plural(len(t.cells), 'cell')} changed ({_cells_phrase(t.cells)})")
    for label, items in [("rows added", t.rows_added), ("rows removed", t.rows_removed),
                         ("columns added", t.columns_added), ("columns removed", t.columns_removed)]:
        if items:
            bits.append(f"{label}: {', '.join(md_escape(i) for i in items)}")
    if t.old_caption is not None:
        bits.append(f"its caption was {_quote(t.old_caption)}")
    return f"In the table {name}, " + "; ".join(bits) + "."


def _row_label(row: dict) -> str:
    return ", ".join(md_escape(show(v)) for v in row.values())


def _chart_sentence(c: ChartChange) -> str:
    name = _quote(c.title or c.name)
    if c.kind == ADDED:
        return f"New chart: {name}."
    if c.kind == REMOVED:
        return f"The chart {name} was removed."
    bits = []
    if c.rows_changed:
        shown = [
            f"{', '.join(md_escape(show(v)) for v in r.key.values())}: "
            + ", ".join(f"{md_escape(col)} {md_escape(number(a))} → {md_escape(number(b))}" for col, a, b in r.fields)
            for r in c.rows_changed[:12]
        ]
        more = f"; and {len(c.rows_changed) - 12} more" if len(c.rows_changed) > 12 else ""
        bits.append(f"{_plural(len(c.rows_changed), 'data point')} changed ({'; '.join(shown)}{more})")
    if c.rows_added:
        bits.append(f"{_plural(len(c.rows_added), 'data point')} added ({'; '.join(_row_label(r) for r in c.rows_added[:12])})")
    if c.rows_removed:
        bits.append(f"{_plural(len(c.rows_removed), 'data point')} removed ({'; '.join(_row_label(r) for r in c.rows_removed[:12])})")
    if c.old_title is not None:
        bits.append(f"its title was {_quote(c.old_title)}")
    if not bits:
        return f"The chart {name} is drawn differently; its data did not change."
    return f"In the chart {name}, " + "; ".join(bits) + "."


def brief_sentences(b: BriefDiff) -> list[str]:
    if b.kind == ADDED:
        return ["This brief is new in this edition."]
    if b.kind == REMOVED:
        return ["This brief is no longer part of the book."]
    lines = [_claim_sentence(c) for c in b.claims]
    for v in b.values:
        if v.old is None:
            lines.append(f"The text now uses the value {md_escape(v.key)}: {md_escape(show(v.new))}.")
        elif v.new is None:
            lines.append(f"The text no longer uses the value {md_escape(v.key)} (it was {md_escape(show(v.old))}).")
        else:
            lines.append(f"The value {md_escape(v.key)} in the text changed from {md_escape(show(v.old))} to {md_escape(show(v.new))}.")
    lines += [_table_sentence(t) for t in b.tables]
    lines += [_chart_sentence(c) for c in b.charts]
    if b.text and not lines:
        lines.append("Only text outside the claims, tables and charts changed.")
    return lines


def changes_page(
    old: str | Path | dict[str, Digest],
    new: str | Path | dict[str, Digest],
    *,
    title: str = "What changed in this edition",
    intro: str | None = None,
) -> str:
    """A MyST page telling readers which numbers moved since `old`, with both values, brief by brief."""
    before = old if isinstance(old, dict) else collect(old)
    after = new if isinstance(new, dict) else collect(new)
    report = compare(before, after)
    lines = [f"# {md_escape(title)}", ""]
    if intro:
        lines += [intro, ""]
    changed = report.changed_briefs
    if not changed:
        lines += ["No number, table or chart changed since the previous edition.", ""]
    for b in changed:
        lines += [f"## {md_escape(b.title)}", ""]
        flips = [c for c in b.claims if c.kind == CHANGED and c.flipped]
        if flips:
            now_bad = sum(1 for c in flips if c.new_status != "holds")
            lines += [
                f"{_plural(len(flips), 'claim')} changed verdict: {now_bad} no longer "
                f"{'holds' if now_bad == 1 else 'hold'}, {len(flips) - now_bad} now "
                f"{'holds' if len(flips) - now_bad == 1 else 'hold'}.",
                "",
            ]
        lines += [f"- {s}" for s in brief_sentences(b)]
        lines.append("")
    unchanged = report.unchanged_briefs
    if unchanged and changed:
        lines += ["Unchanged: " + "; ".join(md_escape(b.title) for b in unchanged) + ".", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
