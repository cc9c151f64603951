"""How to cite an edition and each of its briefs: on the page, as BibTeX and CSL-JSON, and in meta tags.

The facts come from configuration, never from the kernel: `book/citation.yml` (title,
authors, publisher, licence, language, the address the site is published at and, per
edition, an optional DOI), falling back to `book/_config.yml` for the title and author.
A brief is cited as a part of the edition of the book it belongs to: its own title, the
book's title, the edition's name and date, its address (`site_url` + edition + page) and
the edition's DOI when there is one. Each brief page then carries

- a "Cite this brief" block with the citation as text, BibTeX and CSL-JSON downloads, and
  a link to the edition's data archive;
- Highwire Press (`citation_*`) and Dublin Core (`DC.*`) meta tags, which reference
  managers (Zotero, Mendeley) and scholarly indexes read;

and the edition folder holds `cite/NAME.bib`, `cite/NAME.json` for every brief and
`cite/book.bib`, `cite/book.json` for the edition as a whole.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefs.errors import UsageError
from briefs.media import BRIEFS_DIR, PDF_DIR
from briefs.project import paths

CONFIG = "citation.yml"
CITE_DIR = "cite"
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Author:
    family: str = ""
    given: str = ""
    name: str = ""  # an organisation, or a person written as one name
    orcid: str = ""

    @property
    def display(self) -> str:
        return self.name or " ".join(p for p in (self.given, self.family) if p)

    def bibtex(self) -> str:
        if self.name:
            return "{" + _bib_escape(self.name) + "}"  # braces: a body, never "last, first"
        return f"{_bib_escape(self.family)}, {_bib_escape(self.given)}" if self.given else _bib_escape(self.family)

    def csl(self) -> dict[str, str]:
        if self.name:
            return {"literal": self.name}
        return {k: v for k, v in (("family", self.family), ("given", self.given)) if v}

    def highwire(self) -> str:
        if self.name:
            return self.name
        return f"{self.family}, {self.given}" if self.given else self.family


@dataclass
class Settings:
    title: str
    authors: list[Author]
    publisher: str = ""
    site_url: str = ""  # where site/ is published, ending in /
    license: str = ""
    language: str = "en"
    dois: dict[str, str] = field(default_factory=dict)  # edition -> DOI

    def doi(self, edition: str) -> str:
        return self.dois.get(edition, "")

    def edition_url(self, edition: str) -> str:
        return f"{self.site_url}{edition}/" if self.site_url else ""


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise UsageError(f"{where}: expected text")
    return str(value).strip()


def load(root: Path | None = None) -> Settings:
    """The citation settings of a project: book/citation.yml over book/_config.yml."""
    book = paths.book_sources(root)
    config_path = book / "_config.yml"
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    path = book / CONFIG
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of settings (title, authors, site_url, ...)")
    authors = []
    raw_authors = data.get("authors")
    if raw_authors is None:
        raw_authors = [{"name": config.get("author")}] if config.get("author") else []
    if not isinstance(raw_authors, list):
        raise UsageError(f"{path}: authors: expected a list")
    for i, raw in enumerate(raw_authors, 1):
        where = f"{path}: authors, entry {i}"
        if isinstance(raw, str):
            raw = {"name": raw}
        if not isinstance(raw, dict):
            raise UsageError(f"{where}: expected name, or family and given")
        author = Author(
            family=_text(raw.get("family"), where),
            given=_text(raw.get("given"), where),
            name=_text(raw.get("name"), where),
            orcid=_text(raw.get("orcid"), where),
        )
        if not author.display:
            raise UsageError(f"{where}: needs a name, or a family name")
        authors.append(author)
    if not authors:
        raise UsageError(f"{path}: no authors (set authors here, or author in {config_path.name})")
    site_url = _text(data.get("site_url"), f"{path}: site_url")
    if site_url and not re.match(r"^https?://[^\s/]+(/\S*)?$", site_url):
        raise UsageError(f"{path}: site_url {site_url!r} is not an http(s) address")
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    dois: dict[str, str] = {}
    editions = data.get("editions") or {}
    if not isinstance(editions, dict):
        raise UsageError(f"{path}: editions: expected a mapping of edition name to its settings (doi)")
    for edition, settings in editions.items():
        doi = _text((settings or {}).get("doi") if isinstance(settings, dict) else None, f"{path}: editions, {edition}")
        if doi:
            check_doi(doi, f"{path}: editions, {edition}, doi")
            dois[str(edition)] = doi
    return Settings(
        title=_text(data.get("title"), f"{path}: title") or _text(config.get("title"), f"{config_path}: title"),
        authors=authors,
        publisher=_text(data.get("publisher"), f"{path}: publisher"),
        site_url=site_url,
        license=_text(data.get("license"), f"{path}: license"),
        language=_text(data.get("language"), f"{path}: language") or "en",
        dois=dois,
    )


def check_doi(doi: str, where: str = "doi") -> str:
    if not DOI.match(doi):
        raise UsageError(f"{where}: {doi!r} is not a DOI (10.NNNN/suffix)")
    return doi


@dataclass
class Citation:
    """One citable thing of an edition: a brief (`page` briefs/NAME.html) or the whole edition (`page` index.html)."""

    key: str
    title: str
    book: str  # the book's title; equal to `title` for the edition itself
    authors: list[Author]
    edition: str
    date: str  # YYYY-MM-DD
    page: str
    publisher: str = ""
    url: str = ""
    doi: str = ""
    pdf: str = ""  # relative to the edition
    license: str = ""
    language: str = "en"

    @property
    def is_book(self) -> bool:
        return self.title == self.book

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def long_date(self) -> str:
        day = dt.date.fromisoformat(self.date)
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"

    def absolute(self, rel: str) -> str:
        base = self.url[: len(self.url) - len(self.page)] if self.url and self.url.endswith(self.page) else ""
        return f"{base}{rel}" if base else ""

    # --- text ---------------------------------------------------------------------------

    def text(self) -> str:
        authors = _join([a.display for a in self.authors])
        where = f"edition {self.edition}, {self.long_date}"
        if self.is_book:
            out = f"{authors} ({self.year}). {self.title} ({where})."
        else:
            out = f"{authors} ({self.year}). {self.title}. In {self.book} ({where})."
        if self.publisher and self.publisher != authors:
            out += f" {self.publisher}."
        if self.doi:
            out += f" https://doi.org/{self.doi}"
        elif self.url:
            out += f" {self.url}"
        return out

    # --- BibTeX ------------------------------------------------------------------------------

    def bibtex(self) -> str:
        kind = "book" if self.is_book else "incollection"
        fields = [("author", " and ".join(a.bibtex() for a in self.authors)), ("title", "{" + _bib_escape(self.title) + "}")]
        if not self.is_book:
            fields.append(("booktitle", "{" + _bib_escape(self.book) + "}"))
        fields += [
            ("edition", _bib_escape(self.edition)),
            ("year", self.year),
            ("month", str(int(self.date[5:7]))),
            ("date", self.date),
            ("publisher", _bib_escape(self.publisher or self.authors[0].display)),
        ]
        if self.url:
            fields.append(("url", self.url))
        if self.doi:
            fields.append(("doi", self.doi))
        fields.append(("note", _bib_escape(f"Edition {self.edition}, released {self.date}")))
        if self.language:
            fields.append(("language", self.language))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        return f"@{kind}{{{self.key},\n{body}\n}}\n"

    # --- CSL-JSON ------------------------------------------------------------------------------

    def csl(self) -> dict[str, Any]:
        year, month, day = (int(p) for p in self.date.split("-"))
        item: dict[str, Any] = {
            "id": self.key,
            "type": "book" if self.is_book else "chapter",
            "title": self.title,
            "author": [a.csl() for a in self.authors],
            "issued": {"date-parts": [[year, month, day]]},
            "edition": self.edition,
            "publisher": self.publisher or self.authors[0].display,
            "language": self.language,
        }
        if not self.is_book:
            item["container-title"] = self.book
        if self.url:
            item["URL"] = self.url
        if self.doi:
            item["DOI"] = self.doi
        if self.license:
            item["license"] = self.license
        return item

    # --- meta tags ------------------------------------------------------------------------------

    def meta(self) -> list[tuple[str, str]]:
        """(name, content) of the Highwire Press and Dublin Core tags for the page's head."""
        tags = [("citation_title", self.title)]
        tags += [("citation_author", a.highwire()) for a in self.authors]
        tags += [
            ("citation_publication_date", self.date.replace("-", "/")),
            ("citation_online_date", self.date.replace("-", "/")),
        ]
        if not self.is_book:
            tags.append(("citation_inbook_title", self.book))
        tags.append(("citation_publisher", self.publisher or self.authors[0].display))
        if self.url:
            tags += [("citation_public_url", self.url), ("citation_abstract_html_url", self.url)]
        if self.pdf and self.absolute(self.pdf):
            tags.append(("citation_pdf_url", self.absolute(self.pdf)))
        if self.doi:
            tags.append(("citation_doi", self.doi))
        tags.append(("citation_language", self.language))
        tags += [("DC.title", self.title)]
        tags += [("DC.creator", a.display) for a in self.authors]
        tags += [
            ("DC.date", self.date),
            ("DC.type", "Text"),
            ("DC.format", "text/html"),
            ("DC.language", self.language),
            ("DC.publisher", self.publisher or self.authors[0].display),
        ]
        if not self.is_book:
            tags.append(("DC.relation.ispartof", f"{self.book}, edition {self.edition}"))
        if self.doi:
            tags.append(("DC.identifier", f"https://doi.org/{self.doi}"))
        if self.url:
            tags.append(("DC.identifier", self.url))
        if self.license:
            tags.append(("DC.rights", self.license))
        return tags

    def meta_html(self) -> str:
        return "".join(f'<meta name="{html.escape(n)}" content="{html.escape(c)}">\n' for n, c in self.meta())


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


