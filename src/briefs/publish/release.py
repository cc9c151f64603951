"""`briefs release VERSION`: the whole book as a dated, citable edition in `site/VERSION/`.

An edition is built from scratch (every brief run afresh from the current data and
code) in a temporary folder next to `site/`, then moved in with renames, and only
then listed: a release that fails at any point leaves `site/` exactly as it was.
Released editions are never rebuilt or edited; what changes with each release is
the short list of shared files in `editions.SHARED` (the versions list, the
switcher script, the `latest/` redirects and the root page).

Releasing a name that already exists is refused unless `force` is given: an
edition is something readers cite, so replacing it must be a deliberate act (for
instance to fix a release nobody has seen yet). A forced release keeps the
edition's place in the list.

An edition is made by the same steps as `briefs build` (the one scheduler,
`execute.schedule.run_briefs`, then `book.build.assemble`: staging, compiling and a
PDF of every brief), plus what only a release adds: the edition switcher, each
page's provenance and citation (`publish.citation`: text, BibTeX, CSL-JSON, meta
tags), the edition's data archive (`publish.archive`) and, against the previous
edition, a "What changed" page (`review.diff.changes_page`) that each brief links
to its own section of.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import yaml

from briefs import __version__
from briefs.project import catalog
from briefs.publish import archive, citation, editions, provenance
from briefs.book.build import assemble, want_pdf
from briefs.errors import BuildFailed, UsageError
from briefs.execute.schedule import Progress, run_briefs
from briefs.files import sha256
from briefs.media import BRIEFS_DIR, PDF_DIR
from briefs.project import paths
from briefs.review.changes import section_anchor
from briefs.review.diff import changes_page
from briefs.review.inputs import Files

CHANGES_PAGE = "changes"
SIDEBAR = ["navbar-logo.html", "icon-links.html", "search-button-field.html", "sbt-sidebar-nav.html"]
EXTENSION = "briefs.publish.editionext"  # the switcher in the article header; citation meta tags


@dataclass
class ReleaseResult:
    name: str
    site: Path
    edition: Path
    date: str
    manifest: dict[str, Any] = field(default_factory=dict)
    replaced: bool = False


def _edition_config(
    source: Path,
    edition: dict[str, Any],
    known: list[dict[str, Any]],
    meta: dict[str, str] | None = None,
    changes: str | None = None,
) -> None:
    """Point the staged book at the switcher template, tell it which edition it is, and give each
    page its citation meta tags (`meta`: pagename -> tags)."""
    templates = source / "_templates"
    templates.mkdir(exist_ok=True)
    assets = resources.files("briefs").joinpath("assets", "editions")
    (templates / "briefs-editions.html").write_text(
        assets.joinpath("briefs-editions.html").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (source / "_static").mkdir(exist_ok=True)
    (source / "_static" / "editions.css").write_text(
        assets.joinpath("editions.css").read_text(encoding="utf-8"), encoding="utf-8"
    )
    config_path = source / "_config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    extensions = config.setdefault("sphinx", {}).setdefault("extra_extensions", []) or []
    if EXTENSION not in extensions:
        config["sphinx"]["extra_extensions"] = [*extensions, EXTENSION]
    sphinx = config["sphinx"].setdefault("config", {})
    sphinx["briefs_citation_meta"] = dict(meta or {})
    template_dirs = list(sphinx.get("templates_path", []))
    if "_templates" not in template_dirs:
        template_dirs.append("_templates")
    sphinx["templates_path"] = template_dirs
    sphinx["html_sidebars"] = {"**": SIDEBAR}
    sphinx["version"] = sphinx["release"] = edition["name"]
    context = dict(sphinx.get("html_context", {}))
    context["briefs_edition"] = {
        "name": edition["name"],
        "date": edition["date"],
        "editions": known,
        "changes": changes,
        "archive": archive.relative_path(edition["name"]),
    }
    sphinx["html_context"] = context
    css = list(sphinx.get("html_css_files", []))
    if "editions.css" not in css:
        css.append("editions.css")
    sphinx["html_css_files"] = css
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _add_changes_page(source: Path, text: str) -> None:
    (source / f"{CHANGES_PAGE}.md").write_text(text, encoding="utf-8")
    toc = source / "_toc.yml"
    toc.write_text(
        toc.read_text(encoding="utf-8") + f"  - caption: This edition\n    chapters:\n      - file: {CHANGES_PAGE}\n",
        encoding="utf-8",
    )


def build_edition(
    root: Path,
    edition: dict[str, Any],
    known: list[dict[str, Any]],
    work: Path,
    *,
    previous: Path | None = None,
    strict: bool = False,
    pdf: bool = False,
    doi: str | None = None,
    say: Progress = lambda item, state: None,
) -> tuple[Path, dict[str, Any]]:
    """Run every brief afresh, then the build's own staging, compile and PDF steps with the edition's
    switcher, provenance and "what changed" page; returns (edition folder, manifest).

    Everything is written under `work`; outside it only the user's cache may gain the charts'
    script (book.vega). A brief that fails fails the release: an edition is complete or absent.
    """
    briefs = catalog.discover(root)
    if not briefs:
        raise BuildFailed(f"no briefs in {paths.notebooks_dir(root)}: nothing to release")
    settings = citation.load(root)  # bad citation settings stop the release before anything runs
    if doi:
        settings.dois[edition["name"]] = citation.check_doi(doi, "--doi")
    runs = work / "runs"
    results, failures, _ = run_briefs(briefs, root, into=runs, strict=strict, progress=say)
    if failures:
        raise BuildFailed("an edition needs every brief; these failed: " + "; ".join(failures.values()))
    notebooks = {r.brief: r.notebook for r in results}
    facts = [provenance.brief_facts(b, notebooks[b.name]) for b in briefs]
    say("data", "archiving")
    data_files = archive.members(root, notebooks)
    changes_text = None
    if previous is not None and (previous / "notebooks").is_dir():
        say("changes", f"comparing with edition {previous.name}")
        changes_text = changes_page(
            previous / "notebooks",
            runs,
            intro=_changes_intro(edition, previous),
            old_files=_archive_files(previous, root),
            new_files=_project_files(root),
        )
        if not (changes_text and changes_text.strip()):
            changes_text = None
    changes = f"{CHANGES_PAGE}.html" if changes_text else None
    sections = set(re.findall(r'<a id="changes-([^"]+)"></a>', changes_text or ""))
    cites = {b.name: citation.for_brief(settings, edition["name"], edition["date"], b.name, b.title, pdf) for b in briefs}
    book_cite = citation.for_book(settings, edition["name"], edition["date"])
    meta = {f"{BRIEFS_DIR}/{name}": c.meta_html() for name, c in cites.items()}
    data_rel = archive.relative_path(edition["name"])

    def prepare(source: Path) -> None:
        toc = yaml.safe_load((source / "_toc.yml").read_text(encoding="utf-8")) or {}
        meta[str(toc.get("root", "intro"))] = book_cite.meta_html()  # the landing page cites the edition
        _edition_config(source, edition, known, meta, changes)
        for brief, fact in zip(briefs, facts):
            link = None
            if changes and brief.name in sections:
                link = (f"../{changes}#{section_anchor(brief.name)}", f"What changed in this brief since edition {previous.name}")
            elif changes:
                link = (f"../{changes}", f"Unchanged since edition {previous.name}; see what changed in this edition")
            provenance.decorate(
                source / BRIEFS_DIR / f"{brief.name}.ipynb",
                fact,
                edition,
                changes=link,
                cite=citation.block_html(cites[brief.name], brief.name, data_rel),
            )
        if changes_text:
            _add_changes_page(source, changes_text)

    say("book", "compiling")
    html = assemble(root, briefs, notebooks, work, pdf=pdf, prepare=prepare, say=say)
    folder = work / "edition"
    html.rename(folder)
    (folder / "notebooks").mkdir()
    for name, path in notebooks.items():
        shutil.copyfile(path, folder / "notebooks" / f"{name}.ipynb")
    data_path = archive.write(folder / data_rel, edition["name"], data_files)
    written = citation.files(book_cite, "book")
    for name, cite in cites.items():
        written.update(citation.files(cite, name))
    citation.write(folder, written)
    data = provenance.manifest(edition, facts, paths.default_package(root), root)
    data["changes_page"] = changes
    data["pdfs"] = sorted(f"{PDF_DIR}/{name}.pdf" for name in notebooks) if pdf else []
    data["data_archive"] = {"path": data_rel, "sha256": sha256(data_path)}
    data["citation"] = {"url": book_cite.url or None, "doi": book_cite.doi or None, "files": sorted(written)}
    (folder / "manifest.json").write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder, data


def _changes_intro(edition: dict[str, Any], previous: Path) -> str:
    """One line saying which two editions the page compares."""
    try:
        before = json.loads((previous / "manifest.json").read_text(encoding="utf-8")).get("date")
    except (OSError, ValueError):
        before = None
    when = f" of {before}" if isinstance(before, str) and before else ""
    return (
        f"Edition {edition['name']} of {edition['date']} against edition {previous.name}{when}: first the inputs "
        "that changed, then each brief, the verdicts that changed first. Each item links to its place in this edition."
    )


def _archive_files(edition: Path, root: Path) -> Files | None:
    """The data an earlier edition was computed from, from its archive (None for editions without one)."""
    path = edition / archive.relative_path(edition.name)
    if not path.is_file():
        return None
    external = paths.external_dir(root)
    return Files.archive(path, [external, external / "superseded"])


def _project_files(root: Path) -> Files:
    external = paths.external_dir(root)
    return Files.folder(root, [external, external / "superseded"])


def release(
    name: str,
    *,
    root: Path | None = None,
    site: Path | None = None,
    date: str | None = None,
    force: bool = False,
    strict: bool = False,
    pdf: bool | None = None,
    doi: str | None = None,
    progress: Progress | None = None,
) -> ReleaseResult:
    """Build the book as edition `name` into `site/NAME/` and update the shared files.

    `pdf` as for `briefs build`: None prints every brief whenever Chromium is there. `doi`: the
    edition's DOI, if it has one (else the one book/citation.yml records for it, if any).
    """
    if doi:
        citation.check_doi(doi, "--doi")
    editions.check_name(name)
    root = Path(root) if root else paths.project_root()
    site = Path(site) if site else paths.site_dir(root)
    say = progress or (lambda item, state: None)
    with_pdf = want_pdf(pdf, say)
    with exclusive(site):
        return _release(name, root, site, date, force, strict, with_pdf, say, doi)


def _release(
    name: str,
    root: Path,
    site: Path,
    date: str | None,
    force: bool,
    strict: bool,
    pdf: bool,
    say: Progress,
    doi: str | None = None,
) -> ReleaseResult:
    day, day_source = provenance.release_date(date)
    listed = editions.read_versions(site)
    order = [e["version"] for e in listed]
    clash = [v for v in order if v.lower() == name.lower() and v != name]
    if clash:
        raise UsageError(f"edition {name!r} differs only in case from edition {clash[0]!r}; choose another name")
    exists = name in order or (site / name).exists()
    if exists and not force:
        raise UsageError(f"edition {name!r} already exists in {site}; releasing it again needs --force")
    new_order = order if name in order else [name, *order]
    previous = next((site / v for v in order if v != name and (site / v).is_dir()), None)
    code = {**provenance.git_state(root, exclude=(site, paths.build_dir(root))), "briefs_version": __version__}
    edition = {"name": name, "date": day, "date_source": day_source, "code": code}
    known = [
        {"version": v, "pages": [] if v == name else editions.html_pages(site / v)}
        for v in new_order
        if v == name or (site / v).is_dir()
    ]
    with tempfile.TemporaryDirectory(prefix=editions.work_prefix(site), dir=site.parent) as tmp:
        work = Path(tmp)
        folder, data = build_edition(root, edition, known, work, previous=previous, strict=strict, pdf=pdf, doi=doi, say=say)
        say("site", "publishing")
        editions.publish(site, name, folder, new_order, work)
    return ReleaseResult(name=name, site=site, edition=site / name, date=day, manifest=data, replaced=exists)


@contextlib.contextmanager
def exclusive(site: Path) -> Iterator[None]:
    """One release at a time per site, and a clean slate left by any release that was killed.

    The lock is an flock on a file beside `site/`: the system drops it when its holder
    dies, however it dies, so a killed release never blocks the next one.
    """
    site.parent.mkdir(parents=True, exist_ok=True)
    with open(site.parent / f".{site.name}-release.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"another release of {site} is running; wait for it to finish") from None
        editions.recover(site)
        yield
