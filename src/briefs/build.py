"""Run every brief, then compile the Jupyter Book (1.x, Sphinx) to HTML, offline.

The book is compiled from a staging copy of `book/` plus the executed
notebooks, with its table of contents generated from the catalog, so adding a
brief adds a page without editing the core. HTML is built aside and swapped
into `build/html` only when Sphinx succeeds: a failed build leaves the last
good book in place. A brief that fails keeps its previous executed notebook
and the other briefs still run; the summary names it. Every published file
changes by rename only (see `atomic`), so a build killed at any point leaves
the last good book and notebooks whole; `build/book` is scratch, rebuilt from
nothing each time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

from . import atomic, catalog
from .errors import BriefsError, BuildFailed
from .paths import build_dir, project_root
from .run import RunResult, output_path, run_brief, scratch_dir

Progress = Callable[[str, str], None]  # (brief or step, state) -> None


@dataclass
class BuildResult:
    html: Path
    runs: list[RunResult] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures


def vega_bundle(cache: Path) -> Path:
    """Vega, Vega-Lite and Vega-Embed as one local script, from vl-convert (no network, no npm)."""
    import vl_convert as vlc

    from .charts import VL_VERSION

    path = cache / f"vega-{vlc.get_vega_version()}-vl{VL_VERSION}-embed{vlc.get_vega_embed_version()}.js"
    if not path.exists():
        # Wrapped in a function: the bundle's top-level `const`s would otherwise share the page's
        # global scope with every other classic script. It still sets window.vegaEmbed.
        body = vlc.javascript_bundle(vl_version=VL_VERSION)
        atomic.write_text(path, f"(function () {{\n{body}\n}})();\n")
    return path


def toc(briefs: list[catalog.Brief]) -> str:
    lines = ["format: jb-book", "root: intro", "parts:", "  - caption: Briefs", "    chapters:"]
    lines += [f"      - file: briefs/{b.name}" for b in briefs]
    return "\n".join(lines) + "\n"


def stage(root: Path, briefs: list[catalog.Brief], notebooks: dict[str, Path], dest: Path) -> Path:
    """A complete Jupyter Book source folder: book/, executed notebooks, generated TOC, static assets."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(root / "book", dest)
    (dest / "briefs").mkdir(exist_ok=True)
    for brief in briefs:
        if brief.name in notebooks:
            shutil.copyfile(notebooks[brief.name], dest / "briefs" / f"{brief.name}.ipynb")
    (dest / "_toc.yml").write_text(toc([b for b in briefs if b.name in notebooks]), encoding="utf-8")
    static = dest / "_static"
    static.mkdir(exist_ok=True)
    shutil.copyfile(vega_bundle(build_dir(root) / "cache"), static / "vega-bundle.js")
    for asset in resources.files("briefs").joinpath("assets").iterdir():
        if asset.name.endswith((".js", ".css")):
            (static / asset.name).write_bytes(asset.read_bytes())
    return dest


def compile_book(source: Path, out: Path) -> Path:
    """`jupyter-book build` into a fresh folder; returns its HTML folder or raises BuildFailed."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [
        sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(source),
        "--path-output", str(out), "--builder", "html", "-W", "-n", "--keep-going",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    html = out / "_build" / "html"
    if proc.returncode != 0 or not (html / "index.html").exists():
        log = out / "jupyter-book.log"
        out.mkdir(parents=True, exist_ok=True)
        log.write_text(proc.stdout + "\n" + proc.stderr, encoding="utf-8")
        warnings = [ln for ln in (proc.stdout + proc.stderr).splitlines() if "WARNING" in ln or "ERROR" in ln]
        first = warnings[0] if warnings else f"jupyter-book exited with {proc.returncode}"
        raise BuildFailed(f"the book did not build: {first} (full log: {log})")
    return html


def swap_in(new: Path, target: Path) -> None:
    """Replace `target` by `new` with renames, so readers of `target` see old or new, never half."""
    atomic.replace_dir(new, target)


def build_book(root: Path | None = None, *, progress: Progress | None = None, run: bool = True) -> BuildResult:
    """Run the briefs (unless `run` is False), stage the book, compile it into build/html."""
    root = root or project_root()
    say = progress or (lambda item, state: None)
    briefs = catalog.discover(root)
    result = BuildResult(html=build_dir(root) / "html")
    atomic.recover_dir(result.html)  # a build killed mid-swap put the last good book aside
    shutil.rmtree(scratch_dir(root), ignore_errors=True)
    notebooks: dict[str, Path] = {}
    for brief in briefs:
        if run:
            say(brief.name, "running")
            try:
                res = run_brief(brief.name, root=root)
            except BriefsError as exc:
                result.failures[brief.name] = str(exc)
                say(brief.name, f"failed: {exc}")
            else:
                result.runs.append(res)
                bad = len(res.contradicted)
                say(brief.name, f"done, {len(res.claims)} claims" + (f", {bad} contradicted" if bad else ""))
        previous = output_path(brief.name, root)
        if previous.exists():
            notebooks[brief.name] = previous
    say("book", "compiling")
    work = build_dir(root) / "book"
    source = stage(root, briefs, notebooks, work / "src")
    html = compile_book(source, work / "out")
    swap_in(html, result.html)
    shutil.rmtree(work / "out", ignore_errors=True)
    say("book", f"written to {result.html}")
    return result
