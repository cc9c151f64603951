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

If the module `briefs.diff` provides `changes_page(old, new) -> str`, the release
calls it with the folder of the previous edition's executed notebooks and the
folder of this edition's, and adds the Markdown it returns as a "What changed"
page (an empty string means no page). Without that module the hook is skipped.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from briefs import __version__
from briefs.project import catalog
from briefs.publish import editions, provenance
from briefs.book.build import compile_book, stage
from briefs.errors import BuildFailed, UsageError
from briefs.project.paths import default_package, project_root
from briefs.execute.run import run_brief

Progress = Callable[[str, str], None]
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


def site_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "site"


def changes_hook() -> Callable[[Path, Path], str] | None:
    """`briefs.diff.changes_page` if that module exists, else None."""
    try:
        module = importlib.import_module(".diff", __package__)
    except ModuleNotFoundError as exc:
        if exc.name in (f"{__package__}.diff",):
            return None
        raise
    return getattr(module, "changes_page", None)


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
    paths = list(sphinx.get("templates_path", []))
    if "_templates" not in paths:
        paths.append("_templates")
    sphinx["templates_path"] = paths
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
    say: Progress = lambda item, state: None,
) -> tuple[Path, dict[str, Any]]:
    """Run every brief, compile the book with switcher and provenance; returns (edition folder, manifest).

    Everything is written under `work`; outside it only build/cache (the Vega bundle) and, for a
    brief that fails, build/failed/ change. A brief that fails fails the release: an edition is
    complete or absent.
    """
    briefs = catalog.discover(root)
    if not briefs:
        raise BuildFailed(f"no briefs in {root / 'notebooks'}: nothing to release")
    runs = work / "runs"
    notebooks: dict[str, Path] = {}
    for brief in briefs:
        say(brief.name, "running")
        result = run_brief(brief.name, root=root, strict=strict, output=runs / f"{brief.name}.ipynb")
        notebooks[brief.name] = result.notebook
        bad = len(result.contradicted)
        say(brief.name, f"done, {len(result.claims)} claims" + (f", {bad} contradicted" if bad else ""))
    facts = [provenance.brief_facts(b, notebooks[b.name]) for b in briefs]
    say("book", "compiling")
    source = stage(root, briefs, notebooks, work / "src")
    _edition_config(source, edition, known)
    for brief, fact in zip(briefs, facts):
        provenance.decorate(source / "briefs" / f"{brief.name}.ipynb", fact, edition)
    hook = changes_hook()
    changes = None
    if hook is not None and previous is not None and (previous / "notebooks").is_dir():
        text = hook(previous / "notebooks", runs)
        if text and text.strip():
            _add_changes_page(source, text)
            changes = f"{CHANGES_PAGE}.html"
    html = compile_book(source, work / "out")
    folder = work / "edition"
    html.rename(folder)
    (folder / "notebooks").mkdir()
    for name, path in notebooks.items():
        shutil.copyfile(path, folder / "notebooks" / f"{name}.ipynb")
    data = provenance.manifest(edition, facts, default_package(root), root)
    data["changes_page"] = changes
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
    progress: Progress | None = None,
) -> ReleaseResult:
    """Build the book as edition `name` into `site/NAME/` and update the shared files."""
    editions.check_name(name)
    root = Path(root) if root else project_root()
    site = Path(site) if site else site_dir(root)
    say = progress or (lambda item, state: None)
    with exclusive(site):
        return _release(name, root, site, date, force, strict, say)


def _release(name: str, root: Path, site: Path, date: str | None, force: bool, strict: bool, say: Progress) -> ReleaseResult:
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
    code = {**provenance.git_state(root, exclude=(site, root / "build")), "briefs_version": __version__}
    edition = {"name": name, "date": day, "date_source": day_source, "code": code}
    known = [
        {"version": v, "pages": [] if v == name else editions.html_pages(site / v)}
        for v in new_order
        if v == name or (site / v).is_dir()
    ]
    with tempfile.TemporaryDirectory(prefix=editions.work_prefix(site), dir=site.parent) as tmp:
        work = Path(tmp)
        folder, data = build_edition(root, edition, known, work, previous=previous, strict=strict, say=say)
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


# --- preview ---------------------------------------------------------------


def make_server(site: Path, port: int = 8000, host: str = "127.0.0.1"):
    """An HTTP server for `site/` on the loopback interface only (port 0 picks a free one)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    if not (site / "index.html").exists():
        raise UsageError(f"nothing to serve in {site}: release an edition first (briefs release VERSION)")

    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-cache")  # a preview shows the latest release at once
            super().end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    try:
        return ThreadingHTTPServer((host, port), functools.partial(Handler, directory=str(site)))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
