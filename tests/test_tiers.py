"""The fast tier (`pytest -m "not slow"`) holds what it says: a test outside the slow tier that
starts a kernel, starts workers to run briefs or compiles the book fails, naming the mark it lacks;
a test that uses a fixture marked with `slow_fixture` is left out of the fast tier."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

INNER = """
import subprocess, sys
import pytest
from conftest import slow_fixture


@pytest.fixture()
@slow_fixture
def runs_a_brief():
    return "a brief's run"


def test_plain():
    assert 1 + 1 == 2


def test_kernel_here():
    from jupyter_client.manager import KernelManager
    KernelManager(kernel_name="python3").start_kernel()


def test_workers(tmp_path):
    from briefs.execute.schedule import run_briefs
    from briefs.project.catalog import Brief
    briefs = [Brief(name, tmp_path / f"{name}.md", name, "001", "", 1) for name in ("a", "b")]
    for brief in briefs:
        brief.path.write_text("# " + brief.name)
    run_briefs(briefs, tmp_path, force=True)


def test_compile(tmp_path):
    from briefs.book.compile import compile_book
    compile_book(tmp_path, tmp_path / "out")


def test_uses_a_slow_fixture(runs_a_brief):
    assert runs_a_brief
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "two-workers"])
def test_the_fast_tier_refuses_what_makes_a_test_slow(tmp_path, workers):
    """In one process, and on pytest-xdist workers as `make test` runs it (each worker marks and guards its tests)."""
    shutil.copyfile(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_inner.py").write_text(INNER)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "not slow", "-p", "no:cacheprovider", "-rA", "-q", *workers, "test_inner.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = proc.stdout
    assert "PASSED test_inner.py::test_plain" in out
    assert "test_inner.py::test_kernel_here starts a Jupyter kernel, so it belongs to the slow tier" in out
    assert "test_inner.py::test_workers starts workers to run briefs, so it belongs to the slow tier" in out
    assert "test_inner.py::test_compile compiles the book, so it belongs to the slow tier" in out
    assert "test_uses_a_slow_fixture" not in out
    # Workers deselect on their own, so only the run in one process counts the deselected test.
    assert re.search(r"\b3 failed, 1 passed, 1 deselected\b" if not workers else r"\b3 failed, 1 passed\b", out), out[-2000:]
