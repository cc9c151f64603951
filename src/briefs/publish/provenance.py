"""What each page of an edition was made from: edition, date, code, parameters, data.

The facts come from the executed notebook (its parameters cell and injected
parameters, the sources record that `sources.show` emits, with the vintage of
every official series the brief read, the claims ledger)
and from the release (edition name, date, git commit). They are added to the
*staged copy* of a notebook as a generated section when the book is compiled,
never inside the kernel: the executed notebook in `build/runs` stays the same
bytes for the same inputs, and only the page says which edition it belongs to.
The same dictionary is written to the edition's `manifest.json`, so the page
and the manifest cannot disagree.
"""

from __future__ import annotations

import ast
import datetime as dt
import html
import json
import os
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat

from briefs import __version__
from briefs.project import catalog
from briefs.files import sha256
from briefs.errors import UsageError
from briefs.execute import readback
from briefs.execute.run import parameters_of
from briefs.media import note_anchor

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TOOLS = ("jupyter-book", "sphinx", "myst-nb", "papermill", "pandas", "altair", "frictionless")


def release_date(given: str | None = None) -> tuple[str, str]:
    """The edition's date and where it came from: the argument, else SOURCE_DATE_EPOCH, else today (UTC).

    Never read inside a kernel: the date is a fact of the release, so two runs of the
    same inputs on different days give the same executed notebooks.
    """
    if given:
        if not DATE.fullmatch(given):
            raise UsageError(f"release date {given!r} is not a date written YYYY-MM-DD")
        try:
            dt.date.fromisoformat(given)
        except ValueError:
            raise UsageError(f"release date {given!r} is not a calendar date") from None
        return given, "given"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            day = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from None
        return day.isoformat(), "SOURCE_DATE_EPOCH"
    return dt.datetime.now(dt.timezone.utc).date().isoformat(), "clock"


