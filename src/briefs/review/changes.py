"""What changed, laid out for a reader: the inputs first, then each brief, most important first.

One layout (`Document`) serves an edition's "What changed" page, the Markdown that
`briefs diff --format md` gives a pull request, the terminal report and the HTML report,
so they all say the same thing. It names things as the brief does (a claim by its
statement, a table by its caption, a chart by its title, a column by its label), never by
an internal id; ids only build the links to the place on the new page (`#claim-ID`,
`#table-NAME`, `#chart-NAME`, a section's heading).

Per brief, in order: verdicts that changed; the headline and the numbers in the text
(each changed paragraph with the words that changed marked); tables; charts; then other
text on the page. Repeated identical changes are folded into one line with a count,
and long lists beyond `FOLD` lines into a `<details>` element.

The page is MyST/CommonMark with a little inline HTML (`<a href>`, `<del>`, `<ins>`,
`<details>`), which both the book and GitHub render. Every label comes from data, so
every label is escaped for the place it goes (Markdown text or HTML).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from briefs.media import ABSENT, BRIEFS_DIR, derivation_anchor
from briefs.review import words
from briefs.review.diff import (
    ADDED,
    CHANGED,
    REMOVED,
    BriefDiff,
    ChartChange,
    ClaimChange,
    Report,
    TableChange,
    TextChange,
    claim_value,
    compare,
)
from briefs.review.digest import Digest, collect
from briefs.review.inputs import Files, InputChange
from briefs.review.inputs import compare as compare_inputs
from briefs.review.numbers import is_blank, pair, same, shown

FOLD = 6  # detail lines shown before the rest is folded
TITLE = "What changed in this edition"
NOTHING = "No number, table or chart changed since the previous edition."


@dataclass(frozen=True)
class Line:
    """One line of detail: plain text, or a text with the words that changed marked."""

    text: str = ""  # plain text (before the runs, if there are runs)
    runs: tuple[words.Run, ...] | None = None
    refs: tuple[tuple[str, str | None], ...] = ()  # (label, address) links after the text

    def plain(self) -> str:
        body = self.text + (words.to_text(list(self.runs)) if self.runs is not None else "")
        return body + "; ".join(label for label, _ in self.refs)


@dataclass
class Entry:
    label: str
    href: str | None = None
    summary: str = ""
    lines: list[Line] = field(default_factory=list)
    count: int = 1
    drawings: tuple[str | None, str | None] | None = None  # old and new SVG of a chart (HTML report)
    flag: str | None = None  # "contradicted" or "holds": the verdict a claim reached

    def key(self) -> tuple:
        return (self.label, self.summary, tuple(self.lines))


@dataclass
class Group:
    title: str
    entries: list[Entry] = field(default_factory=list)
    folded: bool = False  # the whole group behind a <details>


@dataclass
class Section:
    name: str
    title: str
    anchor: str
    href: str | None
    summary: str
    groups: list[Group] = field(default_factory=list)
    kind: str = CHANGED


@dataclass
class Document:
    title: str
    intro: str | None
    old_label: str
    new_label: str
    inputs: Group
    sections: list[Section]
    unchanged: list[tuple[str, str | None]]  # (title, page)
    total: int

    @property
    def changed(self) -> bool:
        return bool(self.sections)


# --- links ---------------------------------------------------------------------------------------


class Links:
    """Addresses on the new edition, relative to the changes page (None: no links, as in a plain diff)."""

    def __init__(self, base: str | None) -> None:
        self.base = base

    def page(self, brief: str, anchor: str = "") -> str | None:
        if self.base is None:
            return None
        fragment = f"#{quote(anchor, safe='-_.~')}" if anchor else ""
        return f"{self.base}{BRIEFS_DIR}/{quote(brief, safe='-_.~')}.html{fragment}"

    def section(self, brief: str) -> str | None:
        return None if self.base is None else f"#{section_anchor(brief)}"


def section_anchor(brief: str) -> str:
    """The id of a brief's section on the changes page (linked from the brief's own page)."""
    return f"changes-{brief}"


# --- building the layout ---------------------------------------------------------------------------


def _label(column: str) -> str:
    """A column name as a label: the brief's own label, with a machine name's underscores as spaces."""
    return column.replace("_", " ") if column.isidentifier() else column


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _fold(entries: list[Entry]) -> list[Entry]:
    """Identical entries (same name, same change) become one, with a count."""
    out: list[Entry] = []
    seen: dict[tuple, Entry] = {}
    for entry in entries:
        if entry.key() in seen:
            seen[entry.key()].count += 1
            continue
        seen[entry.key()] = entry
        out.append(entry)
    return out


def _fold_lines(lines: list[Line]) -> list[Line]:
    counts: dict[Line, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    out = []
    for line, n in counts.items():
        if n > 1 and line.runs is None:
            line = Line(f"{line.text} ({n} times)")
        out.append(line)
    return out


def _arrow(old: Any, new: Any) -> str:
    a, b = pair(old, new)
    return f"{a} → {b}"


def _named(values: Iterable[Any]) -> str:
    """A data point by the values that name it, blanks left out (a reference line's empty month)."""
    return ", ".join(shown(v) for v in values if not is_blank(v))


def _point(row: dict, key: list[str]) -> str:
    return _named(row.get(k) for k in key)


def _fields(row: dict, key: list[str]) -> str:
    return ", ".join(f"{_label(k)} {shown(v)}" for k, v in row.items() if k not in key)


def _row_text(row: dict) -> str:
    return ", ".join(f"{_label(k)} {shown(v)}" for k, v in row.items())


def _words_line(old: str | None, new: str | None, context: int = 14, prefix: str = "") -> Line:
    runs = words.diff(old or "", new or "")
    return Line(prefix, runs=tuple(words.excerpt(runs, context)))


def _claim_entry(c: ClaimChange, brief: str, links: Links) -> Entry:
    href = links.page(brief, f"claim-{c.id}") if c.new is not None else links.page(brief)
    if c.kind == ADDED:
        verdict = "holds" if c.new_status == "holds" else "is contradicted by the data"
        return Entry(c.statement, href, f"new claim; it {verdict}: {claim_value(c.new)}", flag=c.new_status)
    if c.kind == REMOVED:
        return Entry(
            c.statement,
            href,
            f"no longer made (it {'held' if c.old_status == 'holds' else 'was contradicted'}: {claim_value(c.old)})",
        )
    if c.flipped:
        verdict = "now holds" if c.new_status == "holds" else "no longer holds"
    else:
        verdict = "still holds" if c.new_status == "holds" else "still contradicted"
    old_v, new_v = claim_value(c.old), claim_value(c.new)
    summary = verdict
    if old_v != new_v:
        summary += f": {old_v} → {new_v}"
    elif "value" in c.fields:
        summary += f": {old_v}, exactly {_arrow(c.old.get('value'), c.new.get('value'))}"
    elif c.flipped:
        summary += f": the computed value is still {new_v}"
    lines = []
    if c.flipped or "rule" in c.fields:
        lines.append(Line(f"the rule: it {c.new.get('rule', '')}"))
    if "published" in c.fields or "published_text" in c.fields:
        old_p = c.old.get("published_text") or shown(c.old.get("published"))
        new_p = c.new.get("published_text") or shown(c.new.get("published"))
        lines.append(Line(f"the published figure it is checked against: {old_p} → {new_p}"))
    if "statement" in c.fields:
        lines.append(_words_line(c.old.get("statement", ""), c.new.get("statement", ""), prefix="statement: "))
    if "source" in c.fields:
        lines.append(_words_line(c.old.get("source") or "", c.new.get("source") or "", prefix="source: "))
    return Entry(c.statement, href, summary, lines, flag=c.new_status)


def _table_entry(t: TableChange, brief: str, links: Links) -> Entry:
    href = links.page(brief, f"table-{t.name}") if t.kind != REMOVED else links.page(brief)
    label = t.caption or t.name
    if t.kind == ADDED:
        return Entry(label, href, "new table")
    if t.kind == REMOVED:
        return Entry(label, href, "table removed")
    bits, lines = [], []
    if t.cells:
        bits.append(_plural(len(t.cells), "cell") + " changed")
        groups: dict[tuple, list[str]] = {}
        for c in t.cells:
            groups.setdefault((c.column, *pair(c.old, c.new)), []).append(c.row)
        for (column, a, b), rows in groups.items():
            if len(rows) == 1:
                lines.append(Line(f"{rows[0]}, {column}: {a} → {b}"))
            else:
                lines.append(Line(f"{column}: {a} → {b} in {_plural(len(rows), 'row')} ({'; '.join(rows)})"))
    if t.rows_added:
        bits.append(_plural(len(t.rows_added), "row") + " added")
        lines += [
            Line(f"added row {r}: " + ", ".join(f"{c} {shown(v)}" for c, v in vals.items())) for r, vals in t.added_rows.items()
        ]
    if t.rows_removed:
        bits.append(_plural(len(t.rows_removed), "row") + " removed")
        lines += [
            Line(f"removed row {r} (it was: " + ", ".join(f"{c} {shown(v)}" for c, v in vals.items()) + ")")
            for r, vals in t.removed_rows.items()
        ]
    if t.columns_added:
        bits.append(_plural(len(t.columns_added), "column") + " added")
        lines += [
            Line(f"added column {c}: " + ", ".join(f"{r} {shown(v)}" for r, v in vals.items()))
            for c, vals in t.added_columns.items()
        ]
    if t.columns_removed:
        bits.append(_plural(len(t.columns_removed), "column") + " removed")
        lines += [
            Line(f"removed column {c} (it was: " + ", ".join(f"{r} {shown(v)}" for r, v in vals.items()) + ")")
            for c, vals in t.removed_columns.items()
        ]
    if t.old_caption is not None:
        bits.append("caption reworded")
        lines.append(_words_line(t.old_caption, t.caption, prefix="caption: "))
    return Entry(label, href, "; ".join(bits), _fold_lines(lines))


def _chart_entry(c: ChartChange, brief: str, links: Links) -> Entry:
    href = links.page(brief, f"chart-{c.name}") if c.kind != REMOVED else links.page(brief)
    label = c.title or c.name
    drawings = (c.old_svg, c.new_svg) if c.drawing_changed else None
    if c.kind == ADDED:
        return Entry(label, href, "new chart", drawings=drawings)
    if c.kind == REMOVED:
        return Entry(label, href, "chart removed", drawings=drawings)
    bits, lines = [], []
    key = c.key
    # Words first (they say what the chart now shows), then its data.
    if c.old_title is not None:
        lines.append(_words_line(c.old_title, c.title, prefix="title: "))
    if c.old_description is not None:
        lines.append(_words_line(c.old_description, c.new_description, prefix="description: "))
    if c.rows_changed:
        bits.append(_plural(len(c.rows_changed), "data point") + " changed")
        groups: dict[tuple, list[str]] = {}
        for r in c.rows_changed:
            change = "; ".join(f"{_label(col)} {_arrow(a, b)}" for col, a, b in r.fields)
            groups.setdefault((change,), []).append(_named(r.key.values()))
        for (change,), points in groups.items():
            if len(points) == 1:
                lines.append(Line(f"{points[0]}: {change}"))
            else:
                lines.append(Line(f"{change} at {_plural(len(points), 'point')} ({'; '.join(points)})"))
    if c.rows_added:
        bits.append(_plural(len(c.rows_added), "data point") + " added")
        lines += [Line(f"added {_point(r, key)}: {_fields(r, key)}" if key else f"added: {_row_text(r)}") for r in c.rows_added]
    if c.rows_removed:
        bits.append(_plural(len(c.rows_removed), "data point") + " removed")
        lines += [
            Line(f"removed {_point(r, key)} (it was: {_fields(r, key)})" if key else f"removed: {_row_text(r)}")
            for r in c.rows_removed
        ]
    if c.old_title is not None:
        bits.append("title reworded")
    if c.old_description is not None:
        bits.append("description reworded")
    if not bits:
        bits.append("drawn differently; its data did not change")
    return Entry(label, href, "; ".join(bits), _fold_lines(lines), drawings=drawings)


def _prose_entries(changes: list[TextChange], brief: str, links: Links) -> list[Entry]:
    by_section: dict[tuple[str, str], list[Line]] = {}
    for change in changes:
        by_section.setdefault((change.section, change.anchor), []).append(_words_line(change.old, change.new))
    out = []
    for (section, anchor), lines in by_section.items():
        n = len(lines)
        out.append(Entry(section or "Text", links.page(brief, anchor), f"{_plural(n, 'passage')} changed", lines))
    return out


def brief_section(b: BriefDiff, links: Links) -> Section:
    section = Section(b.name, b.title, section_anchor(b.name), links.page(b.name), "", kind=b.kind)
    if b.kind == ADDED:
        section.summary = "new in this edition"
        return section
    if b.kind == REMOVED:
        section.summary = "no longer part of the book"
        section.href = None
        return section
    flips = b.flips
    if flips:
        group = Group("Verdicts that changed", _fold([_claim_entry(c, b.name, links) for c in flips]))
        section.groups.append(group)
    numbers: list[Entry] = []
    if b.headline is not None:
        moved = _arrow(b.headline.old, b.headline.new) if not same(b.headline.old, b.headline.new) else shown(b.headline.new)
        numbers.append(Entry("Headline figure", links.page(b.name), f"{moved} {b.headline.key}".strip()))
    numbers += _prose_entries(b.prose, b.name, links)
    numbers += [_claim_entry(c, b.name, links) for c in b.claims if not c.flipped]
    # A glued value no paragraph shows (a brief may glue for its tables or for other pages) still moved.
    numbers += [
        Entry(b.labels.get(v.key) or f"Glued value {v.key}", links.page(b.name), _arrow(v.old, v.new)) for v in b.off_text
    ]
    if numbers:
        section.groups.append(Group("Numbers in the text and the claims", _fold(numbers)))
    if b.formulas:
        computed = [
            Entry(
                b.labels.get(f.key) or f.key,
                links.page(b.name, derivation_anchor(f.key)),
                "computed differently",
                [_words_line(f.old, f.new)],
            )
            for f in b.formulas
        ]
        section.groups.append(Group("How numbers are computed", _fold(computed)))
    if b.tables:
        section.groups.append(Group("Tables", _fold([_table_entry(t, b.name, links) for t in b.tables])))
    if b.charts:
        section.groups.append(Group("Charts", _fold([_chart_entry(c, b.name, links) for c in b.charts])))
    other = _fold_lines([_words_line(t.old, t.new) for t in b.outputs])
    if other:
        title = f"Other text on the page: {_plural(len(b.outputs), 'line')} changed"
        section.groups.append(Group(title, [Entry("", None, "", other)], folded=True))
    if b.parameters:
        section.groups.append(
            Group("Parameters", [Entry(p.key, None, f"{_param(p.old)} → {_param(p.new)}") for p in b.parameters])
        )
    bits = []
    if flips:
        worse = sum(1 for c in flips if c.new_status != "holds")
        bits.append(
            f"{_plural(len(flips), 'verdict')} changed ({worse} no longer "
            f"{'holds' if worse == 1 else 'hold'}, {len(flips) - worse} now {'holds' if len(flips) - worse == 1 else 'hold'})"
        )
    if b.prose:
        bits.append(_plural(len(b.prose), "passage") + " of text")
    moved = [c for c in b.claims if not c.flipped]
    if moved:
        bits.append(_plural(len(moved), "other claim"))
    if b.tables:
        bits.append(_plural(len(b.tables), "table"))
    if b.charts:
        bits.append(_plural(len(b.charts), "chart"))
    if not bits and b.outputs:
        bits.append(f"only other text on the page changed ({_plural(len(b.outputs), 'line')})")
    if not bits and b.parameters:
        bits.append("parameters")
    section.summary = "; ".join(bits)
    return section


def _param(value: Any) -> str:
    return "—" if value is None else json.dumps(value, ensure_ascii=False)


def _month_span(months: list[str] | None) -> str:
    return " to ".join(months) if months else "months not recorded"


def _next_month(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    return f"{year + (m == 12):04d}-{m % 12 + 1:02d}"


def _months_between(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def _short(sha: str | None) -> str:
    return "none" if sha in (None, ABSENT) else str(sha)


def input_entry(c: InputChange, titles: dict[str, str], links: Links, sections: set[str] | None = None) -> Entry:
    """One input that changed. Its readers link to their sections of the page (those in `sections`),
    or to their own page when nothing of theirs changed."""
    lines: list[Line] = []
    where = "" if c.title == c.path.rsplit("/", 1)[-1] else f"{c.path}: "
    if c.kind == "series":
        old, new = c.old_vintage, c.new_vintage
        if c.state == "added":
            summary = (
                f"official series, now read: vintage {(new or {}).get('file', c.path)} ({_month_span((new or {}).get('months'))})"
            )
            summary += "; the previous edition did not have it" if c.old_sha == ABSENT else ""
        elif c.state == "removed":
            summary = (
                "official series, no longer available to this edition"
                if c.new_sha == ABSENT
                else "official series, no longer read"
            )
        elif old and new and (old.get("months") or new.get("months")):
            summary = (
                f"official series, new vintage: {old.get('file')} ({_month_span(old.get('months'))}) → "
                f"{new.get('file')} ({_month_span(new.get('months'))})"
            )
            a, b = old.get("months"), new.get("months")
            if a and b and len(a) == 2 and len(b) == 2:
                if b[1] > a[1]:
                    added = _months_between(_next_month(a[1]), b[1])
                    lines.append(
                        Line(
                            f"{_plural(added, 'month')} added: {_next_month(a[1])} to {b[1]}"
                            if added > 1
                            else f"1 month added: {b[1]}"
                        )
                    )
                if b[1] < a[1] or b[0] > a[0]:
                    lines.append(Line(f"months no longer covered: the new vintage covers {b[0]} to {b[1]}"))
            if c.revisions_known:
                if c.revised:
                    shown_months = ", ".join(f"{m} ({_plural(n, 'value')})" for m, n in c.revised.items())
                    lines.append(Line(f"{_plural(len(c.revised), 'earlier month')} revised: {shown_months}"))
                else:
                    lines.append(Line("no month the earlier vintage held was revised"))
            elif c.note:
                lines.append(Line(c.note))
            lines.append(Line(f"sha256 {_short(c.old_sha)} → {_short(c.new_sha)}"))
        else:
            summary = "official series, file changed"
            lines.append(Line(f"sha256 {_short(c.old_sha)} → {_short(c.new_sha)}"))
            if c.note:
                lines.append(Line(c.note))
    elif c.kind == "description":
        summary = "changed" + (f": the entries for {', '.join(c.parts)}" if c.parts else "")
    elif c.rows is not None and not c.rows.empty:
        bits = []
        if c.rows.changed:
            n = sum(len(r.fields) for r in c.rows.changed)
            bits.append(_plural(n, "cell") + " changed")
            for r in c.rows.changed:
                row = _named(r.key.values())
                lines.append(Line(f"{row}: " + "; ".join(f"{_label(col)} {_arrow(a, b)}" for col, a, b in r.fields)))
        if c.rows.added:
            bits.append(_plural(len(c.rows.added), "row") + " added")
            lines += [Line(f"added row: {_row_text(r)}") for r in c.rows.added]
        if c.rows.removed:
            bits.append(_plural(len(c.rows.removed), "row") + " removed")
            lines += [Line(f"removed row: {_row_text(r)}") for r in c.rows.removed]
        summary = where + ", ".join(bits)
    elif c.state == "added":
        summary = f"{where}now read"
    elif c.state == "removed":
        summary = f"{where}no longer read"
    else:
        summary = f"{where}file changed"
        if c.rows is not None:
            summary += " (its rows are the same; only their layout or order changed)"
        lines.append(Line(f"sha256 {_short(c.old_sha)} → {_short(c.new_sha)}"))
        if c.note:
            lines.append(Line(c.note))
    if c.briefs:
        lines.append(
            Line(
                "read by ",
                refs=tuple(
                    (titles.get(n, n), links.section(n) if sections is None or n in sections else links.page(n)) for n in c.briefs
                ),
            )
        )
    return Entry(c.title, None, summary, lines)


def layout(
    report: Report,
    input_changes: list[InputChange] | None = None,
    *,
    title: str = TITLE,
    intro: str | None = None,
    links: str | None = None,
    titles: dict[str, str] | None = None,
) -> Document:
    """The reader's layout of a comparison. `links`: the edition's root relative to the page, or None."""
    link = Links(links)
    names = {b.name: b.title for b in report.briefs}
    names.update(titles or {})
    sections = [brief_section(b, link) for b in report.by_importance()]
    named = {s.name for s in sections}
    inputs = Group("Inputs that changed", [input_entry(c, names, link, named) for c in (input_changes or [])])
    unchanged = [(b.title, link.page(b.name)) for b in report.unchanged_briefs]
    return Document(title, intro, report.old_label, report.new_label, inputs, sections, unchanged, len(report.briefs))


def page(
    old: str | Path | dict[str, Digest],
    new: str | Path | dict[str, Digest],
    *,
    title: str = TITLE,
    intro: str | None = None,
    old_files: Files | None = None,
    new_files: Files | None = None,
    links: str | None = "",
) -> str:
    """An edition's "What changed" page as MyST (links relative to the edition's root)."""
    before = old if isinstance(old, dict) else collect(old)
    after = new if isinstance(new, dict) else collect(new)
    report = compare(before, after)
    changes = compare_inputs(before, after, old_files, new_files)
    return to_markdown(layout(report, changes, title=title, intro=intro, links=links))


# --- Markdown (MyST and GitHub alike) --------------------------------------------------------------

_MD_SPECIAL = set("\\`*_{}[]#|~$")
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def md_text(text: Any) -> str:
    """Text safe anywhere in a Markdown/MyST line: no markup, no HTML, no roles. Spaces are kept."""
    out = []
    for ch in str(text).replace("\r", " ").replace("\n", " "):
        out.append(_MD_ENTITIES.get(ch) or ("\\" + ch if ch in _MD_SPECIAL else ch))
    return "".join(out)


def md_escape(text: Any) -> str:
    """As `md_text`, on one line with its spaces collapsed."""
    return md_text(" ".join(str(text).split()))


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _md_line(line: Line) -> str:
    text = md_escape(line.text) + (" " if line.text.endswith(" ") and line.text.strip() else "")
    if line.runs is not None:
        text += words.render(
            list(line.runs), md_text, lambda t: f"<del>{md_text(t)}</del>", lambda t: f"<ins>{md_text(t)}</ins>", " "
        )
    refs = [f'<a href="{_attr(href)}">{md_escape(label)}</a>' if href else md_escape(label) for label, href in line.refs]
    return text + "; ".join(refs)


def _md_entry(e: Entry, indent: str = "") -> list[str]:
    label = f'<a href="{_attr(e.href)}">{md_escape(e.label)}</a>' if e.href else f"**{md_escape(e.label)}**"
    head = label + (f": {md_escape(e.summary)}" if e.summary else "")
    if e.count > 1:
        head += f" ({e.count} times)"
    out = [f"{indent}- {head}"]
    details = [_md_line(line) for line in e.lines]
    shown_lines, rest = (details, []) if len(details) <= FOLD + 1 else (details[:FOLD], details[FOLD:])
    out += [f"{indent}  - {d}" for d in shown_lines]
    if rest:
        out += ["", f"{indent}  <details><summary>{len(rest)} more</summary>", ""]
        out += [f"{indent}  - {d}" for d in rest]
        out += ["", f"{indent}  </details>", ""]
    return out


def _md_group(group: Group, level: int) -> list[str]:
    body: list[str] = []
    for entry in group.entries:
        body += _md_entry(entry) if entry.label else [f"- {_md_line(line)}" for line in entry.lines]
    if group.folded:
        return [f"<details><summary>{html.escape(group.title)}</summary>", "", *body, "", "</details>", ""]
    return [f"{'#' * level} {md_escape(group.title)}", "", *body, ""]


def to_markdown(doc: Document, *, labels: bool = False) -> str:
    """The document as Markdown: headings and lists, with inline HTML for links, marks and folds.

    `labels`: say which two versions were compared (a pull request wants this; a page says it in its intro).
    """
    out = [f"# {md_escape(doc.title)}", ""]
    if doc.intro:
        out += [doc.intro, ""]
    if labels:
        out += [
            f"- old: {md_escape(doc.old_label)}",
            f"- new: {md_escape(doc.new_label)}",
            f"- {len(doc.sections)} of {_plural(doc.total, 'brief')} changed",
            "",
        ]
    if doc.inputs.entries:
        out += _md_group(doc.inputs, 2)
    if not doc.sections:
        out += [NOTHING, ""]
    for section in doc.sections:
        out += [f'<a id="{_attr(section.anchor)}"></a>', "", f"## {md_escape(section.title)}", ""]
        lead = f'<a href="{_attr(section.href)}">Read the brief</a>' if section.href else ""
        summary = md_escape(section.summary[:1].upper() + section.summary[1:]) + "." if section.summary else ""
        if lead or summary:
            out += [" ".join(p for p in (summary, lead) if p), ""]
        for group in section.groups:
            out += _md_group(group, 3)
    if doc.unchanged and doc.sections:
        items = [f'<a href="{_attr(href)}">{md_escape(t)}</a>' if href else md_escape(t) for t, href in doc.unchanged]
        out += ["## Unchanged", "", "; ".join(items) + ".", ""]
    return "\n".join(out).rstrip("\n") + "\n"
