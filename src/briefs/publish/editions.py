"""The published site: editions side by side, and the few shared files that tie them together.

    site/
      2026.10/ 2026.11/ ...  one folder per edition, never changed once released
      versions.json          the editions, newest first (pydata-sphinx-theme switcher format)
      editions.js            the switcher and old-edition banner script every page loads
      latest/                a redirect page for every page of the newest edition
      index.html             sends readers to the newest edition
      .nojekyll              tells GitHub Pages to serve `_static/` and friends as they are

Only the names in SHARED change when a later edition is released, which is why a
page built years ago still lists today's editions and warns that it is not the
latest: the facts that change live in shared files, not in the page.

`latest/` is a set of small redirect pages rather than a symlink or a copy:
symlinks are dropped or refused by many static hosts and upload tools; a copy
doubles the site and gives every page two addresses, one of which changes
meaning at each release. A redirect (meta refresh, plus a script that keeps the
#fragment) works on any static host and from disk, and lands the reader on the
dated address, which is the one to cite.

Publishing assembles the next site beside the current one (hard links to the
editions kept, so it costs little) and exchanges the two folders in one rename:
a release that fails or is killed at any point leaves `site/` exactly as it was.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import shutil
from importlib import resources
from pathlib import Path

from briefs import atomic
from briefs.errors import UsageError

VERSIONS = "versions.json"
SCRIPT = "editions.js"
INDEX = "index.html"
NOJEKYLL = ".nojekyll"
LATEST = "latest"
SHARED = (VERSIONS, SCRIPT, INDEX, NOJEKYLL, LATEST)
RESERVED = {name.lower() for name in SHARED} | {"404.html"}
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # matched whole (fullmatch): "4.0\n" is not a name
MAX_NAME = 64


def check_name(name: str) -> str:
    """An edition name safe as a folder and a URL segment on any host, or a UsageError."""
    shown = repr(name)
    rule = "use letters, digits, dots, hyphens and underscores, starting with a letter or digit (e.g. 2026.11 or 1.2.0)"
    if not isinstance(name, str) or not name:
        raise UsageError(f"edition name is empty: {rule}")
    if name.lower() in RESERVED:
        raise UsageError(f"edition name {shown} is reserved for a file the site shares between editions: choose another")
    if len(name) > MAX_NAME:
        raise UsageError(f"edition name {shown} is longer than {MAX_NAME} characters")
    if not NAME.fullmatch(name):
        raise UsageError(f"edition name {shown} is not allowed: {rule}")
    return name


def read_versions(site: Path) -> list[dict]:
    """The editions listed in `site/versions.json`, newest first (empty if there is no site yet)."""
    path = site / VERSIONS
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{path}: not readable as JSON ({exc}); fix or remove it before releasing") from None
    if not isinstance(data, list) or not all(isinstance(e, dict) and isinstance(e.get("version"), str) for e in data):
        raise UsageError(f"{path}: expected a list of editions each with a 'version'; fix or remove it before releasing")
    return data


def entries(order: list[str]) -> list[dict]:
    """versions.json for editions newest first; URLs are relative to versions.json itself.

    Relative URLs keep the site movable: the same files work at a host's root, under a
    project path such as /briefs/, and from disk.
    """
    return [
        {"name": f"{v} (latest)" if i == 0 else v, "version": v, "url": f"{v}/", "preferred": i == 0} for i, v in enumerate(order)
    ]


def html_pages(edition: Path) -> list[str]:
    """Every HTML page of an edition, as POSIX paths inside it, in a stable order."""
    return sorted(
        p.relative_to(edition).as_posix() for p in edition.rglob("*.html") if not p.relative_to(edition).parts[0].startswith("_")
    )


def redirect(target: str, label: str) -> str:
    """A page that sends the reader to `target` (relative), keeping ?query and #fragment."""
    t = html.escape(target, quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(label)}</title>\n"
        f'<link rel="canonical" href="{t}">\n'
        f'<meta http-equiv="refresh" content="0; url={t}">\n'
        f"<script>location.replace({json.dumps(target)} + location.search + location.hash);</script>\n"
        "</head>\n<body>\n"
        f'<p>{html.escape(label)}: <a href="{t}">{t}</a></p>\n'
        "</body>\n</html>\n"
    )