def git_state(root: Path, exclude: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The commit of the code and whether the work tree differed from it (None outside git).

    Generated folders (`exclude`, such as the site being released into) do not count as changes.
    """

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return {"commit": None, "dirty": None}
    skip = []
    for path in exclude:
        try:
            skip.append(f":(exclude){Path(path).resolve().relative_to(Path(root).resolve()).as_posix()}")
        except ValueError:
            pass  # outside the work tree: git does not see it anyway
    status = git("status", "--porcelain", "--", ".", *skip)
    return {"commit": commit, "dirty": bool(status)}


def tool_versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "briefs": __version__}
    for name in TOOLS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def effective_parameters(notebook: Path, nb: nbformat.NotebookNode) -> dict[str, Any]:
    """Every declared parameter with the value it ran with: the given one, else its default."""
    given = nb.metadata.get("briefs", {}).get("parameters", {})
    values: dict[str, Any] = {}
    for name, spec in parameters_of(notebook).items():
        try:
            values[name] = ast.literal_eval(spec.get("default", ""))
        except (ValueError, SyntaxError):
            values[name] = spec.get("default")
    values.update(given)
    return {k: values[k] for k in sorted(values)}


def brief_facts(brief: catalog.Brief, notebook: Path) -> dict[str, Any]:
    """One brief's entry of the manifest, from its executed notebook."""
    nb = nbformat.read(notebook, as_version=4)
    record = readback.sources(nb) or {"resources": [], "notes": []}
    ledger = readback.claims(nb) or {}
    claims = ledger.get("claims", [])
    return {
        "name": brief.name,
        "title": brief.title,
        "document": brief.document,
        "page": f"briefs/{brief.name}.html",
        "notebook": {"path": f"notebooks/{brief.name}.ipynb", "sha256": sha256(notebook)},
        "parameters": effective_parameters(notebook, nb),
        "parameters_given": sorted(nb.metadata.get("briefs", {}).get("parameters", {})),
        "resources": record.get("resources", []),
        "series": record.get("series", []),
        "notes": [(n.get("document"), n.get("note")) for n in record.get("notes", [])],
        "claims": {"total": len(claims), "contradicted": sum(1 for c in claims if c.get("status") != "holds")},
    }


def manifest(edition: dict[str, Any], briefs: list[dict[str, Any]], data_package: Path, root: Path) -> dict[str, Any]:
    """Everything an edition states about how it was made; `edition` holds name, date, date_source, code."""
    return {
        "edition": edition["name"],
        "date": edition["date"],
        "date_source": edition["date_source"],
        "code": edition["code"],
        "tools": tool_versions(),
        "data_package": {"path": data_package.relative_to(root).as_posix(), "sha256": sha256(data_package)},
        "briefs": [{k: v for k, v in b.items() if k != "notes"} for b in briefs],
    }


# --- the page -----------------------------------------------------------------


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _commit_html(code: dict[str, Any]) -> str:
    if not code.get("commit"):
        return "not under version control (no git commit recorded)"
    text = f'commit <code title="{_esc(code["commit"])}">{_esc(code["commit"][:12])}</code>'
    if code.get("dirty"):
        text += " with uncommitted changes"
    return text


def _source_links(resource: dict[str, Any], notes_on_page: set[tuple]) -> str:
    links = []
    for origin in resource.get("sources", []):
        doc, note = origin.get("document"), origin.get("note")
        target = note_anchor(doc, note) if doc and (doc, note) in notes_on_page else f"source-data-{resource['name']}"
        links.append(f'<a href="#{_esc(target)}">{_esc(origin.get("title", "source"))}</a>')
    return "; ".join(links) or f'<a href="#source-data-{_esc(resource["name"])}">see Sources</a>'


def block_html(facts: dict[str, Any], edition: dict[str, Any]) -> str:
    """The provenance section's body for one brief page (which lives in `briefs/`)."""
    given = set(facts.get("parameters_given", []))
    params = (
        "".join(
            f'<tr><th scope="row"><code>{_esc(k)}</code></th><td><code>{_esc(json.dumps(v, ensure_ascii=False))}</code></td>'
            f"<td>{'set for this run' if k in given else 'default'}</td></tr>"
            for k, v in facts["parameters"].items()
        )
        or '<tr><td colspan="3">none</td></tr>'
    )
    notes = {tuple(n) for n in facts.get("notes", [])}
    data = (
        "".join(
            f"<li><code>{_esc(r['name'])}</code> ({_esc(r.get('path', ''))}), from {_source_links(r, notes)}"
            f'<br><span class="briefs-sha">sha256 <code>{_esc(r["sha256"])}</code></span></li>'
            for r in facts["resources"]
        )
        or "<li>this brief recorded no data resources</li>"
    )
    series = "".join(_series_item(s) for s in facts.get("series", [])) or "<li>this brief read no official series</li>"
    nb = facts["notebook"]
    claims = facts["claims"]
    return (
        '<div class="briefs-provenance">'
        "<dl>"
        f"<dt>Edition</dt><dd>{_esc(edition['name'])}</dd>"
        f'<dt>Run date</dt><dd><time datetime="{_esc(edition["date"])}">{_esc(edition["date"])}</time></dd>'
        f"<dt>Code</dt><dd>{_commit_html(edition['code'])}</dd>"
        f"<dt>Helper library</dt><dd>briefs {_esc(edition['code'].get('briefs_version', __version__))}</dd>"
        f"<dt>Claims</dt><dd>{claims['total']} checked, {claims['contradicted']} contradicted</dd>"
        f'<dt>Executed notebook</dt><dd><a href="../{_esc(nb["path"])}">{_esc(nb["path"])}</a>, '
        f'<span class="briefs-sha">sha256 <code>{_esc(nb["sha256"])}</code></span></dd>'
        '<dt>All facts of this edition</dt><dd><a href="../manifest.json">manifest.json</a></dd>'
        "</dl>"
        '<table class="briefs-provenance-parameters"><caption>Parameters the brief ran with</caption>'
        "<thead><tr><th>name</th><th>value</th><th></th></tr></thead>"
        f"<tbody>{params}</tbody></table>"
        '<p class="briefs-provenance-caption">Data resources read</p>'
        f'<ul class="briefs-provenance-data">{data}</ul>'
        '<p class="briefs-provenance-caption">Official series read</p>'
        f'<ul class="briefs-provenance-series">{series}</ul>'
        "</div>"
    )


def _series_item(s: dict[str, Any]) -> str:
    """One official series: its vintage (file, months, when and where it was taken) and hash, or its absence."""
    title = f"{_esc(s.get('title', s.get('name', '')))} (<code>{_esc(s.get('name', ''))}</code>)"
    if s.get("state") == "absent":
        return f"<li>{title}: not available in this build, so the checks that need it were not made</li>"
    months = " to ".join(s.get("months") or []) or "months not recorded"
    taken = f", taken {_esc(s['taken'])}" if s.get("taken") else ""
    origin = f" from {_esc(s['from'])}" if s.get("from") else ""
    return (
        f"<li>{title}: vintage <code>{_esc(s.get('file', ''))}</code>, {_esc(months)}{taken}{origin}"
        f'<br><span class="briefs-sha">sha256 <code>{_esc(s.get("sha256", ""))}</code></span></li>'
    )


def _raw(html_text: str) -> str:
    return "```{raw} html\n" + html_text + "\n```\n"


def decorate(
    notebook: Path,
    facts: dict[str, Any],
    edition: dict[str, Any],
    *,
    changes: tuple[str, str] | None = None,
    cite: str | None = None,
) -> None:
    """Add an edition line under the title and a Provenance section at the end of a staged notebook.

    `changes`: (address, text) of the link to what changed in this brief since the previous
    edition; `cite`: the HTML of a "Cite this brief" section, placed before Provenance.
    """
    nb = nbformat.read(notebook, as_version=4)
    since = ""
    if changes:
        since = f' <a class="briefs-changes-link" href="{_esc(changes[0])}">{_esc(changes[1])}</a>.'
    line = (
        f'<p class="briefs-edition-line">Edition <strong>{_esc(edition["name"])}</strong>, run on '
        f'<time datetime="{_esc(edition["date"])}">{_esc(edition["date"])}</time>. '
        'The code, parameters and data behind this page are listed under <a href="#provenance">Provenance</a>'
        + (', and how to cite it under <a href="#cite-this-brief">Cite this brief</a>' if cite else "")
        + f".{since}</p>"
    )
    cell_line = nbformat.v4.new_markdown_cell(_raw(line), id="briefs-edition-line")
    for index, cell in enumerate(nb.cells):
        title = re.search(r"^# .*$\n?", cell.source, re.M) if cell.cell_type == "markdown" else None
        if title:
            # Split the cell under its title, so the line reads as the page's byline.
            head, rest = cell.source[: title.end()], cell.source[title.end() :]
            cell.source = head
            tail = [nbformat.v4.new_markdown_cell(rest, id=f"{cell.get('id', 'cell')}-rest")] if rest.strip() else []
            nb.cells[index + 1 : index + 1] = [cell_line, *tail]
            break
    else:
        nb.cells.insert(0, cell_line)
    if cite:
        nb.cells.append(nbformat.v4.new_markdown_cell("## Cite this brief\n\n" + _raw(cite), id="briefs-cite"))
    nb.cells.append(nbformat.v4.new_markdown_cell("## Provenance\n\n" + _raw(block_html(facts, edition)), id="briefs-provenance"))
    nbformat.write(nb, notebook)
