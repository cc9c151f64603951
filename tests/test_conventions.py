"""The conventions of a Python project: lint and format clean, licensed, a changelog, typed, hooks in step with the lock."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from datetime import date
from importlib.metadata import version

import yaml

import briefs
from conftest import REPO

CHECKED = ["src", "tests"]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=REPO, capture_output=True, text=True)


def test_ruff_check_passes():
    proc = ruff("check", "--no-cache", *CHECKED)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_ruff_format_check_passes():
    proc = ruff("format", "--check", "--no-cache", "--output-format", "concise", *CHECKED)
    assert proc.returncode == 0, "run `.venv/bin/ruff format src tests`:\n" + proc.stdout[-4000:] + proc.stderr[-2000:]


def test_ruff_is_configured_in_pyproject():
    config = PYPROJECT["tool"]["ruff"]
    assert config["line-length"] == 130
    assert config["lint"]["select"] == ["E4", "E7", "E9", "F"]


def test_the_lint_test_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nx = undefined_name\n")
    proc = ruff("check", "--no-cache", "--config", str(REPO / "pyproject.toml"), str(bad))
    assert proc.returncode == 1
    assert "F401" in proc.stdout and "F821" in proc.stdout


def test_pre_commit_hooks_use_the_locked_versions():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    repos = {r["repo"].rsplit("/", 1)[-1]: r for r in config["repos"]}
    assert repos["ruff-pre-commit"]["rev"] == f"v{version('ruff')}"
    assert {h["id"] for h in repos["ruff-pre-commit"]["hooks"]} == {"ruff-check", "ruff-format"}
    assert repos["check-jsonschema"]["rev"] == version("check-jsonschema")
    assert "check-github-workflows" in {h["id"] for h in repos["check-jsonschema"]["hooks"]}
    locked = (REPO / "requirements" / "test.txt").read_text(encoding="utf-8")
    assert f"\nruff=={version('ruff')} " in locked and f"\ncheck-jsonschema=={version('check-jsonschema')} " in locked


def test_license_is_mit_and_declared():
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 The briefs authors" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text
    assert PYPROJECT["project"]["license"] == "MIT" and PYPROJECT["project"]["license-files"] == ["LICENSE"]


HEADING = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?$")


def changelog_entries() -> list[tuple[str, str | None]]:
    entries = []
    for line in (REPO / "CHANGELOG.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            match = HEADING.match(line)
            assert match, (
                f"CHANGELOG.md: {line!r} is not '## [VERSION] - YYYY-MM-DD', '## [Edition NAME] - YYYY-MM-DD' or '## [Unreleased]'"
            )
            entries.append((match["name"], match["date"]))
    return entries


def test_changelog_has_unreleased_then_releases_newest_first():
    entries = changelog_entries()
    assert entries[0] == ("Unreleased", None)
    released = entries[1:]
    assert released and all(day for _, day in released), "every release and edition has a date"
    for name, _ in released:
        assert re.fullmatch(r"\d+\.\d+\.\d+|Edition [A-Za-z0-9][A-Za-z0-9._-]*", name), name
    days = [date.fromisoformat(day) for _, day in released]
    assert days == sorted(days, reverse=True)


def test_changelog_has_the_current_version():
    assert PYPROJECT["project"]["version"] == briefs.__version__
    assert briefs.__version__ in {name for name, _ in changelog_entries()}


def test_the_wheel_is_typed_and_licensed(tmp_path):
    """Built from a copy with the locked setuptools: py.typed, templates, assets and LICENSE go in the wheel."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copyfile(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("briefs-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "briefs/py.typed" in names
    assert "briefs/templates/brief.md" in names
    assert any(n.startswith("briefs/assets/") for n in names)
    dist_info = f"briefs-{briefs.__version__}.dist-info"
    assert f"{dist_info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    assert "License-Expression: MIT" in metadata
    assert not any(n.startswith("tests/") for n in names)
