"""Each brief as a PDF, printed offline from its built HTML page by headless Chromium.

Jupyter Book's own PDF route (LaTeX) drops glued and custom outputs (jupyter-book #1539), so
the charts and tables of a brief would be lost. Printing the built page keeps them: the print
stylesheet (`assets/briefs.css`) shows each chart's static SVG, which Chromium writes as vector
paths and text, and hides the navigation and the code. A PDF cannot follow the page's CSV
links, so the data of every table and chart is attached to the PDF as a file instead. Every
sheet carries the brief's title with its edition, date and commit in the header (read from the
page's provenance block; a build that was not released says so) and the page's address in
the footer. Pages are A4; a table too wide for it prints on pages turned sideways (`@page wide`
in the stylesheet, honoured because the CSS page size is preferred).

Chromium is Debian's, driven through Playwright with `executable_path`; Playwright's own
browser download is never used (it needs the network). The old headless shell
(`apt-get install chromium-headless-shell`) is preferred to the whole browser: it is the same
Blink without the browser's window layer, the build that Playwright itself runs headless, and it
uses about a fifth less CPU over the same pages (the browser tests: 306 s against 384 s of
Chromium's CPU in one suite). The whole browser (`/usr/bin/chromium`) is used where it is the only one.
"""

from __future__ import annotations

import base64
import io
import html
import os
import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

from briefs import atomic
from briefs.errors import BuildFailed
from briefs.media import BRIEFS_DIR, CHART_SCRIPT, PDF_DIR

CHROMIUM = Path("/usr/bin/chromium-headless-shell")  # what `make` installs
WHOLE_CHROMIUM = Path("/usr/bin/chromium")  # used where the headless shell is missing
# Nothing in the browser may reach the network: no component updates, sync or first-run pings.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MARGIN_STYLE = "font-size:8px;width:100%;padding:0 16mm;color:#444;font-family:Helvetica,Arial,sans-serif;"
# What the page's provenance block (publish/provenance.block_html) says, read in the browser.
PROVENANCE = """() => {
  const out = {};
  const dl = document.querySelector('.briefs-provenance dl');
  if (dl) dl.querySelectorAll('dt').forEach(dt => {
    const dd = dt.nextElementSibling;
    if (dd) out[dt.textContent.trim()] = dd.textContent.trim();
  });
  const commit = dl && dl.querySelector('dd code[title]');
  if (commit) out.commit = commit.getAttribute('title');
  const canonical = document.querySelector('link[rel="canonical"]');
  if (canonical) out.address = canonical.href;
  return out;
}"""
# What the printing guard intercepts: every address but the page's own files and inline data.
# Playwright matches the expression itself, so the book's files never wait for this process.
OUTSIDE = re.compile(r"^(?!file:|data:)")
# Scripts a printed page has no use for, not loaded when printing: the chart engine (print shows
# each chart's static SVG and hides the live one) and the theme's icon script (its icons sit in
# the header and sidebars, which print hides). They were a third of a page's load, more for the
# first page a browser compiles them for; the PDFs render pixel for pixel the same without them.
NOT_PRINTED = re.compile(r"/_static/(" + re.escape(CHART_SCRIPT) + r"|scripts/fontawesome\.js)(\?.*)?$")
UNRELEASED = "unreleased build (no edition, date or commit recorded)"


def edition_line(facts: dict) -> str:
    """Edition, date and commit from the page's provenance block, or that the build is unreleased."""
    if not facts.get("Edition"):
        return UNRELEASED
    parts = [f"Edition {facts['Edition']}"]
    if facts.get("Run date"):
        parts.append(f"run on {facts['Run date']}")
    if facts.get("commit"):
        parts.append(f"commit {facts['commit'][:12]}")
    elif facts.get("Code"):
        parts.append(facts["Code"])
    return ", ".join(parts)