_BIB_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _bib_escape(text: str) -> str:
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in " ".join(str(text).split()))


def _key(edition: str, name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_:.-]+", "-", f"briefs:{edition}:{name}")


def for_brief(settings: Settings, edition: str, date: str, name: str, title: str, pdf: bool) -> Citation:
    page = f"{BRIEFS_DIR}/{name}.html"
    url = f"{settings.edition_url(edition)}{page}" if settings.site_url else ""
    return Citation(
        key=_key(edition, name),
        title=title,
        book=settings.title,
        authors=settings.authors,
        edition=edition,
        date=date,
        page=page,
        publisher=settings.publisher,
        url=url,
        doi=settings.doi(edition),
        pdf=f"{PDF_DIR}/{name}.pdf" if pdf else "",
        license=settings.license,
        language=settings.language,
    )


def for_book(settings: Settings, edition: str, date: str) -> Citation:
    """The edition as a whole; its address is the edition's folder (whose index opens the landing page)."""
    url = settings.edition_url(edition) if settings.site_url else ""
    return Citation(
        key=_key(edition, "book"),
        title=settings.title,
        book=settings.title,
        authors=settings.authors,
        edition=edition,
        date=date,
        page="",
        publisher=settings.publisher,
        url=url,
        doi=settings.doi(edition),
        license=settings.license,
        language=settings.language,
    )


