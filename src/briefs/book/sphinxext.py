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
"""

from __future__ import annotations

import html
from importlib import resources

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
    context["body"] = body


def setup(app):
    app.add_config_value("briefs_pdf", False, "html", bool)
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_page_context, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