def margins(title: str, facts: dict, address: str) -> tuple[str, str]:
    """The printed header (title; edition, date, commit) and footer (address; page n of m)."""
    esc = html.escape
    header = (
        f'<div style="{MARGIN_STYLE}"><span>{esc(title)}</span><span style="float:right">{esc(edition_line(facts))}</span></div>'
    )
    footer = (
        f'<div style="{MARGIN_STYLE}"><span>{esc(facts.get("address") or address)}</span>'
        '<span style="float:right">page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )
    return header, footer


def chromium_path() -> Path | None:
    """The Chromium $BRIEFS_CHROMIUM names, or else Debian's headless shell, or else Debian's whole Chromium."""
    env = os.environ.get("BRIEFS_CHROMIUM")
    found = (shutil.which(name) for name in ("chromium-headless-shell", "chromium"))
    candidates = [Path(env)] if env else [CHROMIUM, WHOLE_CHROMIUM, *(Path(p) for p in found if p)]
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


def unavailable() -> str | None:
    """Why PDFs cannot be printed here, or None if they can."""
    if chromium_path() is None:
        return f"no Chromium at {os.environ.get('BRIEFS_CHROMIUM') or CHROMIUM} (install it: apt-get install -y chromium-headless-shell)"
    for module, package in (("playwright.sync_api", "playwright"), ("pypdf", "pypdf")):
        try:
            __import__(module)
        except ImportError:
            return f"the Python package {package} is missing (pip install -e '.[pdf]')"
    return None


def launch(playwright):
    """One headless Chromium with no network chatter of its own."""
    path = chromium_path()
    if path is None:
        raise BuildFailed(unavailable() or "no Chromium")
    return playwright.chromium.launch(executable_path=str(path), args=LAUNCH_ARGS, headless=True)


@dataclass
class Attachment:
    name: str
    data: bytes


def decode_data_uri(uri: str) -> bytes:
    """The bytes of a data: URI (base64 or percent-encoded)."""
    head, _, payload = uri.partition(",")
    if head.endswith(";base64"):
        return base64.b64decode(payload)
    return unquote_to_bytes(payload)


def page_attachments(page) -> list[Attachment]:
    """The CSV files the page offers as downloads, named as the page names them."""
    links = page.eval_on_selector_all(
        "a.briefs-download[download]", "els => els.map(a => [a.getAttribute('download'), a.getAttribute('href')])"
    )
    out, seen = [], set()
    for name, href in links:
        if not href or not href.startswith("data:") or name in seen:
            continue
        seen.add(name)
        out.append(Attachment(name, decode_data_uri(href)))
    return out


def relative_links(writer, html: Path, folder: Path) -> None:
    """Links to the book's own files as addresses relative to the PDF's folder.

    Chromium writes a link as the absolute `file://` address the page was printed from (a
    scratch folder), which means nothing to a reader and differs from build to build; relative
    to the PDF they lead to the same files wherever the book is published, and give the same bytes.
    """
    from pypdf.generic import NameObject, TextStringObject

    base = html.resolve().as_uri().rstrip("/") + "/"
    for page in writer.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if isinstance(uri, str) and uri.startswith(base):
                rel = os.path.relpath(html / unquote(uri[len(base) :]), folder)
                action.get_object()[NameObject("/URI")] = TextStringObject(Path(rel).as_posix())


def stable_structure_ids(writer) -> None:
    """Number the tagged PDF's structure elements in document order.

    Chromium names each element of the structure tree after its DOM node (`node00000068`), and
    node numbers depend on the order in which the page's scripts happened to create nodes, so
    the same page could print to different bytes. Table headers are referred to by these names
    (`/Headers`), so both are renamed together.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    objects = [obj for obj in writer._objects if isinstance(obj, DictionaryObject)]
    elements = [obj for obj in objects if obj.get("/Type") == "/StructElem"]
    # In the order of the old names, so the ID tree (a name tree: sorted keys) stays sorted.
    old = sorted({str(element["/ID"]) for element in elements if "/ID" in element})
    names = {name: f"e{n:05d}" for n, name in enumerate(old, start=1)}

    def renamed(value):
        return TextStringObject(names[str(value)]) if str(value) in names else value

    for element in elements:
        if "/ID" in element:
            element[NameObject("/ID")] = renamed(element["/ID"])
        attributes = element.get("/A")
        for attr in attributes if isinstance(attributes, ArrayObject) else [attributes] if attributes is not None else []:
            attr = attr.get_object()
            if isinstance(attr, DictionaryObject) and isinstance(attr.get("/Headers"), ArrayObject):
                attr[NameObject("/Headers")] = ArrayObject(renamed(h) for h in attr["/Headers"])
    for node in objects:  # the ID tree's leaves and their limits
        for key in ("/Names", "/Limits"):
            if isinstance(node.get(key), ArrayObject) and any(str(v) in names for v in node[key]):
                node[NameObject(key)] = ArrayObject(renamed(v) for v in node[key])


def attach(pdf: Path, attachments: list[Attachment], title: str, html: Path | None = None) -> None:
    """Embed the data files in the PDF and set its title; make links into the book relative; rewrite it in place."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(pdf)
    producer = (reader.metadata or {}).get("/Producer")
    writer = PdfWriter(clone_from=reader)
    if html is not None:
        relative_links(writer, html, pdf.parent)
    stable_structure_ids(writer)
    for item in attachments:
        writer.add_attachment(item.name, item.data)
    # Chromium stamps the moment of printing; the same page must give the same bytes, so the
    # PDF carries the release's date (SOURCE_DATE_EPOCH) or no date at all.
    writer.metadata = None
    info = {"/Title": title, "/Creator": "briefs (headless Chromium)"}
    if producer:
        info["/Producer"] = str(producer)
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        stamp = time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(int(os.environ["SOURCE_DATE_EPOCH"])))
        info["/CreationDate"] = info["/ModDate"] = stamp
    writer.add_metadata(info)
    buffer = io.BytesIO()
    writer.write(buffer)
    atomic.write_bytes(pdf, buffer.getvalue())


