"""Compile a staged book with `jupyter-book build` (1.x, Sphinx), offline, into a fresh folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from briefs.errors import BuildFailed


def compile_book(source: Path, out: Path) -> Path:
    """`jupyter-book build` into a fresh folder; returns its HTML folder or raises BuildFailed."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [
        # `jupyter-book build`, with Sphinx's parallel jobs (see book/parallel.py).
        sys.executable,
        "-m",
        "briefs.book.parallel",
        "build",
        str(source),
        "--path-output",
        str(out),
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
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
