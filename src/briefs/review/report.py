"""A diff report for three readers: a terminal, a pull-request comment (Markdown), a browser (HTML).

All three render the one reader's layout of `review.changes` (the inputs that changed,
then each brief, verdicts first), so they say the same thing as an edition's "What
changed" page; the Markdown is that page's text. Escaping happens in one place per
format: labels come from data and may contain markup of any kind.
"""

from __future__ import annotations

import base64
import html
import io

from briefs.review import words
from briefs.review.changes import FOLD, NOTHING, Document, Entry, Group, Line, layout
from briefs.review.changes import to_markdown as _markdown
from briefs.review.diff import Report


def document(report: Report, links: str | None = None) -> Document:
    return layout(report, getattr(report, "inputs", None) or [], title="What changed in the briefs", links=links)


# --- terminal -----------------------------------------------------------------------------------


def _rich_line(line: Line):
    from rich.text import Text

    text = Text(line.text)
    for run in line.runs or ():
        if run.op == words.KEEP:
            text.append(run.text)
        elif run.op == words.DELETE:  # marked as `git diff --word-diff` does, readable without colour
            text.append(f"[-{run.text}-]", style="red")
        else:
            text.append(f"{{+{run.text}+}}", style="green bold")
    for i, (label, _) in enumerate(line.refs):
        text.append(("; " if i else "") + label)
    return text


def _rich_entry(entry: Entry, console) -> None:
    from rich.padding import Padding
    from rich.text import Text

    if entry.label:
        head = Text("")
        head.append(entry.label, style="bold")
        if entry.summary:
            style = "red" if entry.flag == "contradicted" and "no longer" in entry.summary else None
            head.append(": ")
            head.append(entry.summary, style=style)
        if entry.count > 1:
            head.append(f" ({entry.count} times)")
        console.print(Padding(head, (0, 0, 0, 2)))
        indent = 6
    else:
        indent = 2
    for line in entry.lines:
        console.print(Padding(Text("- ") + _rich_line(line), (0, 0, 0, indent)))


def to_terminal(report: Report, console) -> None:
    """Print with rich; every label goes in as a Text, so markup in data is shown, never interpreted."""
    from rich.text import Text

    doc = document(report)
    console.print(Text(doc.title, style="bold"))
    console.print(Text(f"old: {doc.old_label}"))
    console.print(Text(f"new: {doc.new_label}"))
    console.print(Text(f"{len(doc.sections)} of {doc.total} brief{'s' if doc.total != 1 else ''} changed"))
    groups: list[tuple[str | None, Group]] = [(None, doc.inputs)] if doc.inputs.entries else []
    if not doc.sections:
        console.print(Text(NOTHING))
    for title, group in groups:
        console.print()
        console.rule(Text(group.title), align="left")
        for entry in group.entries:
            _rich_entry(entry, console)
    for section in doc.sections:
        console.print()
        console.rule(Text(section.title), align="left")
        if section.summary:
            console.print(Text(section.summary[:1].upper() + section.summary[1:] + "."))
        for group in section.groups:
            console.print()
            console.print(Text(group.title, style="bold underline"))
            for entry in group.entries:
                _rich_entry(entry, console)
    if doc.unchanged and doc.sections:
        console.print()
        console.print(Text("Unchanged: " + "; ".join(t for t, _ in doc.unchanged)))


def to_text(report: Report, width: int = 100) -> str:
    """The terminal report without colour, as a string (what a log or a golden file holds)."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    to_terminal(report, console)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


# --- Markdown -------------------------------------------------------------------------------------


def to_markdown(report: Report, links: str | None = None) -> str:
    """GitHub-flavoured Markdown for a pull-request comment: the "What changed" page's text.

    `links`: the address of the new edition's root (ending in /) to link every item to its
    place there; None leaves the names unlinked.
    """
    return _markdown(document(report, links), labels=True)


# --- HTML -----------------------------------------------------------------------------------------

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 2px solid #1f5c99; padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { margin-top: 1.6rem; }
del { color: #8a1f1a; background: #fbe9e7; } ins { color: #1d5e34; background: #e6f4ea; text-decoration: none; font-weight: 600; }
.contradicted { color: #b8403a; } .count { color: #666; }
ul.entries > li { margin: .5rem 0; } ul.lines { margin: .2rem 0; }
.drawings { display: flex; gap: 1rem; flex-wrap: wrap; margin: .4rem 0; }
.drawings figure { flex: 1 1 28rem; margin: 0; border: 1px solid #ddd; padding: .5rem; }
.drawings img { max-width: 100%; height: auto; }
"""