def print_briefs(html: Path, briefs: list[str], say=lambda item, state: None) -> dict[str, Path]:
    """Print every built brief page of a book to html/pdf/NAME.pdf."""
    say("pdf", f"printing {len(briefs)} brief(s) with {chromium_path()}")
    return print_pages(html, {name: f"{BRIEFS_DIR}/{name}.html" for name in briefs}, html / PDF_DIR)


def print_pages(html: Path, pages: dict[str, str], out: Path) -> dict[str, Path]:
    """Print each page (name -> path inside `html`) to out/NAME.pdf; raise BuildFailed on any problem.

    Pages are opened from disk; any request that is not for a local file or inline data is
    refused and fails the print, so a PDF never depends on, or hides, a call to the network.
    Each page loads while the one before it prints, and each PDF is rewritten (`attach`) while
    the next prints: about a third less time than one page after the other, for the same bytes.
    Runs in a thread of its own: Playwright's sync API refuses a thread that already runs an
    event loop (a notebook, or a test session driving its own browser).
    """
    result: dict = {}

    def work():
        try:
            result["ok"] = _print_pages(html, pages, out)
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=work, name="briefs-pdf")
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.2)
    except KeyboardInterrupt:
        # Ctrl-C: let the printing thread stop (Chromium got the interrupt too) before this one
        # unwinds; an interpreter that exits while it still runs Playwright crashes (exit 139).
        thread.join()
        raise
    if "error" in result:
        raise result["error"]
    return result["ok"]


def _print_pages(html: Path, pages: dict[str, str], out: Path) -> dict[str, Path]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    names: dict[object, str] = {}  # page -> the name it prints as
    outside: list[tuple[str, str]] = []

    def guard(route):
        outside.append((names.get(route.request.frame.page, "a page"), route.request.url))
        route.abort()

    def failed(name: str, exc: Exception) -> BuildFailed:
        return BuildFailed(f"printing {name} to PDF failed: {str(exc).splitlines()[0]}")

    def opened(name: str, rel: str):
        """A page asked to load: it loads in Chromium while the one before it prints."""
        try:
            page = context.new_page()
            names[page] = name
            page.goto((html / rel).resolve().as_uri(), wait_until="commit")
        except PlaywrightError as exc:  # Chromium is gone: killed, or interrupted with Ctrl-C
            raise failed(name, exc) from None
        return page

    with sync_playwright() as pw, ThreadPoolExecutor(1, thread_name_prefix="briefs-pdf-attach") as rewriting:
        browser = launch(pw)
        attached = []
        try:
            context = browser.new_context(java_script_enabled=True)
            context.route(OUTSIDE, guard)
            context.route(NOT_PRINTED, lambda route: route.abort())
            queue = list(pages.items())
            following = opened(*queue[0]) if queue else None
            for at, (name, rel) in enumerate(queue):
                page, target = following, out / f"{name}.pdf"
                try:
                    page.wait_for_load_state("load")
                    following = opened(*queue[at + 1]) if at + 1 < len(queue) else None
                    page.emulate_media(media="print")
                    title = page.title().split(" — ")[0].strip()
                    header, footer = margins(title, page.evaluate(PROVENANCE), f"{rel} in the book")
                    page.pdf(
                        path=str(target),
                        format="A4",
                        prefer_css_page_size=True,  # A4, a wide table's pages sideways
                        print_background=True,
                        outline=True,
                        tagged=True,
                        display_header_footer=True,
                        header_template=header,
                        footer_template=footer,
                        margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                    )
                    files = page_attachments(page)
                except PlaywrightError as exc:
                    raise failed(name, exc) from None
                finally:
                    page.close()
                # The PDF is rewritten (pypdf, in Python) while Chromium prints the next page.
                attached.append(rewriting.submit(attach, target, files, title, html))
                if outside:
                    where, url = outside[0]
                    raise BuildFailed(f"printing {where} to PDF: the page asked for {url}; pages must work offline")
                written[name] = target
            for job in attached:
                job.result()
        finally:
            try:
                browser.close()
            except PlaywrightError:
                pass  # already gone; the error that matters was raised above
    return written
