"""A Sphinx extension for the book's HTML: clean pages for readers, screen readers and the browser tests.

Loaded from `book/_config.yml`. What the theme stack does not get right on its own:

- sphinx-thebe registers its configuration script twice under Jupyter Book, so every page
  threw "Identifier 'THEBE_JS_URL' has already been declared" and named a CDN. The book has no
  live code (thebe is off), so both scripts are dropped.
- The theme's colour mode started empty on a first visit and logged an error; the book opens
  in light mode (its charts are drawn for a light background).
- myst-nb's folded code cells and two theme buttons had accessible names that hide their
  visible text (axe: label-content-name-mismatch); see `templates/`.
- Brief pages get a link to their PDF when the build prints them (`briefs_pdf`).
- myst-nb bolds every glued value: here only a number standing alone is emphasised, not a
  glued sentence, a date or a note number (`GlueEmphasis`).
- Each glued number links to its entry in a "How each number was computed" section added at
  the end of the page, from the derivations in the brief's claims record (`book/derivations`).
- A Sphinx that compiles again and again (`briefs preview`, `book.incremental`) keeps the
  highlighted HTML of each code block and highlights again only code it has not seen
  (`keep_highlighting`): Pygments spent a fifth of each preview compile on code no edit touched.
  A build's compile process highlights the briefs' and guides' code while the briefs run
  (`prehighlight`), so the compile finds it done.
- Each folded code cell says what it holds ("Code: load — ..."), from its first comment line
  or from what it displays (`FoldLabels`); a section that only talks about folded code is
  left off paper.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from importlib import resources
from pathlib import Path
from typing import Iterator

from docutils import nodes
from sphinx.transforms import SphinxTransform

from briefs.book import derivations
from briefs.media import BRIEFS_DIR, PDF_DIR


def pdf_href(pagename: str, brief: str) -> str:
    """The PDF's address relative to a page of the book (pagename as Sphinx names it)."""
    depth = pagename.count("/")
    return "../" * depth + f"{PDF_DIR}/{brief}.pdf"


def pdf_link(pagename: str, brief: str) -> str:
    return (
        f'<p class="briefs-pdf-link"><a class="briefs-pdf" href="{html.escape(pdf_href(pagename, brief))}" '
        f'download="{html.escape(brief)}.pdf">Download this brief as a PDF</a> '
        "(charts as vector images, the data of every table and chart attached)</p>"
    )


def _is_thebe(script) -> bool:
    filename = getattr(script, "filename", None) or ""
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def _script_key(script) -> tuple:
    attributes = getattr(script, "attributes", None) or {}
    return (getattr(script, "filename", None) or str(script), tuple(sorted(attributes.items())))


def clean_scripts(scripts: list) -> list:
    """The page's scripts without thebe and without exact duplicates, in their order."""
    seen, out = set(), []
    for script in scripts:
        key = _script_key(script)
        if _is_thebe(script) or key in seen:
            continue
        seen.add(key)
        out.append(script)
    return out


def add_pdf_link(body: str, pagename: str) -> str:
    """Insert the PDF link right after the page title of a brief."""
    brief = pagename.rsplit("/", 1)[-1]
    end = body.find("</h1>")
    if end < 0:
        return body
    end += len("</h1>")
    return body[:end] + pdf_link(pagename, brief) + body[end:]


# --- glued values -----------------------------------------------------------------------------

FLAG = " [contradicted]"  # claims.Ledger glues this after a contradicted claim's value
UNIT_WORDS = re.compile(r"\b(million|billion|thousand)\b")
YEAR = re.compile(r"(1[89]|20)\d\d")
NOTE_BEFORE = re.compile(r"\bnotes?\s*$|\bnote\s+\S+\s+and\s*$", re.I)
NOTE_KEY = re.compile(r"(^|_)notes?$")
ID_KEY = re.compile(r"(^|_)id$")  # a document's id ("001") names it; it is not data
SILENT_UNITS = {"share", "%", "percent", "times", "ratio"}  # units a value's text already says (or needs not say)


