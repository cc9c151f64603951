"""What moved between two versions of the briefs, claim by claim and cell by cell.

A notebook diff shows bytes; a reviewer of a data change needs to know which
argument stopped holding and which table cell moved. `compare` pairs two sets
of executed briefs (a notebook, a run folder or an edition folder each) by
brief name and lists, per brief: claims whose value, status or wording
changed; the sentences of the text whose words changed (glued values in
place); table cells, rows and columns, with the values of what was added or
removed; chart data points; and the text of any other output.

Only real change counts: numbers are compared as numbers (`review.numbers`: an
integer and the same float are one value, as are 129513 and "129513.0"; values
closer than one part in 10^12 are the same number), and blank cells are alike
however a run spelled them. `report` and `changes` render the result for a
terminal, a pull request, a browser and an edition's "what changed" page.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from briefs.media import CHART_DESCRIBING
from briefs.review import formulas, words
from briefs.review.digest import Chart, Digest, Table, collect
from briefs.review.numbers import as_number, is_blank, same, shown
from briefs.review.prose import Paragraph

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
    index_name: str = ""
    cells: list[CellChange] = field(default_factory=list)
    rows_added: list[str] = field(default_factory=list)
    rows_removed: list[str] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    # The values of what came or went: {row: {column: value}} and {column: {row: value}}.
    added_rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed_rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    added_columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed_columns: dict[str, dict[str, Any]] = field(default_factory=dict)


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
class TextChange:
    """One paragraph (or one line of another output) that is new, gone, or reworded."""

    old: str | None
    new: str | None
    section: str = ""  # the heading it sits under
    anchor: str = ""  # that heading's id on the page

    @property
    def runs(self) -> list[words.Run]:
        return words.diff(self.old or "", self.new or "")


@dataclass
class BriefDiff:
    name: str
    title: str
    kind: str
    parameters: list[ValueChange] = field(default_factory=list)
    claims: list[ClaimChange] = field(default_factory=list)
    values: list[ValueChange] = field(default_factory=list)
    off_text: list[ValueChange] = field(default_factory=list)  # changed glued values the text never shows
    labels: dict[str, str] = field(default_factory=dict)  # glue key -> what the value is (its derivation's label)
    formulas: list[ValueChange] = field(default_factory=list)  # values computed another way: old, new formula text
    headline: ValueChange | None = None  # key: the headline's label; old, new: its value
    prose: list[TextChange] = field(default_factory=list)
    tables: list[TableChange] = field(default_factory=list)
    charts: list[ChartChange] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # unified diff of the other outputs
    outputs: list[TextChange] = field(default_factory=list)  # the same, line by line
    inputs: list[ValueChange] = field(default_factory=list)  # data files read: key path, old/new sha256

    @property
    def changed(self) -> bool:
        return self.kind != UNCHANGED

    @property
    def flips(self) -> list[ClaimChange]:
        """Claims whose verdict changed, or that appeared or went."""
        return [c for c in self.claims if c.flipped]

    def importance(self) -> tuple:
        """Sort key, most important first: verdicts, then the headline and the text, then tables, charts."""
        return (
            -len(self.flips),
            self.headline is None,
            -(len(self.prose) + len(self.claims)),
            -len(self.tables),
            -len(self.charts),
            self.title,
        )


@dataclass
class Report:
    old_label: str
    new_label: str
    briefs: list[BriefDiff]
    inputs: list = field(default_factory=list)  # review.inputs.InputChange: the data files that changed

    @property
    def changed(self) -> bool:
        return any(b.changed for b in self.briefs)

    @property
    def changed_briefs(self) -> list[BriefDiff]:
        return [b for b in self.briefs if b.changed]

    @property
    def unchanged_briefs(self) -> list[BriefDiff]:
        return [b for b in self.briefs if not b.changed]

    def by_importance(self) -> list[BriefDiff]:
        """The changed briefs, those with verdicts that flipped first."""
        return sorted(self.changed_briefs, key=lambda b: (b.kind == REMOVED, b.kind == ADDED, b.importance()))


def show(value: Any) -> str:
    """A value as a reader expects it: thousands separators, no float noise, a dash for absent."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return shown(value, decimals=None)


