"""Compile a staged book with `jupyter-book build` (1.x, Sphinx), offline, into a fresh folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from briefs.errors import BuildFailed

COMMAND = [sys.executable, "-m", "briefs.book.parallel"]  # `jupyter-book`, with Sphinx's parallel jobs (book/parallel.py)
ENV = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}


class Ahead:
    """A compile process started before its book is staged: it imports Sphinx, Jupyter Book and the
    extensions (about a second of a core) while the briefs run, highlights the code of the files
    `highlight` names (sphinxext.prehighlight: the briefs' sources, the guides), then waits for its
    command line. `close` stops it when the build ends without using it."""

    def __init__(self, highlight: list[Path] | None = None) -> None:
        self.process = subprocess.Popen(
            [*COMMAND, "--ahead"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **ENV},
        )
        if highlight:
            try:
                self.process.stdin.write(json.dumps({"highlight": [str(path) for path in highlight]}) + "\n")
                self.process.stdin.flush()
            except OSError:  # it has died already: the compile starts a process of its own
                pass

    def take(self) -> subprocess.Popen | None:
        """The waiting process, once; None if it has died."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            return process
        _end(process)
        return None

    def close(self) -> None:
        _end(self.process)
        self.process = None


def _end(process: subprocess.Popen | None) -> None:
    if process is not None:
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout, process.stderr):
            pipe.close()


def compile_book(source: Path, out: Path, ahead: Ahead | None = None) -> Path:
    """`jupyter-book build` into a fresh folder (in the process `ahead` started, if given and still
    waiting); returns its HTML folder or raises BuildFailed."""
    if out.exists():
        shutil.rmtree(out)
    args = ["build", str(source), "--path-output", str(out), "--builder", "html", "-W", "-n", "--keep-going"]
    process = ahead.take() if ahead is not None else None
    if process is not None:
        stdout, stderr = process.communicate(json.dumps(args) + "\n")
        returncode = process.returncode
    else:
        proc = subprocess.run([*COMMAND, *args], capture_output=True, text=True, env={**os.environ, **ENV})
        stdout, stderr, returncode = proc.stdout, proc.stderr, proc.returncode
    html = out / "_build" / "html"
    if returncode != 0 or not (html / "index.html").exists():
        log = out / "jupyter-book.log"
        out.mkdir(parents=True, exist_ok=True)
        log.write_text(stdout + "\n" + stderr, encoding="utf-8")
        warnings = [ln for ln in (stdout + stderr).splitlines() if "WARNING" in ln or "ERROR" in ln]
        first = warnings[0] if warnings else f"jupyter-book exited with {returncode}"
        raise BuildFailed(f"the book did not build: {first} (full log: {log})")
    return html