def is_number(text: str) -> bool:
    """A glued value that is a number standing alone ("19,561", "9.9%", "€6 billion", "+6,281 (+42.7%)"),
    not words, a date or a year."""
    text = text[: -len(FLAG)] if text.endswith(FLAG) else text
    bare = UNIT_WORDS.sub("", text).strip()
    if not re.search(r"\d", bare) or re.search(r"[^\W\d_]", bare):
        return False
    return not YEAR.fullmatch(bare)


def glue_role():
    """myst-nb's `glue:text` role, remembering which key each pasted value came from."""
    from myst_nb.ext.glue.roles import PasteTextRole

    class KeyedPasteText(PasteTextRole):
        def run(self):
            found, messages = super().run()
            parts = self.text.rsplit(":", 1)
            key = parts[0] if len(parts) == 2 and "::" not in self.text else self.text
            for node in found:
                if isinstance(node, nodes.inline):
                    node["briefs_glue_key"] = key
            return found, messages

    return KeyedPasteText()


def _text_before(node: nodes.Node) -> str:
    parent = node.parent
    if parent is None:
        return ""
    at = parent.index(node)
    return "".join(n.astext() for n in parent.children[max(0, at - 2) : at])


class GlueEmphasis(SphinxTransform):
    """Emphasise numbers that stand alone; link each to how it was computed when the page says."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        found, record = page_record(self.env)
        linked: list[str] = []
        for node in list(self.document.findall(nodes.inline)):
            key = node.get("briefs_glue_key")
            if key is None:
                continue
            text = node.astext()
            note = bool(NOTE_KEY.search(key) or NOTE_BEFORE.search(_text_before(node)))
            number = is_number(text) and not note and not ID_KEY.search(key)
            node["classes"] = [c for c in node["classes"] if c != "pasted-text"] + [
                "pasted-text",
                "briefs-number" if number else "briefs-words",
            ]
            if number and text.endswith(FLAG):
                node.clear()  # children through the API, so each knows its parent (later transforms walk up)
                node += [nodes.Text(text[: -len(FLAG)]), nodes.inline(FLAG, FLAG, classes=["briefs-flag"])]
            if number and found and derivations.explained(found.get(key)):
                ref = nodes.reference(
                    "", "", refid=derivations.anchor(key), classes=["briefs-derivation-link"], reftitle=f"How {text} was computed"
                )
                node.replace_self(ref)
                ref.append(node)
                if key not in linked:
                    linked.append(key)
        if linked:
            top = self.document.next_node(nodes.section) or self.document
            raw = " ".join(n.astext() for n in self.document.findall(nodes.raw))
            anchors = set(re.findall(r'id="(claim-[^"]+)"', raw))
            top.append(derivation_section(linked, found, record or {}, anchors))


def page_record(env) -> tuple[dict | None, dict | None]:
    """(derivations, claims record) of the brief being read, from its executed notebook; (None, None)
    for other pages. Derivations are None when the record has none."""
    import nbformat

    path = Path(env.doc2path(env.docname))
    if path.suffix != ".ipynb" or not env.docname.startswith(BRIEFS_DIR + "/"):
        return None, None
    nb = nbformat.read(path, as_version=4)
    return derivations.derivations(nb), derivations.claims_record(nb)


def _para(text: str, classes: list[str], strong: str | None = None) -> nodes.paragraph:
    para = nodes.paragraph(classes=classes)
    if strong:
        para += nodes.strong(strong, strong)
        para += nodes.Text(": ")
    para += nodes.Text(text)
    return para


def derivation_entry(key: str, entry: dict, value: str, claims: dict, anchors: set[str] = frozenset()) -> nodes.container:
    box = nodes.container(ids=[derivations.anchor(key)], classes=["briefs-derivation"])
    formula = str(entry.get("formula") or "").rstrip(".")
    inputs = [i for i in entry.get("inputs") or [] if isinstance(i, dict)]
    if not formula and not inputs:  # a text record: the parameter or the source it was written from
        if entry.get("parameter"):
            formula = "Written from a parameter of the run"
            inputs = [{"label": "Parameter", "source": {"kind": "parameter", "name": entry["parameter"]}}]
        elif entry.get("source"):
            formula = "Taken from the document as it states it"
            inputs = [{"label": "Figure", "source": entry["source"]}]
    box += _para(formula + ".", ["briefs-derivation-formula"], strong=value)
    if entry.get("symbols") and not value.startswith(str(entry["symbols"])):  # a leaf's symbols are its value
        box += _para(str(entry["symbols"]), ["briefs-derivation-symbols"])
    if inputs:
        items = nodes.bullet_list(classes=["briefs-derivation-inputs"])
        for item in inputs:
            value_text = " ".join(t for t in (derivations.number_text(item.get("value")), str(item.get("unit") or "")) if t)
            words = f"{item.get('label') or 'Input'}: {value_text}" if value_text else str(item.get("label") or "Input")
            if item.get("period"):
                words += f", {item['period']}"
            li = nodes.list_item()
            para = nodes.paragraph(text=words + ".")
            source = derivations.source_text(item.get("source"))
            if source:
                para += nodes.Text(" Source: ")
                para += nodes.emphasis(source, source)
                if not source.endswith(("…", ".")):  # a shortened hash ends the sentence already
                    para += nodes.Text(".")
            li += para
            items += li
        box += items
    claim = claims.get(entry.get("claim")) if entry.get("claim") else None
    if claim:
        verdict = "holds" if claim.get("status") == "holds" else "is contradicted by the data"
        para = nodes.paragraph(classes=["briefs-derivation-claim"])
        para += nodes.Text(
            f"Claim: {str(claim.get('statement', '')).rstrip('.')}. It {verdict}: the claim needs a value "
            f"{derivations.needs(str(claim.get('rule', '')))}. "
        )
        if claim.get("instead") and claim.get("status") != "holds":
            para += nodes.Text(f"What the data show instead: {str(claim['instead']).rstrip('.')}. ")
        if f"claim-{claim['id']}" in anchors:  # the claims table is on the page
            para += nodes.reference("", "See it in the claims table", refid=f"claim-{claim['id']}")
            para += nodes.Text(".")
        box += para
    return box


def derivation_section(keys: list[str], found: dict, record: dict, anchors: set[str] = frozenset()) -> nodes.section:
    section = nodes.section(ids=[derivations.SECTION_ID], classes=["briefs-derivations"])
    section += nodes.title(derivations.SECTION_TITLE, derivations.SECTION_TITLE)
    section += _para(
        "Each number in the text above links here: what it was computed from, each input with its "
        "unit, period and source, and for a claim its rule and verdict.",
        ["briefs-derivations-intro"],
    )
    claims = {c.get("id"): c for c in record.get("claims") or [] if isinstance(c, dict)}
    values = record.get("values") or {}
    for key in keys:
        value = str(values.get(key, key))
        value = value[: -len(FLAG)] if value.endswith(FLAG) else value
        unit = str(found[key].get("unit") or "")
        if unit and unit not in SILENT_UNITS and not value.endswith("%") and not value.endswith(unit):
            value = f"{value} {unit}"
        section += derivation_entry(key, found[key], value, claims, anchors)
    return section


# --- folded code cells --------------------------------------------------------------------------

COMMENT = re.compile(r"^\s*#\s*(.+?)\s*$")
TAGGED = re.compile(r"^([A-Za-z][A-Za-z ,]{0,40}?):\s+(.+)$")


def fold_label(source: str, outputs: str, parameters: bool) -> str:
    """What a folded code cell holds, in words: from its first comment line, else from what it shows."""
    lines = [ln for ln in source.splitlines() if ln.strip()]
    first = COMMENT.match(lines[0]) if lines else None
    if first:
        text = first.group(1).rstrip(".")
        tagged = TAGGED.match(text)
        if tagged:
            text = f"{tagged.group(1).lower()} — {tagged.group(2)}"
        return f"Code: {text}"
    if parameters:
        return "Code: the parameters this page was run with"
    shown = []
    for cls, one, many in (("briefs-table", "a table", "tables"), ("briefs-chart", "a chart", "charts")):
        n = len(re.findall(rf'class="{cls}[ "]', outputs))
        if n:
            shown.append(one if n == 1 else f"{n} {many}")
    if shown:
        return "Code: " + " and ".join(shown) + " shown below"
    if "briefs-ledger" in outputs:
        return "Code: the claims table below"
    if "briefs-sources" in outputs:
        return "Code: the list of sources below"
    return "Code: a step of the computation"


class FoldLabels(SphinxTransform):
    """Folded code cells say what they hold, instead of "Show code cell source" each time."""

    default_priority = 510

    def apply(self, **kwargs) -> None:
        for cell in self.document.findall(nodes.container):
            if cell.get("nb_element") != "cell_code" or not cell.get("hide_mode"):
                continue
            source = "".join(c.astext() for c in cell.children if c.get("nb_element") == "cell_code_source")
            outputs = "".join(
                n.astext() for c in cell.children if c.get("nb_element") == "cell_code_output" for n in c.findall(nodes.raw)
            )
            tags = (cell.get("cell_metadata") or {}).get("tags") or []
            label = fold_label(source, outputs, "parameters" in tags)
            cell["prompt_show"] = label
            cell["prompt_hide"] = "Hide the code"
        for section in self.document.findall(nodes.section):
            if _about_folded_code(section):
                section["classes"].append("briefs-screen-only")


def _about_folded_code(section: nodes.section) -> bool:
    """A section of prose and folded code cells that show nothing: it means nothing on paper."""
    cells = 0
    for child in section.children[1:]:
        if isinstance(child, nodes.paragraph):
            continue
        if isinstance(child, nodes.container) and child.get("nb_element") == "cell_code" and child.get("hide_mode"):
            if any(c.get("nb_element") == "cell_code_output" and any(True for _ in c.findall(nodes.raw)) for c in child.children):
                return False
            cells += 1
            continue
        return False
    return cells > 0


def on_config_inited(app, config) -> None:
    # sphinx-external-toc always loads sphinx-multitoc-numbering, which does not say whether pages
    # can be read in parallel, so Sphinx reads them one by one. It can: it only numbers sections
    # once all pages are read, in the main process (its assign_section_numbers). See book/parallel.py.
    multitoc = app.extensions.get("sphinx_multitoc_numbering")
    if multitoc is not None and multitoc.parallel_read_safe is None:
        multitoc.parallel_read_safe = True
    config.templates_path = [str(resources.files("briefs") / "templates"), *config.templates_path]
    config.html_context = {"default_mode": "light", **(config.html_context or {})}


def on_builder_inited(app) -> None:
    """An extension that does not say it can read pages in parallel would make Sphinx warn, which
    fails the build (-W): compile serially instead."""
    if app.parallel > 1 and not all(getattr(ext, "parallel_read_safe", None) for ext in app.extensions.values()):
        app.parallel = 1
    keep_highlighting(app)


KEEP_HIGHLIGHTED = 4096  # code blocks; the book has a few hundred
# This process's highlighted blocks: kept from compile to compile (the preview) and filled while
# the briefs run, before the compile starts (`prehighlight`).
_HIGHLIGHTED: OrderedDict[str, str] = OrderedDict()
NOTEBOOK_LEXER = "ipython3"  # the lexer myst-nb takes for a code cell from an IPython kernel's notebook


def _highlight_key(bridge, source, lang, opts, force, kwargs) -> str:
    # The style does not change HTML written with CSS classes (Pygments' HtmlFormatter writes
    # styles only with `noclasses`), so a block highlighted before the builder has chosen its
    # style (`prehighlight`) is the same HTML.
    formatter = dict(bridge.formatter_args)
    if not formatter.get("noclasses"):
        formatter.pop("style", None)
    return repr(
        (bridge.dest, sorted(formatter.items()), source, lang, sorted((opts or {}).items()), force, sorted(kwargs.items()))
    )


def _keep(key: str, done: str) -> None:
    _HIGHLIGHTED[key] = done
    while len(_HIGHLIGHTED) > KEEP_HIGHLIGHTED:
        _HIGHLIGHTED.popitem(last=False)


def keep_highlighting(app) -> None:
    """Give the HTML builder's highlighter a memory of what this process has highlighted.

    Pygments gives the same HTML for the same code, language and options, so a block seen
    before is not lexed again. A block whose highlighting warned (code that is not the language
    it claims) is never kept: its warning is given again on every compile, as without this.
    """
    bridge = getattr(app.builder, "highlighter", None)
    if bridge is None or getattr(bridge, "briefs_kept", False):
        return
    highlight = bridge.highlight_block

    def highlight_block(source, lang, opts=None, force=False, location=None, **kwargs):
        key = _highlight_key(bridge, source, lang, opts, force, kwargs)
        done = _HIGHLIGHTED.get(key)
        if done is not None:
            _HIGHLIGHTED.move_to_end(key)
            return done
        warnings = app._warncount
        done = highlight(source, lang, opts, force, location, **kwargs)
        if app._warncount == warnings:
            _keep(key, done)
        return done

    bridge.highlight_block = highlight_block
    bridge.briefs_kept = True


def _lowest_priority() -> None:
    """This thread (not its process) at the lowest priority, where the system allows it (Linux)."""
    import os
    import sys
    import threading

    if not sys.platform.startswith("linux"):  # elsewhere the call takes a process, not a thread
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass


def code_blocks(paths: list[str]) -> Iterator[tuple[str, str]]:
    """The code blocks of these MyST files as the HTML builder will highlight them, (code,
    language), file by file: a notebook's code cells (a brief), a page's fenced code with a
    language (a guide)."""
    from markdown_it import MarkdownIt
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

    for path in paths:
        blocks = []
        try:
            text = Path(path).read_text(encoding="utf-8")
            if is_myst_markdown_notebook(text):
                cells = read_myst_markdown_notebook(text, path=path).cells
                blocks = [(cell.source, NOTEBOOK_LEXER) for cell in cells if cell.cell_type == "code"]
            else:
                for token in MarkdownIt("commonmark").parse(text):
                    info = token.info.strip() if token.type == "fence" else ""
                    if info and not info.startswith("{"):
                        blocks.append((token.content, info.split()[0]))
        except Exception:  # a file being edited, a front matter the compile will report: only a shortcut
            continue
        yield from blocks


def prehighlight(paths: list[str], stop=None, idle: bool = False) -> int:
    """Highlight the code blocks of these MyST files (`code_blocks`) before the compile starts, as
    the HTML builder's `visit_literal_block` will ask for them, and keep them for it
    (`keep_highlighting`); stop early once `stop` (a threading.Event) is set. With `idle`, this
    thread takes only time no other process wants (the briefs run meanwhile). A block that would
    warn is not kept, so the compile warns as before. Returns how many blocks were kept."""
    import logging

    from sphinx.highlighting import PygmentsBridge

    if idle:
        _lowest_priority()
    bridge = PygmentsBridge("html")
    log = logging.getLogger("sphinx.sphinx.highlighting")  # Sphinx's logger there, before any app set it up
    warned: list[logging.LogRecord] = []
    catch = logging.Handler(logging.WARNING)
    catch.emit = warned.append
    log.addHandler(catch)
    propagate, log.propagate = log.propagate, False
    kept = 0
    try:
        for source, lang in code_blocks(paths):
            if stop is not None and stop.is_set():
                break
            key = _highlight_key(bridge, source, lang, {}, False, {"linenos": False})
            if key in _HIGHLIGHTED:
                continue
            before = len(warned)
            try:
                done = bridge.highlight_block(source, lang, opts={}, force=False, linenos=False)
            except Exception:
                continue
            if len(warned) == before:
                _keep(key, done)
                kept += 1
    finally:
        log.removeHandler(catch)
        log.propagate = propagate
    return kept


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = clean_scripts(context["script_files"])
    body = context.get("body")
    if not body:
        return
    # myst-nb labels each fold "Toggle hidden content" while it reads "Show code cell source".
    body = body.replace('<summary aria-label="Toggle hidden content">', "<summary>")
    if app.config.briefs_pdf and pagename.startswith(BRIEFS_DIR + "/"):
        body = add_pdf_link(body, pagename)
    if "briefs-card" in body and 'id="the-briefs"' in body:  # the landing page's cards (book/intro.md)
        context["briefs_skip_to"], context["briefs_skip_label"] = "the-briefs", "Skip to the briefs"
    context["body"] = body


def setup(app):
    app.add_config_value("briefs_pdf", False, "html", bool)
    app.setup_extension("myst_nb")
    app.add_role_to_domain("glue", "text", glue_role(), override=True)
    app.add_transform(GlueEmphasis)
    app.add_transform(FoldLabels)
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_page_context, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
