"""The lock files: every package pinned with its hashes, consistent with pyproject.toml, and installed here.

`requirements/book.txt` is what `make book` installs, `requirements/test.txt` what `make test`
installs; both are written by `make lock` (see the Makefile).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import REPO

LOCKS = REPO / "requirements"
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# What the tests need and the book does not: `make book` must not install these.
TEST_ONLY = {"pytest", "pytest-xdist", "execnet", "hypothesis", "distributed", "ruff", "check-jsonschema"}


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: str
    hashes: tuple[str, ...]

    def applies(self) -> bool:
        return not self.marker or Marker(self.marker).evaluate()


def pins(path: Path) -> list[Pin]:
    """The entries of a hashed requirements file (comments dropped, continuation lines joined)."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        spec, *hashes = re.split(r"\s+--hash=", line)
        req = Requirement(spec)
        pinned = [s.version for s in req.specifier if s.operator == "=="]
        assert len(pinned) == len(req.specifier) == 1, f"{path.name}: {spec} is not pinned to one version with =="
        found.append(Pin(canonicalize_name(req.name), pinned[0], str(req.marker or ""), tuple(hashes)))
    return found


def declared(*extras: str) -> list[Requirement]:
    reqs = [Requirement(r) for r in PROJECT["dependencies"]]
    return reqs + [Requirement(r) for extra in extras for r in PROJECT["optional-dependencies"][extra]]


BOOK = pins(LOCKS / "book.txt")
TEST = pins(LOCKS / "test.txt")


def test_every_entry_is_pinned_with_hashes():
    assert len(BOOK) > 50 and len(TEST) > len(BOOK)
    for pin in BOOK + TEST:
        assert pin.hashes, f"{pin.name}=={pin.version} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in pin.hashes), pin


@pytest.mark.parametrize(("lock", "extras"), [(BOOK, ("pdf",)), (TEST, ("pdf", "test"))], ids=["book", "test"])
def test_each_declared_dependency_is_locked_within_its_range(lock, extras):
    locked = {pin.name: pin for pin in lock}
    for req in declared(*extras):
        name = canonicalize_name(req.name)
        assert name in locked, f"{req} is declared but not locked: run `make lock`"
        assert req.specifier.contains(locked[name].version, prereleases=True), (
            f"{name}=={locked[name].version} is outside the declared range {req}: run `make lock`"
        )


def test_the_book_lock_is_the_test_lock_less_the_test_tools():
    test = {(pin.name, pin.version) for pin in TEST}
    assert {(pin.name, pin.version) for pin in BOOK} <= test
    names = {pin.name for pin in BOOK}
    assert not names & TEST_ONLY, f"make book would install test tools: {sorted(names & TEST_ONLY)}"
    assert TEST_ONLY <= {pin.name for pin in TEST}
    assert {"playwright", "pypdf"} <= names  # the book prints its PDFs


def test_the_locks_install_their_own_installer_and_build_backend():
    """`pip install --no-deps --no-build-isolation -e .` then builds with locked versions only."""
    for lock in (BOOK, TEST):
        assert {"pip", "setuptools"} <= {pin.name for pin in lock}
    build = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    locked = {pin.name: pin.version for pin in BOOK}
    for req in map(Requirement, build):
        assert req.specifier.contains(locked[canonicalize_name(req.name)]), req


def test_pandas_is_held_to_one_major_version():
    (req,) = [r for r in declared() if r.name == "pandas"]
    major = Version({pin.name: pin.version for pin in BOOK}["pandas"]).major
    assert req.specifier.contains(f"{major}.0.0") and req.specifier.contains(f"{major}.99")
    assert not req.specifier.contains(f"{major + 1}.0.0") and not req.specifier.contains(f"{major - 1}.99")


def test_this_environment_is_the_locked_one():
    """The tests run in what `make test` installs: every locked package that applies here, at its version."""
    wrong = []
    for pin in TEST:
        if not pin.applies():
            continue
        try:
            have = version(pin.name)
        except PackageNotFoundError:
            have = "missing"
        if have != pin.version:
            wrong.append(f"{pin.name}: {have}, locked {pin.version}")
    assert not wrong, (
        "this environment is not the one requirements/test.txt locks (delete .venv and run "
        "`make test`, or `pip install --require-hashes -r requirements/test.txt`): " + "; ".join(wrong)
    )


def test_the_pin_reader_sees_what_pip_would(tmp_path):
    sample = tmp_path / "sample.txt"
    sample.write_text(
        "# header\nfoo==1.2 ; sys_platform == 'win32' \\\n    --hash=sha256:" + "a" * 64 + " \\\n"
        "    --hash=sha256:" + "b" * 64 + "\n    # via bar\nbaz-qux==3.0 \\\n    --hash=sha256:" + "c" * 64 + "\n"
    )
    got = pins(sample)
    assert got == [
        Pin("foo", "1.2", 'sys_platform == "win32"', ("sha256:" + "a" * 64, "sha256:" + "b" * 64)),
        Pin("baz-qux", "3.0", "", ("sha256:" + "c" * 64,)),
    ]
    assert got[0].applies() is False
