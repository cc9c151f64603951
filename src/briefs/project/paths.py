"""Where everything of a project is: its folders, and every path under `build/` and `site/`.

Notebooks are executed with the project root as working directory, but an
author may also open one from `notebooks/` in Jupyter; both must find the data
package, so the root is found by walking up to the folder that holds it.
Every generated path is defined here once; the layers ask for them by name.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKERS = ("pyproject.toml", "data/datapackage.json")


def project_root(start: str | os.PathLike | None = None) -> Path:
    """The nearest folder at or above `start` (default: cwd, or $BRIEFS_ROOT) holding the project."""
    env = os.environ.get("BRIEFS_ROOT")
    if start is None and env:
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if all((folder / m).exists() for m in MARKERS):
            return folder
    from briefs.errors import UsageError

    raise UsageError(f"no briefs project (pyproject.toml and data/datapackage.json) at or above {here}")


def _root(root: Path | None) -> Path:
    return Path(root) if root else project_root()


# --- committed sources ---------------------------------------------------------


def default_package(root: Path | None = None) -> Path:
    return _root(root) / "data" / "datapackage.json"


def description_path(root: Path | None = None) -> Path:
    """`data/external.json`: the official series, described (never the files themselves)."""
    return _root(root) / "data" / "external.json"


def external_dir(root: Path | None = None) -> Path:
    """Where official series snapshots live: $BRIEFS_EXTERNAL, else data/external/ (gitignored)."""
    env = os.environ.get("BRIEFS_EXTERNAL")
    return Path(env) if env else _root(root) / "data" / "external"


def notebooks_dir(root: Path | None = None) -> Path:
    return _root(root) / "notebooks"


def book_sources(root: Path | None = None) -> Path:
    """`book/`: the book's config, landing page and guides."""
    return _root(root) / "book"


def lock_dir(root: Path | None = None) -> Path:
    """`outputs/`: the committed outputs lock."""
    return _root(root) / "outputs"


# --- generated: build/ and site/ ------------------------------------------------


def build_dir(root: Path | None = None) -> Path:
    """Generated files; never committed."""
    return _root(root) / "build"


def runs_dir(root: Path | None = None) -> Path:
    """The last good executed notebook of every brief."""
    return build_dir(root) / "runs"


def run_path(name: str, root: Path | None = None) -> Path:
    return runs_dir(root) / f"{name}.ipynb"


def build_lock(root: Path | None = None) -> Path:
    """The lock file that lets one process at a time change build/ (beside it, so build/ holds only outputs)."""
    build = build_dir(root)
    return build.parent / f".{build.name}.lock"


def variants_dir(root: Path | None = None) -> Path:
    """Every run of a brief with parameters other than its own (`briefs run NAME -p ...` or `--sweep ...`),
    kept apart from the published runs and never published (see execute.variants)."""
    return build_dir(root) / "variants"


def variant_path(name: str, set_id: str, root: Path | None = None) -> Path:
    """The executed notebook of the variant NAME@SET."""
    return variants_dir(root) / f"{name}@{set_id}.ipynb"


def variants_index(root: Path | None = None) -> Path:
    """Which parameters each run in variants/ had (those that differ from the brief's defaults):
    {"NAME@SET": {"brief", "parameters", "notebook"}}."""
    return variants_dir(root) / "index.json"


def failed_path(name: str, root: Path | None = None) -> Path:
    """A failed run's notebook, kept for the author to read."""
    return build_dir(root) / "failed" / f"{name}.ipynb"


def scratch_dir(root: Path | None = None) -> Path:
    """Where half-written files live until renamed into place; cleared at the start of a build."""
    return build_dir(root) / "tmp"


def cache_dir(root: Path | None = None) -> Path:
    return build_dir(root) / "cache"


def charts_cache_dir(root: Path | None = None) -> Path:
    """The static SVGs of the charts drawn for this project's runs, by spec (page.rendered)."""
    return cache_dir(root) / "charts"


def user_cache_dir(root: Path | None = None) -> Path:
    """Where what depends only on the installed packages is kept once for every project of this
    user (the charts' script): platformdirs' cache folder for "briefs" ($XDG_CACHE_HOME/briefs or
    ~/.cache/briefs on Linux), or the project's build/cache when that folder cannot be written."""
    import platformdirs

    folder = platformdirs.user_cache_path("briefs")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return cache_dir(root)
    return folder if os.access(folder, os.W_OK | os.X_OK) else cache_dir(root)


def verdicts_file(root: Path | None = None) -> Path:
    """The keys of the data files that passed validation (each its bytes' sha256, its schema and the
    validating code), shared by the processes of a build (execute.run.preflight)."""
    return cache_dir(root) / "validated.txt"


def run_record(name: str, root: Path | None = None) -> Path:
    """The cache's record of a brief's last successful run: its key and the files it read."""
    return cache_dir(root) / "briefs" / f"{name}.json"


def book_record(root: Path | None = None) -> Path:
    return cache_dir(root) / "book.json"


def book_work_dir(root: Path | None = None) -> Path:
    """Scratch for compiling: the staged source (`src/`) and Sphinx's output (`out/`)."""
    return build_dir(root) / "book"


def preview_dir(root: Path | None = None) -> Path:
    """`briefs preview`'s book: the staged source (`src/`) and Sphinx's output (`out/`, its doctrees
    included), kept between rebuilds so Sphinx rewrites only the pages that changed."""
    return build_dir(root) / "preview"


def html_dir(root: Path | None = None) -> Path:
    """The last good book."""
    return build_dir(root) / "html"


def site_dir(root: Path | None = None) -> Path:
    """The published editions, side by side."""
    return _root(root) / "site"


def update_dir(root: Path | None = None) -> Path:
    """`briefs data update`'s scratch: the runs before the new vintages, and the report."""
    return build_dir(root) / "update"
