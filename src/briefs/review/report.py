"""A diff report for three readers: a terminal, a pull-request comment (Markdown), a browser (HTML).

The report is first laid out once as a list of plain blocks (headings,
tables, lines, a text diff, a pair of drawings); each format only renders
blocks. So the three formats say the same thing, and escaping happens in one
place per format: labels come from data and may contain markup of any kind.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field

from briefs.review.diff import (
    ADDED, CHANGED, REMOVED, BriefDiff, ChartChange, ClaimChange, Report, TableChange, claim_value, md_escape, number, show,
)


@dataclass
class Heading:
    level: int  # 1 report, 2 brief, 3 section, 4 table or chart
    text: str
    code: str | None = None  # an identifier shown before the text


@dataclass
class Grid:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Lines:
    items: list[str]


@dataclass
class TextDiff:
    lines: list[str]


@dataclass
class Drawings:
    title: str
    old: str | None
    new: str | None


@dataclass
class Blocks:
    items: list = field(default_factory=list)

    def add(self, *blocks) -> None:
        self.items.extend(blocks)


def _status(c: ClaimChange) -> str:
    if c.kind == ADDED:
        return f"added ({c.new_status})"
    if c.kind == REMOVED:
        return f"removed (was {c.old_status})"
    return f"{c.old_status} → {c.new_status}" if c.flipped else str(c.new_status)


def _claim_values(c: ClaimChange) -> tuple[str, str]:
    return (claim_value(c.old) if c.old else "—"), (claim_value(c.new) if c.new else "—")


def _claim_notes(c: ClaimChange) -> list[str]:
    """What changed besides the printed value and status: the exact value, the reference, the rule, the wording."""
    notes = []
    if "value" in c.fields and claim_value(c.old) == claim_value(c.new):
        # The printed value did not move but the number behind it did.
        notes.append(f"{c.id}: exact value {show(c.old.get('value'))} → {show(c.new.get('value'))}")
    labels = {"published_text": "published", "rule": "rule", "statement": "statement", "source": "source"}
    return notes + [f"{c.id}: {labels[f]} {c.old.get(f) or '—'} → {c.new.get(f) or '—'}" for f in c.fields if f in labels]


def _table_blocks(t: TableChange, out: Blocks) -> None:
    out.add(Heading(4, t.caption or t.name, t.name))
    if t.kind in (ADDED, REMOVED):
        out.add(Lines([f"table {t.kind}"]))
        return
    lines = []
    if t.old_caption is not None:
        lines.append(f"caption: {t.old_caption} → {t.caption}")
    for label, items in [("rows added", t.rows_added), ("rows removed", t.rows_removed),
                         ("columns added", t.columns_added), ("columns removed", t.columns_removed)]:
        if items:
            lines.append(f"{label}: {', '.join(items)}")
    if lines:
        out.add(Lines(lines))
    if t.cells:
        out.add(Grid(["Row", "Column", "Old", "New"], [[c.row, c.column, show(c.old), show(c.new)] for c in t.cells]))


def _point(row: dict) -> str:
    return ", ".join(show(v) for v in row.values())


def _row_text(row: dict) -> str:
    return ", ".join(f"{k}={show(v)}" for k, v in row.items())


def _chart_blocks(c: ChartChange, out: Blocks, drawings: bool) -> None:
    out.add(Heading(4, c.title or c.name, c.name))
    lines = []
    if c.kind in (ADDED, REMOVED):
        lines.append(f"chart {c.kind}")
    if c.old_title is not None:
        lines.append(f"title: {c.old_title} → {c.title}")
    if c.old_description is not None:
        lines.append(f"description: {c.old_description} → {c.new_description}")
    lines += [f"row added: {_row_text(r)}" for r in c.rows_added]
    lines += [f"row removed: {_row_text(r)}" for r in c.rows_removed]
    if c.kind == CHANGED and c.drawing_changed and not drawings:
        lines.append("drawing changed (the HTML report shows old and new side by side)")
    if lines:
        out.add(Lines(lines))
    if c.rows_changed:
        point = " / ".join(c.key) if c.key else "Point"
        out.add(Grid([point, "Field", "Old", "New"],
                     [[_point(r.key), col, number(a), number(b)] for r in c.rows_changed for col, a, b in r.fields]))
    if drawings and c.drawing_changed:
        out.add(Drawings(c.title or c.name, c.old_svg, c.new_svg))


def _param(value) -> str:
    import json

    return "—" if value is None else json.dumps(value, ensure_ascii=False)


def brief_blocks(b: BriefDiff, drawings: bool) -> Blocks:
    out = Blocks()
    out.add(Heading(2, b.title, b.name))
    if b.kind in (ADDED, REMOVED):
        out.add(Lines([f"brief {b.kind}"]))
        return out
    if b.parameters:
        out.add(Heading(3, "Parameters"), Grid(["Parameter", "Old", "New"], [[p.key, _param(p.old), _param(p.new)] for p in b.parameters]))
    if b.claims:
        flips = sum(1 for c in b.claims if c.kind == CHANGED and c.flipped)
        out.add(Heading(3, f"Claims: {len(b.claims)} changed" + (f", {flips} changed status" if flips else "")))
        out.add(Grid(["Claim", "Statement", "Old", "New", "Status"],
                     [[c.id, c.statement, *_claim_values(c), _status(c)] for c in b.claims]))
        notes = [n for c in b.claims if c.kind == CHANGED for n in _claim_notes(c)]
        if notes:
            out.add(Lines(notes))
    if b.values:
        out.add(Heading(3, f"Values in the text: {len(b.values)} changed"),
                Grid(["Value", "Old", "New"], [[v.key, show(v.old), show(v.new)] for v in b.values]))
    if b.tables:
        out.add(Heading(3, f"Tables: {len(b.tables)} changed"))
        for t in b.tables:
            _table_blocks(t, out)
    if b.charts:
        out.add(Heading(3, f"Charts: {len(b.charts)} changed"))
        for c in b.charts:
            _chart_blocks(c, out, drawings)
    if b.text:
        out.add(Heading(3, "Other outputs"), TextDiff(b.text))
    return out


def layout(report: Report, drawings: bool = False) -> Blocks:
    out = Blocks()
    changed = report.changed_briefs
    out.add(Heading(1, "What changed in the briefs"))
    summary = [f"old: {report.old_label}", f"new: {report.new_label}",
               f"{len(changed)} of {len(report.briefs)} brief{'s' if len(report.briefs) != 1 else ''} changed"]
    if report.unchanged_briefs:
        summary.append("unchanged: " + ", ".join(b.name for b in report.unchanged_briefs))
    out.add(Lines(summary))
    for b in changed:
        out.items += brief_blocks(b, drawings).items
    return out


# --- terminal -----------------------------------------------------------------------------------

def to_terminal(report: Report, console) -> None:
    """Print with rich; every label goes in as a Text, so markup in data is shown, never interpreted."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    def styled(cell: str, header: str) -> Text:
        text = Text(cell)
        if header == "Status":
            text.highlight_words(["contradicted"], style="bold red")
            text.highlight_words(["holds"], style="green")
        return text

    for block in layout(report).items:
        if isinstance(block, Heading):
            label = Text(block.text)
            if block.code:
                label = Text.assemble((block.code, "bold cyan"), ": ", block.text) if block.code != block.text else Text(block.code, "bold cyan")
            if block.level == 1:
                console.print(Text(block.text, style="bold"))
            elif block.level == 2:
                console.print()
                console.rule(label, align="left")
            elif block.level == 3:
                console.print()
                console.print(Text(block.text, style="bold"))
            else:
                console.print(Text.assemble((block.text, "italic"), " ", (f"[{block.code}]", "cyan")) if block.code else label)
        elif isinstance(block, Grid):
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
            for header in block.headers:
                table.add_column(header, overflow="fold", justify="right" if header in ("Old", "New") else "left",
                                 no_wrap=header in ("Claim", "Value", "Parameter"),
                                 min_width={"Statement": 24, "Status": 12}.get(header))
            for row in block.rows:
                table.add_row(*[styled(cell, h) for cell, h in zip(row, block.headers)])
            console.print(table)
        elif isinstance(block, Lines):
            for item in block.items:
                console.print(Text("  " + item))
        elif isinstance(block, TextDiff):
            for line in block.lines:
                style = "red" if line.startswith("-") else "green" if line.startswith("+") else "dim"
                console.print(Text("  " + line, style=style))


