"""`briefs stage` writes an ordinary Jupyter Book source, and `jupyter-book build` builds it as the README says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import miniproject

BIN = Path(sys.executable).parent
SOURCE = Path("build") / "book" / "src"

# `briefs stage` and `jupyter-book build` run briefs and compile the book in subprocesses.
pytestmark = pytest.mark.slow


def run(command: list[str], root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFS_")}
    env.update(COLUMNS="200", NO_COLOR="1", TERM="dumb")
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=900)


def test_jupyter_book_builds_the_staged_source(tmp_path):
    root = miniproject.make(tmp_path / "project", stamp="first stamp")
    staged = run([str(BIN / "briefs"), "stage"], root)
    assert staged.returncode == 0, staged.stdout + staged.stderr
    assert f"book source written: {SOURCE}; build it with `jupyter-book build {SOURCE}`" in staged.stderr
    toc = yaml.safe_load((root / SOURCE / "_toc.yml").read_text())
    assert [c["file"] for c in toc["parts"][0]["chapters"]] == [f"briefs/{name}" for name in miniproject.NAMES]
    assert not (root / "build" / "html").exists()  # staged, not compiled

    built = run([str(BIN / "jupyter-book"), "build", str(SOURCE)], root)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    html = root / SOURCE / "_build" / "html"
    assert (html / "index.html").exists()
    for name in miniproject.NAMES:
        assert f"{name} reads first stamp" in (html / "briefs" / f"{name}.html").read_text()


def test_a_failing_brief_is_named_and_the_others_are_still_staged(tmp_path):
    root = miniproject.make(tmp_path / "project")
    miniproject.break_brief(root, "beta")
    staged = run([str(BIN / "briefs"), "stage", "-j", "1"], root)
    assert staged.returncode == 1
    assert "failed beta:" in staged.stderr and "ZeroDivisionError" in staged.stderr
    assert (root / SOURCE / "briefs" / "alpha.ipynb").exists()
    assert not (root / SOURCE / "briefs" / "beta.ipynb").exists()
