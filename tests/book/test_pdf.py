"""PDFs of the briefs: the same page prints to the same bytes, and carries only the release's date."""

from __future__ import annotations

import time

import pytest

from pypdf import PdfReader

from briefs.book.pdf import print_pages


def _page(folder):
    folder.mkdir()
    (folder / "brief.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>A brief — Book</title></head>"
        "<body><h1>A brief</h1><p>19,561 people.</p>"
        "<a class='briefs-download' download='t.csv' href='data:text/csv,a%2Cb%0A1%2C2%0A'>CSV</a></body></html>"
    )
    return folder


def test_the_same_page_prints_to_the_same_bytes_whenever_it_is_printed(tmp_path, chromium, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    html = _page(tmp_path / "html")
    first = print_pages(html, {"brief": "brief.html"}, tmp_path / "one")["brief"].read_bytes()
    time.sleep(1.1)  # Chromium stamps the second it prints
    second = print_pages(html, {"brief": "brief.html"}, tmp_path / "two")["brief"].read_bytes()
    assert first == second
    reader = PdfReader(tmp_path / "one" / "brief.pdf")
    assert reader.metadata["/Title"] == "A brief" and "/CreationDate" not in reader.metadata
    assert list(reader.attachments) == ["t.csv"] and reader.attachments["t.csv"] == [b"a,b\n1,2\n"]


def test_a_release_date_is_the_pdf_date(tmp_path, chromium, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793448000")  # 2026-10-31 12:00 UTC
    html = _page(tmp_path / "html")
    pdf = print_pages(html, {"brief": "brief.html"}, tmp_path / "out")["brief"]
    meta = PdfReader(pdf).metadata
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20261031120000+00'00'"


def test_every_sheet_says_which_edition_date_and_commit_it_is(tmp_path, chromium):
    from briefs.book.pdf import UNRELEASED

    html = _page(tmp_path / "html")
    released = (
        (html / "brief.html")
        .read_text()
        .replace(
            "<p>19,561 people.</p>",
            "<p>19,561 people.</p><div class='briefs-provenance'><dl><dt>Edition</dt><dd>2026-12</dd>"
            "<dt>Run date</dt><dd><time datetime='2026-12-01'>2026-12-01</time></dd>"
            "<dt>Code</dt><dd>commit <code title='0123456789abcdef0123'>0123456789ab</code></dd></dl></div>",
        )
    )
    (html / "released.html").write_text(released)
    pdfs = print_pages(html, {"brief": "brief.html", "released": "released.html"}, tmp_path / "out")
    text = {name: " ".join(p.extract_text() for p in PdfReader(path).pages) for name, path in pdfs.items()}
    assert UNRELEASED in text["brief"] and "A brief" in text["brief"] and "brief.html in the book" in text["brief"]
    assert "Edition 2026-12, run on 2026-12-01, commit 0123456789ab" in text["released"]
    assert UNRELEASED not in text["released"] and "page 1 of 1" in text["released"]


def test_the_headless_shell_is_preferred_and_the_whole_browser_serves_without_it(tmp_path, monkeypatch):
    from briefs.book import pdf

    shell, whole = tmp_path / "chromium-headless-shell", tmp_path / "chromium"
    monkeypatch.setattr(pdf, "CHROMIUM", shell)
    monkeypatch.setattr(pdf, "WHOLE_CHROMIUM", whole)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    monkeypatch.delenv("BRIEFS_CHROMIUM", raising=False)
    assert pdf.chromium_path() is None
    assert "apt-get install -y chromium-headless-shell" in pdf.unavailable()
    for path in (whole, shell):
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
        assert pdf.chromium_path() == path, "the whole browser serves alone, the headless shell first once it is there"
    monkeypatch.setenv("BRIEFS_CHROMIUM", str(whole))
    assert pdf.chromium_path() == whole, "a Chromium named by BRIEFS_CHROMIUM comes before both"


def test_the_chart_engine_and_the_icon_script_are_not_loaded_to_print(tmp_path, chromium):
    """Print shows each chart's static SVG and hides the theme's icons, so neither script is fetched."""
    from briefs.media import CHART_SCRIPT

    html = _page(tmp_path / "html")
    scripts = {
        f"_static/{CHART_SCRIPT}": "from the chart engine",
        "_static/scripts/fontawesome.js": "from the icons",
        "_static/briefs.js": "from the page script",
    }
    tags = ""
    for rel, words in scripts.items():
        (html / rel).parent.mkdir(parents=True, exist_ok=True)
        (html / rel).write_text(
            f"document.addEventListener('DOMContentLoaded', () => document.body.insertAdjacentHTML('beforeend', '<p>Written {words}.</p>'));"
        )
        tags += f"<script src='{rel}?v=1'></script>"
    page = (html / "brief.html").read_text().replace("</head>", tags + "</head>")
    (html / "brief.html").write_text(page)
    pdf = print_pages(html, {"brief": "brief.html"}, tmp_path / "out")["brief"]
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Written from the page script." in text, "other scripts still run before printing"
    assert "from the chart engine" not in text and "from the icons" not in text


def test_a_page_that_reaches_outside_fails_the_print_and_is_named(tmp_path, chromium):
    """Pages load while the one before them prints: a request to the network is still pinned on its page."""
    from briefs.errors import BuildFailed

    html = _page(tmp_path / "html")
    leaky = (html / "brief.html").read_text().replace("</body>", "<img src='http://127.0.0.1:9/pixel.png' alt=''></body>")
    (html / "leaky.html").write_text(leaky)
    with pytest.raises(BuildFailed, match=r"^printing leaky to PDF: the page asked for http://127\.0\.0\.1:9/pixel\.png;"):
        print_pages(html, {"brief": "brief.html", "leaky": "leaky.html", "after": "brief.html"}, tmp_path / "out")
