"""PDFs of the briefs: the same page prints to the same bytes, and carries only the release's date."""

from __future__ import annotations

import time

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