def files(citation: Citation, stem: str) -> dict[str, str]:
    """The download files of one citation, relative to the edition: cite/STEM.bib and cite/STEM.json."""
    return {
        f"{CITE_DIR}/{stem}.bib": citation.bibtex(),
        f"{CITE_DIR}/{stem}.json": json.dumps([citation.csl()], indent=2, ensure_ascii=False) + "\n",
    }


def block_html(citation: Citation, stem: str, archive: str | None, depth: int = 1) -> str:
    """The "Cite this" block for a page `depth` folders below the edition's root."""
    up = "../" * depth
    esc = html.escape
    bib, csl = f"{up}{CITE_DIR}/{stem}.bib", f"{up}{CITE_DIR}/{stem}.json"
    links = [
        f'<a class="briefs-cite-download" href="{esc(bib)}" download="{esc(stem)}.bib" type="application/x-bibtex">BibTeX</a>',
        f'<a class="briefs-cite-download" href="{esc(csl)}" download="{esc(stem)}.json" type="application/vnd.citationstyles.csl+json">CSL-JSON</a>',
    ]
    data = (
        (
            f' The data this edition was computed from: <a class="briefs-data-archive" href="{esc(up + archive)}" download>'
            f"{esc(archive.rsplit('/', 1)[-1])}</a> (the data package, the vintages of the official series, every output)."
        )
        if archive
        else ""
    )
    doi = (
        f'<p class="briefs-cite-doi">DOI: <a href="https://doi.org/{esc(citation.doi)}">{esc(citation.doi)}</a></p>'
        if citation.doi
        else ""
    )
    address = (
        ""
        if citation.url or citation.doi
        else ('<p class="briefs-cite-note">No published address is configured for this book (site_url in book/citation.yml).</p>')
    )
    return (
        '<div class="briefs-cite">'
        f'<p class="briefs-citation">{esc(citation.text())}</p>{doi}{address}'
        f'<p class="briefs-cite-downloads">Download the citation: {" · ".join(links)}.{data}</p>'
        "</div>"
    )


def write(folder: Path, written: dict[str, str]) -> None:
    for rel, text in written.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
