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
page's provenance and, against the previous edition, a "What changed" page
(`review.diff.changes_page`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import yaml

from briefs import __version__
from briefs.project import catalog
from briefs.publish import editions, provenance
from briefs.book.build import assemble, want_pdf
from briefs.errors import BuildFailed, UsageError
from briefs.execute.schedule import Progress, run_briefs
from briefs.media import BRIEFS_DIR, PDF_DIR
from briefs.project import paths
from briefs.review.diff import changes_page

CHANGES_PAGE = "changes"
SIDEBAR = ["navbar-logo.html", "briefs-editions.html", "icon-links.html", "search-button-field.html", "sbt-sidebar-nav.html"]


@dataclass
class ReleaseResult:
    name: str
    site: Path
    edition: Path
    date: str
    manifest: dict[str, Any] = field(default_factory=dict)
    replaced: bool = False


def _edition_config(source: Path, edition: dict[str, Any], known: list[dict[str, Any]]) -> None:
    """Point the staged book at the switcher template and tell it which edition it is."""
    templates = source / "_templates"
    templates.mkdir(exist_ok=True)
    assets = resources.files("briefs").joinpath("assets", "editions")
    (templates / "briefs-editions.html").write_text(assets.joinpath("briefs-editions.html").read_text(encoding="utf-8"), encoding="utf-8")
    (source / "_static").mkdir(exist_ok=True)
    (source / "_static" / "editions.css").write_text(assets.joinpath("editions.css").read_text(encoding="utf-8"), encoding="utf-8")
    config_path = source / "_config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    template_dirs = list(sphinx.get("templates_path", []))
    if "_templates" not in template_dirs:
        template_dirs.append("_templates")
    sphinx["templates_path"] = template_dirs
    sphinx["html_sidebars"] = {"**": SIDEBAR}
    sphinx["version"] = sphinx["release"] = edition["name"]
    context = dict(sphinx.get("html_context", {}))
    context["briefs_edition"] = {"name": edition["name"], "date": edition["date"], "editions": known}
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
    say: Progress = lambda item, state: None,
) -> tuple[Path, dict[str, Any]]:
    """Run every brief afresh, then the build's own staging, compile and PDF steps with the edition's
    switcher, provenance and "what changed" page; returns (edition folder, manifest).

    Everything is written under `work`; outside it only build/cache (the Vega bundle) changes. A
    brief that fails fails the release: an edition is complete or absent.
    """
    briefs = catalog.discover(root)
    if not briefs:
        raise BuildFailed(f"no briefs in {paths.notebooks_dir(root)}: nothing to release")
    runs = work / "runs"
    results, failures, _ = run_briefs(briefs, root, into=runs, strict=strict, progress=say)
    if failures:
        raise BuildFailed("an edition needs every brief; these failed: " + "; ".join(failures.values()))
    notebooks = {r.brief: r.notebook for r in results}
    facts = [provenance.brief_facts(b, notebooks[b.name]) for b in briefs]
    changes = None

    def prepare(source: Path) -> None:
        nonlocal changes
        _edition_config(source, edition, known)
        for brief, fact in zip(briefs, facts):
            provenance.decorate(source / BRIEFS_DIR / f"{brief.name}.ipynb", fact, edition)
        if previous is not None and (previous / "notebooks").is_dir():
            text = changes_page(previous / "notebooks", runs)
            if text and text.strip():
                _add_changes_page(source, text)
                changes = f"{CHANGES_PAGE}.html"

    say("book", "compiling")
    html = assemble(root, briefs, notebooks, work, pdf=pdf, prepare=prepare, say=say)
    folder = work / "edition"
    html.rename(folder)
    (folder / "notebooks").mkdir()
    for name, path in notebooks.items():
        shutil.copyfile(path, folder / "notebooks" / f"{name}.ipynb")
    data = provenance.manifest(edition, facts, paths.default_package(root), root)
    data["changes_page"] = changes
    data["pdfs"] = sorted(f"{PDF_DIR}/{name}.pdf" for name in notebooks) if pdf else []
    (folder / "manifest.json").write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder, data


def release(
    name: str,
    *,
    root: Path | None = None,
    site: Path | None = None,
    date: str | None = None,
    force: bool = False,
    strict: bool = False,
    pdf: bool | None = None,
    progress: Progress | None = None,
) -> ReleaseResult:
    """Build the book as edition `name` into `site/NAME/` and update the shared files.

    `pdf` as for `briefs build`: None prints every brief whenever Chromium is there.
    """
    editions.check_name(name)
    root = Path(root) if root else paths.project_root()
    site = Path(site) if site else paths.site_dir(root)
    say = progress or (lambda item, state: None)
    with_pdf = want_pdf(pdf, say)
    with exclusive(site):
        return _release(name, root, site, date, force, strict, with_pdf, say)


def _release(name: str, root: Path, site: Path, date: str | None, force: bool, strict: bool, pdf: bool,
             say: Progress) -> ReleaseResult:
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
        folder, data = build_edition(root, edition, known, work, previous=previous, strict=strict, pdf=pdf, say=say)
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
