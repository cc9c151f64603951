"""The Jupyter Book's source, staged: `book/` plus the executed briefs, a generated table of
contents and landing list, and the assets the pages need (the Vega bundle, CSS and scripts).

Adding a brief adds a page without editing the core: the table of contents is generated
from the catalog and the guides found in `book/guides/`.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

from briefs.book import derivations, guides, landing, vega
from briefs.media import BRIEFS_DIR, CHART_SCRIPT
from briefs.project import catalog, paths


def toc(briefs: list[catalog.Brief], guide_pages: list[str] = ()) -> str:
    """The document briefs first, then each other part (named in a page's `part:`) in the order of its
    first page, then the guides."""
    parts: dict[str, list[catalog.Brief]] = {catalog.DEFAULT_PART: []}
    for brief in briefs:
        parts.setdefault(brief.part, []).append(brief)
    lines = ["format: jb-book", "root: intro", "parts:"]
    for caption, members in parts.items():
        if members or caption == catalog.DEFAULT_PART:
            lines += [f"  - caption: {json.dumps(caption, ensure_ascii=False)}", "    chapters:"]
            lines += [f"      - file: {BRIEFS_DIR}/{b.name}" for b in members]
    if guide_pages:
        lines += [f"  - caption: {json.dumps(guides.CAPTION, ensure_ascii=False)}", "    chapters:"]
        lines += [f"      - file: {page}" for page in guide_pages]
    return "\n".join(lines) + "\n"


def configure(source: Path, pdf: bool) -> None:
    """Settings of this build that the committed _config.yml cannot know (whether PDFs are printed)."""
    import yaml

    path = source / "_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config.setdefault("sphinx", {}).setdefault("config", {})["briefs_pdf"] = bool(pdf)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def stage(root: Path, briefs: list[catalog.Brief], notebooks: dict[str, Path], dest: Path, pdf: bool = False) -> Path:
    """A complete Jupyter Book source folder: book/, executed notebooks, generated TOC and landing list, assets."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(paths.book_sources(root), dest)
    (dest / BRIEFS_DIR).mkdir(exist_ok=True)
    for brief in briefs:
        if brief.name in notebooks:
            derivations.check(notebooks[brief.name], brief.name)  # every glued number says how it was computed
            shutil.copyfile(notebooks[brief.name], dest / BRIEFS_DIR / f"{brief.name}.ipynb")
    built = [b for b in briefs if b.name in notebooks]
    (dest / "_toc.yml").write_text(toc(built, guides.pages(dest)), encoding="utf-8")
    (dest / landing.CATALOG_FILE).write_text(landing.catalog_markdown(built, notebooks, pdf=pdf), encoding="utf-8")
    configure(dest, pdf)
    static = dest / "_static"
    static.mkdir(exist_ok=True)
    shutil.copyfile(vega.bundle(paths.user_cache_dir(root)), static / CHART_SCRIPT)
    for asset in resources.files("briefs").joinpath("assets").iterdir():
        if asset.name.endswith((".js", ".css")):
            (static / asset.name).write_bytes(asset.read_bytes())
    return dest