def to_text(report: Report, width: int = 100) -> str:
    """The terminal report without colour, as a string (what a log or a golden file holds)."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False,
                      emoji=False, markup=False, legacy_windows=False)
    to_terminal(report, console)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


# --- Markdown -------------------------------------------------------------------------------------

_IDENT = re.compile(r"^[A-Za-z0-9_.:/-]+$")


def _md_code(text: str) -> str:
    return f"`{text}`" if _IDENT.fullmatch(text) else md_escape(text)


def _fence(lines: list[str]) -> str:
    longest = max((len(m) for line in lines for m in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def to_markdown(report: Report) -> str:
    """GitHub-flavoured Markdown for a pull-request comment. No raw HTML passes: data is escaped."""
    out: list[str] = []
    for block in layout(report).items:
        if isinstance(block, Heading):
            prefix = "#" * block.level
            if block.code and block.code != block.text:
                out += [f"{prefix} {_md_code(block.code)}: {md_escape(block.text)}", ""]
            elif block.code:
                out += [f"{prefix} {_md_code(block.code)}", ""]
            else:
                out += [f"{prefix} {md_escape(block.text)}", ""]
        elif isinstance(block, Grid):
            out.append("| " + " | ".join(md_escape(h) for h in block.headers) + " |")
            out.append("|" + "|".join("---:" if h in ("Old", "New") else "---" for h in block.headers) + "|")
            for row in block.rows:
                cells = [_md_code(cell) if h in ("Claim", "Value", "Parameter") else md_escape(cell) for cell, h in zip(row, block.headers)]
                cells = [f"**{c}**" if h == "Status" and "contradicted" in row[i] else c
                         for i, (c, h) in enumerate(zip(cells, block.headers))]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
        elif isinstance(block, Lines):
            out += [f"- {md_escape(item)}" for item in block.items] + [""]
        elif isinstance(block, TextDiff):
            fence = _fence(block.lines)
            out += [f"{fence}diff", *block.lines, fence, ""]
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML -----------------------------------------------------------------------------------------

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 2px solid #1f5c99; padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { margin-top: 1.6rem; } h4 { margin: 1.2rem 0 .4rem; font-weight: normal; font-style: italic; }
code { background: #f3f3f3; padding: 0 .25em; border-radius: 3px; }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.contradicted { color: #b8403a; font-weight: bold; } .holds { color: #3a8f5c; }
pre.diff { background: #f8f8f8; padding: .6rem; overflow-x: auto; }
pre.diff .del { color: #b8403a; } pre.diff .ins { color: #3a8f5c; } pre.diff .hunk { color: #888; }
.drawings { display: flex; gap: 1rem; flex-wrap: wrap; }
.drawings figure { flex: 1 1 28rem; margin: 0; border: 1px solid #ddd; padding: .5rem; }
.drawings img { max-width: 100%; height: auto; }
"""