def number(value: Any) -> str:
    """Chart data arrive as CSV text; a value that reads as a number is shown like one."""
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
        return TableChange(present.name, present.caption, ADDED if old is None else REMOVED, index_name=present.index_name)
    change = TableChange(new.name, new.caption, CHANGED, index_name=new.index_name)
    if old.caption != new.caption:
        change.old_caption = old.caption
    change.rows_added = [r for r in new.index if r not in old.index]
    change.rows_removed = [r for r in old.index if r not in new.index]
    change.columns_added = [c for c in new.columns if c not in old.columns]
    change.columns_removed = [c for c in old.columns if c not in new.columns]
    before, after = old.cells(), new.cells()
    change.added_rows = {r: {c: after[r, c] for c in new.columns} for r in change.rows_added}
    change.removed_rows = {r: {c: before[r, c] for c in old.columns} for r in change.rows_removed}
    change.added_columns = {c: {r: after[r, c] for r in new.index if r not in change.rows_added} for c in change.columns_added}
    change.removed_columns = {
        c: {r: before[r, c] for r in old.index if r not in change.rows_removed} for c in change.columns_removed
    }
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
        return as_number(value.replace(",", "")) is not None
    return False


def chart_key(rows: Iterable[dict], columns: list[str]) -> list[str]:
    """Columns that name a data point: those holding text, but for the unit and source columns.
    A row's other columns are its values."""
    rows = list(rows)
    return [
        c for c in columns if c not in CHART_DESCRIBING and any(not is_blank(r.get(c)) and not _numeric(r.get(c)) for r in rows)
    ]


def _row_id(row: dict, key: list[str]) -> tuple:
    return tuple(json.dumps(row.get(k), sort_keys=True) for k in key)


def _canonical_row(row: dict) -> str:
    """A row as text in which the same numbers, however written, read the same."""

    def norm(v: Any) -> Any:
        if is_blank(v):
            return None
        number = as_number(v)
        return ["n", float(number)] if number is not None else v

    return json.dumps({k: norm(v) for k, v in row.items()}, sort_keys=True)


def compare_chart_data(
    old: list[dict],
    new: list[dict],
    key: list[str] | None = None,
) -> tuple[list[str], list[dict], list[dict], list[RowChange]]:
    """Rows added, removed and changed. Rows are matched on `key` if given, else on their text
    columns when those identify them."""
    columns = list(dict.fromkeys([k for row in [*old, *new] for k in row]))
    key = list(key) if key else chart_key([*old, *new], columns)
    if (
        not key
        and columns
        and len({json.dumps(r.get(columns[0])) for r in old}) == len(old)
        and len({json.dumps(r.get(columns[0])) for r in new}) == len(new)
    ):
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
                fields = [
                    (c, before[k].get(c), row.get(c)) for c in columns if c not in key and not same(before[k].get(c), row.get(c))
                ]
                if fields:
                    changed.append(RowChange({c: row.get(c) for c in key}, fields))
        return key, added, removed, changed
    # No key: compare the rows as a multiset, so a moved value shows as one row out and one in.
    before_rows = {_canonical_row(r): r for r in old}
    after_rows = {_canonical_row(r): r for r in new}
    before, after = Counter(map(_canonical_row, old)), Counter(map(_canonical_row, new))
    removed = [before_rows[t] for t in (before - after).elements()]
    added = [after_rows[t] for t in (after - before).elements()]
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


