"""Shared fixtures: the repository, and throwaway copies of the project to run briefs in."""

from __future__ import annotations

import shutil
from types import SimpleNamespace
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def copy_project(dest: Path, runs_from: Path | None = None) -> Path:
    """The parts of the project a run or build reads: enough to run briefs without touching build/.

    `runs_from`: another copy whose executed briefs and cache records are copied too, so a
    build here re-runs only what differs (the cache is content-addressed: same inputs, same
    outputs) and a test pays for compiling the book, not for running every brief again.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, dest / name)
    for folder in ("data", "notebooks", "book"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("external"))
    if runs_from is not None:
        for sub in ("runs", "cache/briefs"):
            shutil.copytree(runs_from / "build" / sub, dest / "build" / sub)
    return dest


@pytest.fixture(scope="session")
def built_project(tmp_path_factory):
    """One copy of the project with every brief run and the book built (no PDFs), shared read-only."""
    from briefs.book.build import build_book

    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    states: list[tuple[str, str]] = []
    result = build_book(root, progress=lambda item, state: states.append((item, state)), pdf=False)
    assert result.ok, result.failures
    return SimpleNamespace(root=root, result=result, states=states)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; its absence fails the browser tests (they are never skipped)."""
    from briefs.book.pdf import chromium_path, unavailable

    reason = unavailable()
    if reason:
        pytest.fail(
            f"the browser tests need Debian's Chromium and Playwright: {reason}. "
            "Run `make setup` (it installs chromium with apt-get, through sudo when not root; Playwright comes with requirements/test.txt).",
            pytrace=False,
        )
    return chromium_path()


@pytest.fixture(scope="session")
def browser(chromium):
    """One headless Chromium for the whole session (see tests/browsing.py)."""
    from playwright.sync_api import sync_playwright

    from briefs.book.pdf import launch

    with sync_playwright() as pw:
        instance = launch(pw)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(autouse=True)
def _no_external_override(monkeypatch):
    """Tests decide themselves whether official series are present."""
    monkeypatch.delenv("BRIEFS_ROOT", raising=False)