def _svg_img(svg: str | None, alt: str) -> str:
    if not svg:
        return "<p>(no drawing)</p>"
    payload = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    # An <img> never runs scripts inside the SVG and keeps its ids apart from the page's.
    return f'<img src="data:image/svg+xml;base64,{payload}" alt="{html.escape(alt)}">'


def _status_html(cell: str) -> str:
    text = html.escape(cell)
    text = text.replace("contradicted", '<span class="contradicted">contradicted</span>')
    return re.sub(r"\bholds\b", '<span class="holds">holds</span>', text)


def to_html(report: Report) -> str:
    """One self-contained page (styles inline, drawings as data URIs), every label escaped."""
    esc = html.escape
    body: list[str] = []
    for block in layout(report, drawings=True).items:
        if isinstance(block, Heading):
            tag = f"h{block.level}"
            if block.code and block.code != block.text:
                body.append(f"<{tag}><code>{esc(block.code)}</code>: {esc(block.text)}</{tag}>")
            elif block.code:
                body.append(f"<{tag}><code>{esc(block.code)}</code></{tag}>")
            else:
                body.append(f"<{tag}>{esc(block.text)}</{tag}>")
        elif isinstance(block, Grid):
            head = "".join(f'<th scope="col">{esc(h)}</th>' for h in block.headers)
            rows = []
            for row in block.rows:
                cells = []
                for cell, h in zip(row, block.headers):
                    if h == "Status":
                        cells.append(f"<td>{_status_html(cell)}</td>")
                    elif h in ("Claim", "Value", "Parameter"):
                        cells.append(f"<td><code>{esc(cell)}</code></td>")
                    elif h in ("Old", "New"):
                        cells.append(f'<td class="num">{esc(cell)}</td>')
                    else:
                        cells.append(f"<td>{esc(cell)}</td>")
                rows.append(f"<tr>{''.join(cells)}</tr>")
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
        elif isinstance(block, Lines):
            body.append("<ul>" + "".join(f"<li>{esc(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, TextDiff):
            spans = []
            for line in block.lines:
                cls = "del" if line.startswith("-") else "ins" if line.startswith("+") else "hunk" if line.startswith("@@") else "ctx"
                spans.append(f'<span class="{cls}">{esc(line)}</span>')
            body.append('<pre class="diff">' + "\n".join(spans) + "</pre>")
        elif isinstance(block, Drawings):
            body.append(
                '<div class="drawings">'
                f"<figure><figcaption>Old</figcaption>{_svg_img(block.old, 'old drawing: ' + block.title)}</figure>"
                f"<figure><figcaption>New</figcaption>{_svg_img(block.new, 'new drawing: ' + block.title)}</figure>"
                "</div>"
            )
    title = esc(f"briefs diff: {report.old_label} → {report.new_label}")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


FORMATS = {"md": to_markdown, "html": to_html, "text": to_text}