def latest_pages(site: Path, newest: str) -> dict[str, str]:
    """`latest/PAGE` -> a redirect to `NEWEST/PAGE`, for every page of the newest edition."""
    pages = {}
    for rel in html_pages(site / newest):
        depth = rel.count("/") + 1  # latest/ itself, then the page's folders
        target = posixpath.join(*([".."] * depth), newest, rel)
        pages[rel] = redirect(target, f"The latest edition of this page is in edition {newest}")
    return pages


def script(versions: list[dict]) -> str:
    body = resources.files("briefs").joinpath("assets", "editions", SCRIPT).read_text(encoding="utf-8")
    return body.replace("__BRIEFS_EDITIONS__", json.dumps(versions, indent=1, ensure_ascii=False))


def root_index(versions: list[dict]) -> str:
    newest = versions[0]["version"]
    page = redirect(f"{newest}/index.html", f"The latest edition of this book is {newest}")
    listing = "".join(f'<li><a href="{html.escape(e["version"])}/index.html">{html.escape(e["name"])}</a></li>' for e in versions)
    return page.replace("</body>", f"<p>All editions:</p>\n<ul>{listing}</ul>\n</body>")


def _link_or_copy(src: str, dst: str) -> None:
    """A released file is never written again, so the new site can share it with the old one."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def publish(site: Path, name: str, edition: Path, order: list[str], work: Path) -> None:
    """Make `site/` the site with `edition` in it as `name`, in one step.

    The next site is assembled in `work` (on the same file system as `site`): the editions
    kept are hard links to the released files (they are never written again, only
    replaced), the new edition is moved in, and the shared files are written afresh.
    Then the two folders are exchanged in one atomic rename (`atomic.replace_dir`). So
    at every instant, a SIGKILL included, `site/` is the old site or the new one, whole;
    a kill leaves at most the `work` folder, which the next release clears (`recover`).
    """
    staged = work / "site"
    if site.exists():
        keep = {name, *SHARED}
        shutil.copytree(
            site,
            staged,
            symlinks=True,
            copy_function=_link_or_copy,
            ignore=lambda folder, names: [n for n in names if n in keep] if folder == str(site) else [],
        )
    else:
        staged.mkdir(parents=True)
    os.replace(edition, staged / name)
    write_shared(staged, order)
    atomic.replace_dir(staged, site)


def write_shared(staged: Path, order: list[str]) -> None:
    """Write the files every edition shares (SHARED) into an assembled site, for editions `order`."""
    versions = entries(order)
    for rel, text in latest_pages(staged, order[0]).items():
        target = staged / LATEST / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
    for fname, text in (
        (NOJEKYLL, ""),
        (SCRIPT, script(versions)),
        (INDEX, root_index(versions)),
        (VERSIONS, json.dumps(versions, indent=2, ensure_ascii=False) + "\n"),
    ):
        (staged / fname).write_text(text, encoding="utf-8", newline="\n")


def work_prefix(site: Path) -> str:
    """The name every release's scratch folder beside `site/` starts with."""
    return f".{site.name}-release-"


def recover(site: Path) -> list[Path]:
    """Clear what killed releases left beside `site/`: scratch folders, a half-done swap.

    Only called while holding the release lock, so no folder cleared belongs to a
    release still running. Returns the folders removed.
    """
    atomic.recover_dir(site)
    leftovers = sorted(site.parent.glob(work_prefix(site) + "*")) if site.parent.exists() else []
    for folder in leftovers:
        shutil.rmtree(folder, ignore_errors=True)
    return leftovers