def paired(old: list[str], new: list[str]) -> list[tuple[str | None, str | None, int, int]]:
    """Texts that differ, as (old, new, index in old, index in new); a reworded text is one pair."""
    out: list[tuple[str | None, str | None, int, int]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        n = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        out += [(old[i1 + k], new[j1 + k], i1 + k, j1 + k) for k in range(n)]
        out += [(old[i], None, i, j1 + n) for i in range(i1 + n, i2)]
        out += [(None, new[j], i1 + n, j) for j in range(j1 + n, j2)]
    return out


def compare_prose(old: list[Paragraph], new: list[Paragraph]) -> list[TextChange]:
    out = []
    for a, b, i, j in paired([p.text for p in old], [p.text for p in new]):
        where = new[j] if b is not None else old[i]
        out.append(TextChange(a, b, where.section, where.anchor))
    return out


def compare_outputs(old: list[str], new: list[str]) -> list[TextChange]:
    a = "\n".join(old).splitlines()
    b = "\n".join(new).splitlines()
    return [TextChange(x, y) for x, y, _, _ in paired(a, b)]


def _paired(old: dict, new: dict) -> list[tuple[str, Any, Any]]:
    names = list(new) + [n for n in old if n not in new]
    return [(n, old.get(n), new.get(n)) for n in names]


def _headline(old: Digest, new: Digest) -> ValueChange | None:
    key = new.headline.get("key")
    if not key or key != old.headline.get("key"):
        return None
    a, b = old.values.get(key), new.values.get(key)
    if same(a, b) and old.headline.get("label") == new.headline.get("label"):
        return None
    return ValueChange(new.headline.get("label", ""), a, b)


def compare_formulas(old: dict | None, new: dict | None) -> list[ValueChange]:
    """Glued values whose computation changed (formula, unit, period or inputs), as sentences.

    Only when both sides recorded how their values were computed: a lock or run from before
    derivations were kept is not a change of every formula. A value glued on one side only is
    an added or removed value, reported with the values.
    """
    if old is None or new is None:
        return []
    return [
        ValueChange(key, formulas.text(old[key]), formulas.text(new[key]))
        for key in sorted(set(old) & set(new))
        if old[key] != new[key]
    ]


def compare_brief(old: Digest | None, new: Digest | None) -> BriefDiff:
    present = new or old
    if old is None or new is None:
        return BriefDiff(present.name, present.title, ADDED if old is None else REMOVED)
    out = BriefDiff(new.name, new.title, CHANGED)
    out.parameters = _mapping_changes(old.parameters, new.parameters)
    out.claims = compare_claims(old.claims, new.claims)
    out.values = _mapping_changes(old.glued(), new.glued())
    # A claim's own sentence (`ID_instead`) shows with the claim; the rest is what no paragraph pastes in.
    said = new.in_text | old.in_text | {f"{c['id']}_instead" for c in new.claims + old.claims}
    out.off_text = [v for v in out.values if v.key not in said]
    out.labels = old.labels | new.labels
    out.formulas = compare_formulas(old.formulas, new.formulas)
    out.headline = _headline(old, new)
    out.prose = compare_prose(old.prose, new.prose)
    out.tables = [c for _, a, b in _paired(old.tables, new.tables) if (c := compare_tables(a, b))]
    out.charts = [c for _, a, b in _paired(old.charts, new.charts) if (c := compare_charts(a, b))]
    out.text = compare_texts(old.texts, new.texts)
    out.outputs = compare_outputs(old.texts, new.texts)
    out.inputs = [v for v in _mapping_changes(old.inputs, new.inputs)]
    if not (out.parameters or out.claims or out.values or out.formulas or out.prose or out.tables or out.charts or out.text):
        out.kind = UNCHANGED
    return out


def compare(old: dict[str, Digest], new: dict[str, Digest], old_label: str = "old", new_label: str = "new") -> Report:
    briefs = [compare_brief(a, b) for _, a, b in sorted(_paired(old, new), key=lambda t: t[0])]
    return Report(old_label, new_label, briefs)


def diff(old: str | Path, new: str | Path) -> Report:
    """Compare two notebooks, run folders or edition folders (any pairing of the three).

    The inputs that changed are explained row by row where the files of both sides are at
    hand: an edition's data archive, or the project the briefs ran in.
    """
    from briefs.review import inputs

    before, after = collect(old), collect(new)
    if Path(old).is_file() and Path(new).is_file():
        # Two notebooks named on the command line are compared whatever their names.
        (_, a), (name, b) = next(iter(before.items())), next(iter(after.items()))
        before, after = {name: a}, {name: b}
    report = compare(before, after, str(old), str(new))
    report.inputs = inputs.compare(before, after, inputs.Files.find(Path(old)), inputs.Files.find(Path(new)))
    return report


def changes_page(
    old: str | Path | dict[str, Digest],
    new: str | Path | dict[str, Digest],
    *,
    title: str = "What changed in this edition",
    intro: str | None = None,
    old_files: Any = None,
    new_files: Any = None,
) -> str:
    """An edition's "What changed" page (MyST): the inputs that changed, then each brief, most
    important first, every item linking to its place on the new page. See `review.changes`.

    `old_files` and `new_files` (`review.inputs.Files`, or None) give the bytes of the data files
    each side read, so the page can say which rows and cells of an input changed.
    """
    from briefs.review import changes

    return changes.page(old, new, title=title, intro=intro, old_files=old_files, new_files=new_files)