def _svg_img(svg: str | None, alt: str) -> str:
    if not svg:
        return "<p>(no drawing)</p>"
    payload = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    # An <img> never runs scripts inside the SVG and keeps its ids apart from the page's.
    return f'<img src="data:image/svg+xml;base64,{payload}" alt="{html.escape(alt)}">'


def _html_line(line: Line) -> str:
    text = html.escape(line.text)
    if line.runs is not None:
        text += words.to_html(list(line.runs))
    refs = [f'<a href="{html.escape(h)}">{html.escape(t)}</a>' if h else html.escape(t) for t, h in line.refs]
    return text + "; ".join(refs)


def _html_entry(entry: Entry) -> str:
    esc = html.escape
    lines = [f"<li>{_html_line(line)}</li>" for line in entry.lines]
    shown, rest = (lines, []) if len(lines) <= FOLD + 1 else (lines[:FOLD], lines[FOLD:])
    body = f'<ul class="lines">{"".join(shown)}</ul>' if shown else ""
    if rest:
        body += f'<details><summary>{len(rest)} more</summary><ul class="lines">{"".join(rest)}</ul></details>'
    if not entry.label:
        return "".join(f"<li>{_html_line(line)}</li>" for line in entry.lines)
    label = f'<a href="{esc(entry.href)}">{esc(entry.label)}</a>' if entry.href else f"<strong>{esc(entry.label)}</strong>"
    cls = ' class="contradicted"' if entry.flag == "contradicted" else ""
    summary = f": <span{cls}>{esc(entry.summary)}</span>" if entry.summary else ""
    count = f' <span class="count">({entry.count} times)</span>' if entry.count > 1 else ""
    if entry.drawings:
        old, new = entry.drawings
        body += (
            '<div class="drawings">'
            f"<figure><figcaption>Old</figcaption>{_svg_img(old, 'old drawing: ' + entry.label)}</figure>"
            f"<figure><figcaption>New</figcaption>{_svg_img(new, 'new drawing: ' + entry.label)}</figure>"
            "</div>"
        )
    return f"<li>{label}{summary}{count}{body}</li>"


def _html_group(group: Group, level: int) -> str:
    items = "".join(_html_entry(e) for e in group.entries)
    if group.folded:
        return f'<details><summary>{html.escape(group.title)}</summary><ul class="entries">{items}</ul></details>'
    return f'<h{level}>{html.escape(group.title)}</h{level}><ul class="entries">{items}</ul>'


def to_html(report: Report, links: str | None = None) -> str:
    """One self-contained page (styles inline, drawings as data URIs), every label escaped."""
    esc = html.escape
    doc = document(report, links)
    body = [
        f"<h1>{esc(doc.title)}</h1>",
        f"<ul><li>old: {esc(doc.old_label)}</li><li>new: {esc(doc.new_label)}</li>"
        f"<li>{len(doc.sections)} of {doc.total} brief{'s' if doc.total != 1 else ''} changed</li></ul>",
    ]
    if doc.inputs.entries:
        body.append(_html_group(doc.inputs, 2))
    if not doc.sections:
        body.append(f"<p>{esc(NOTHING)}</p>")
    for section in doc.sections:
        body.append(f'<h2 id="{esc(section.anchor)}">{esc(section.title)}</h2>')
        lead = f' <a href="{esc(section.href)}">Read the brief</a>' if section.href else ""
        if section.summary:
            body.append(f"<p>{esc(section.summary[:1].upper() + section.summary[1:])}.{lead}</p>")
        body += [_html_group(g, 3) for g in section.groups]
    if doc.unchanged and doc.sections:
        body.append("<p>Unchanged: " + "; ".join(esc(t) for t, _ in doc.unchanged) + ".</p>")
    title = esc(f"briefs diff: {doc.old_label} → {doc.new_label}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


FORMATS = {"md": to_markdown, "html": to_html, "text": to_text}
