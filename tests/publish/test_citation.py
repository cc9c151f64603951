"""Citing the book: CITATION.cff at the root, book/citation.yml, and what they become.

The release tests (test_release.py) read the citations of two built editions as a reference
manager would; these check the settings and formats themselves, without building anything.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from briefs.errors import UsageError
from briefs.publish import citation
from conftest import REPO

# Citation File Format 1.2.0: the keys a file must have, and the shape of an author
# (a person has family-names or given-names; an entity has a name).
CFF_REQUIRED = {"cff-version", "message", "title", "authors"}
CFF_PERSON = {
    "family-names",
    "given-names",
    "name-particle",
    "name-suffix",
    "affiliation",
    "orcid",
    "email",
    "address",
    "alias",
    "city",
    "country",
    "fax",
    "post-code",
    "region",
    "tel",
    "website",
}
CFF_ENTITY = {
    "name",
    "address",
    "alias",
    "city",
    "country",
    "date-end",
    "date-start",
    "email",
    "fax",
    "location",
    "orcid",
    "post-code",
    "region",
    "tel",
    "website",
}


def test_citation_cff_is_valid_cff_1_2_0_and_agrees_with_the_books_settings():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert CFF_REQUIRED <= set(cff), f"missing: {CFF_REQUIRED - set(cff)}"
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and cff["message"].strip()
    assert isinstance(cff["title"], str) and cff["title"].strip()
    assert isinstance(cff["authors"], list) and cff["authors"]
    for author in cff["authors"]:
        if "name" in author:
            assert set(author) <= CFF_ENTITY, author
        else:
            assert set(author) <= CFF_PERSON and ({"family-names", "given-names"} & set(author)), author
    if "type" in cff:
        assert cff["type"] in ("dataset", "software")
    settings = citation.load(REPO)
    assert cff["title"] == settings.title
    names = [a.get("name") or " ".join(p for p in (a.get("given-names"), a.get("family-names")) if p) for a in cff["authors"]]
    assert names == [a.display for a in settings.authors]


def _project(tmp_path: Path, settings: str | None, config: str = 'title: "A book"\nauthor: Someone\n') -> Path:
    (tmp_path / "book").mkdir(parents=True)
    (tmp_path / "book" / "_config.yml").write_text(config, encoding="utf-8")
    if settings is not None:
        (tmp_path / "book" / "citation.yml").write_text(settings, encoding="utf-8")
    return tmp_path


def test_without_citation_settings_the_books_config_names_title_and_author(tmp_path):
    settings = citation.load(_project(tmp_path, None))
    assert settings.title == "A book" and [a.display for a in settings.authors] == ["Someone"]
    assert settings.site_url == "" and settings.dois == {}


@pytest.mark.parametrize(
    "text, says",
    [
        ("site_url: ftp://x.org/\n", "site_url 'ftp://x.org/' is not an http(s) address"),
        ("editions:\n  '1.0':\n    doi: 10.12/x\n", "editions, 1.0, doi: '10.12/x' is not a DOI"),
        ("authors: Someone\n", "authors: expected a list"),
        ("authors:\n  - orcid: 0000-0001\n", "authors, entry 1: needs a name, or a family name"),
        ("- a list\n", "expected a mapping of settings"),
        ("title: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_settings_are_refused_in_one_line_naming_the_file(tmp_path, text, says):
    root = _project(tmp_path, text)
    with pytest.raises(UsageError) as err:
        citation.load(root)
    message = str(err.value)
    assert "\n" not in message and str(root / "book" / "citation.yml") in message and says in message


def test_a_persons_name_and_special_characters_reach_bibtex_and_csl_intact(tmp_path):
    import bibtex as bibtexparser  # tests/bibtex.py: a reference manager's reading of BibTeX

    root = _project(
        tmp_path,
        'title: "Costs & benefits: 100% of it_{x}"\nsite_url: https://example.org/b\n'
        "authors:\n  - family: Núñez\n    given: Ana\n  - name: Grupo {Norte}\n",
    )
    settings = citation.load(root)
    assert settings.site_url == "https://example.org/b/"
    cite = citation.for_brief(settings, "1.0", "2026-03-04", "one", "A brief about #1 & $2", pdf=True)
    assert cite.url == "https://example.org/b/1.0/briefs/one.html"
    assert cite.text() == (
        "Ana Núñez and Grupo {Norte} (2026). A brief about #1 & $2. In Costs & benefits: 100% of it_{x} "
        "(edition 1.0, 4 March 2026). https://example.org/b/1.0/briefs/one.html"
    )
    (entry,) = bibtexparser.loads(cite.bibtex()).entries
    assert entry["author"] == r"Núñez, Ana and {Grupo \{Norte\}}"
    assert entry["title"] == r"{A brief about \#1 \& \$2}" and entry["booktitle"] == r"{Costs \& benefits: 100\% of it\_\{x\}}"
    (item,) = json.loads(citation.files(cite, "one")["cite/one.json"])
    assert item["author"] == [{"family": "Núñez", "given": "Ana"}, {"literal": "Grupo {Norte}"}]
    assert item["container-title"] == "Costs & benefits: 100% of it_{x}"
    tags = cite.meta()
    assert ("citation_author", "Núñez, Ana") in tags and ("DC.creator", "Ana Núñez") in tags
    assert ("citation_pdf_url", "https://example.org/b/1.0/pdf/one.pdf") in tags
    block = citation.block_html(cite, "one", "data/briefs-data-1.0.zip")
    assert "&amp; $2" in block and 'href="../cite/one.bib"' in block and 'href="../data/briefs-data-1.0.zip"' in block


def test_a_book_with_no_address_says_so_and_claims_none(tmp_path):
    settings = citation.load(_project(tmp_path, None))
    cite = citation.for_brief(settings, "1.0", "2026-03-04", "one", "A brief", pdf=False)
    assert cite.url == "" and not [n for n, _ in cite.meta() if n in ("citation_public_url", "citation_pdf_url")]
    assert "url" not in cite.bibtex() and "URL" not in cite.csl()
    assert "No published address is configured" in citation.block_html(cite, "one", None)


def test_release_refuses_a_bad_doi_before_anything_runs(project):
    from briefs.publish.release import release

    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    with pytest.raises(UsageError, match=re.escape("--doi: 'doi:10.1/x' is not a DOI")):
        release("1.0", root=project, doi="doi:10.1/x")
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == before
