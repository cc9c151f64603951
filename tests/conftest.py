"""Shared fixtures: the repository, and throwaway copies of the project to run briefs in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def copy_project(dest: Path) -> Path:
    """The parts of the project a run or build reads: enough to run briefs without touching build/."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, dest / name)
    for folder in ("data", "notebooks", "book"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("external"))
    return dest


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
