"""The landing page's list of briefs, the staging that feeds it, and the PDF switch (no browser)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from briefs import media
from briefs.execute import readback
from briefs.book import build, stage
from briefs.project import catalog
from briefs.book import landing, sphinxext
from briefs.errors import BuildFailed, UsageError


def glue_output(name: str, text: str):
    return new_output(
        "display_data",
        data={media.GLUE_PREFIX + "text/plain": repr(text)},
        metadata={"scrapbook": {"mime_prefix": media.GLUE_PREFIX, "name": name}},
    )


def executed(tmp_path: Path, values: dict[str, str]) -> Path:
    cell = new_code_cell("glue", outputs=[glue_output(k, v) for k, v in values.items()])
    path = tmp_path / "run.ipynb"
    nbformat.write(new_notebook(cells=[cell]), path)
    return path


def brief(**changes) -> catalog.Brief:
    base = catalog.Brief(
        name="demo",
        path=Path("notebooks/demo.md"),
        title="A demo brief",
        document="009",
        summary="What the demo shows, in one line.",
        order=1,
    )
    return replace(base, **changes)


def test_glued_values_read_back_the_text_the_page_shows(tmp_path):
    nb = nbformat.read(executed(tmp_path, {"total": "19,561", "start": "11 May 2023"}), as_version=4)
    assert readback.glued(nb) == {"total": "19,561", "start": "11 May 2023"}


def test_headline_label_takes_its_placeholders_from_the_glue():
    b = brief(headline="total", headline_label="people returned from {start} to {end}")
    values = {"total": "19,561", "start": "11 May", "end": "24 November"}
    assert landing.headline(b, values) == ("19,561", "people returned from 11 May to 24 November")
    assert landing.headline(brief(), values) is None


def test_a_headline_naming_an_unknown_key_is_refused():
    with pytest.raises(UsageError, match="total, end"):
        landing.headline(brief(headline="total", headline_label="to {end}"), {"start": "x"})


def test_catalog_lists_built_briefs_with_summary_headline_and_pdf(tmp_path):
    run = executed(tmp_path, {"total": "1,234"})
    b = brief(headline="total", headline_label="people <counted>")
    text = landing.catalog_markdown([b, brief(name="unbuilt")], {"demo": run}, pdf=True)
    assert "{doc}`A demo brief <briefs/demo>`" in text
    assert "unbuilt" not in text
    assert '<span class="briefs-headline-value">1,234</span>' in text
    assert "people &lt;counted&gt;" in text
    assert "What the demo shows, in one line." in text and "Document 009" in text
    assert 'href="pdf/demo.pdf"' in text
    plain = landing.catalog_markdown([b], {"demo": run})
    assert "pdf/" not in plain


def test_stage_lists_the_built_briefs_and_says_whether_pdfs_are_printed(project, tmp_path):
    briefs = catalog.discover(project)
    run = executed(tmp_path, {"total_returns": "1", "window_start": "a", "window_end": "b"})
    notebooks = {"imumi-factsheet": run}  # the glued values above are that brief's headline keys
    src = stage.stage(project, briefs, notebooks, tmp_path / "plain")
    assert "- file: briefs/imumi-factsheet" in (src / "_toc.yml").read_text()
    assert "briefs_pdf: false" in (src / "_config.yml").read_text()
    src = stage.stage(project, briefs, notebooks, tmp_path / "with-pdf", pdf=True)
    assert 'href="pdf/imumi-factsheet.pdf"' in (src / landing.CATALOG_FILE).read_text()
    assert "briefs_pdf: true" in (src / "_config.yml").read_text()
    assert "_catalog.md" in (src / "intro.md").read_text()


def test_pdf_link_points_at_the_printed_file_from_any_depth():
    assert sphinxext.pdf_href("briefs/demo", "demo") == "../pdf/demo.pdf"
    body = sphinxext.add_pdf_link("<section><h1>T</h1><p>x</p>", "briefs/demo")
    assert body.index('href="../pdf/demo.pdf"') > body.index("</h1>")


def test_duplicate_and_thebe_scripts_are_dropped():
    class Script(str):
        def __new__(cls, filename, **attributes):
            obj = super().__new__(cls, filename or "")
            obj.filename, obj.attributes = filename, attributes
            return obj

    scripts = [
        Script("a.js"),
        Script(None, body='const THEBE_JS_URL = "x"'),
        Script("sphinx-thebe.js"),
        Script(None, body="var x = 1"),
        Script(None, body="var x = 1"),
        Script("b.js"),
    ]
    assert [(s.filename, s.attributes) for s in sphinxext.clean_scripts(scripts)] == [
        ("a.js", {}),
        (None, {"body": "var x = 1"}),
        ("b.js", {}),
    ]


def test_asking_for_pdfs_without_chromium_fails_and_the_default_skips(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFS_CHROMIUM", str(tmp_path / "no-chromium"))
    said = []
    with pytest.raises(BuildFailed, match="cannot print the briefs to PDF: no Chromium at .*apt-get install"):
        build.want_pdf(True, lambda *a: said.append(a))
    assert build.want_pdf(None, lambda *a: said.append(a)) is False
    assert said and said[-1][0] == "pdf" and said[-1][1].startswith("skipped: no Chromium")
    assert build.want_pdf(False, lambda *a: None) is False


def ledger_output(claims: list[dict]):
    from briefs.media import CLAIMS_MIME

    return new_output("display_data", data={CLAIMS_MIME: {"brief": "demo", "claims": claims, "values": {}}})


def claim(id: str, status: str, **more) -> dict:
    return {
        "id": id,
        "status": status,
        "statement": "The chapter's count matches DHS's table",
        "text": "1,077,640",
        "published_text": "948,631",
        "rule": "within 5% of 948,631",
        **more,
    }


def test_a_card_counts_the_claims_by_verdict_and_explains_a_flagged_headline(tmp_path):
    cell = new_code_cell(
        "glue",
        outputs=[
            glue_output("t42", "1,077,640 [contradicted]"),
            glue_output("ok", "12"),
            ledger_output([claim("t42", "contradicted"), claim("ok", "holds"), claim("x", "holds")]),
        ],
    )
    path = tmp_path / "run.ipynb"
    nbformat.write(new_notebook(cells=[cell]), path)
    text = landing.catalog_markdown([brief(headline="t42", headline_label="expulsions, against {ok}")], {"demo": path})
    assert '<span class="briefs-headline-value">1,077,640</span>' in text and "[contradicted]" not in text
    assert "3 claims checked against the data: 2 hold, 1 contradicted." in text
    assert 'href="briefs/demo.html#claims"' in text
    assert (
        "Flagged: the data do not bear out the claim that the chapter&#x27;s count matches DHS&#x27;s table. "
        "They give 1,077,640; the claim needs a value within 5% of 948,631 (the document prints 948,631)."
    ) in text
    assert (
        landing.verdicts({"claims": [claim("a", "holds"), claim("b", "holds")]}) == "2 claims checked against the data: all hold."
    )
    assert landing.verdicts(None) is None
    restated = {"claims": [claim("a", "holds"), claim("b", "holds", basis="restated"), claim("c", "contradicted")]}
    assert landing.verdicts(restated) == "3 claims checked against the data: 1 hold, 1 restated, 1 contradicted."
    assert landing.flagged(brief(headline="ok"), {"claims": [claim("ok", "holds")]}) == []
    acronym = landing.flagged(
        brief(headline="a"), {"claims": [claim("a", "contradicted", statement="INM's tables add up", rule="equals 11")]}
    )
    assert "claim that INM's tables add up" in acronym[0] and "a value equal to 11" in acronym[0]
